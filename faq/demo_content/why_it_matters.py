"""Demo FAQ category: Why it matters for my role and my customers."""

from .model import DemoCategory, DemoEntry

CATEGORY = DemoCategory(
    title="Why it matters for my role and my customers",
    slug="why-it-matters",
    description="What taking part in the community does for you, your team and your customers.",
    entries=(
        DemoEntry(
            question="Why should I take part if I never talk to customers?",
            answer=(
                "<p>Because the community is where customers describe, in their own words, "
                "what they need from us. Reading it for ten minutes a week tells you more "
                "about the people who pay for everything we do than most internal reports.</p>"
                "<p>For many roles, such as finance, HR or IT, taking part means reading "
                "rather than posting. You might notice that customers keep asking how invoices "
                "are laid out, or how to set up single sign-on, and pass that on to the team "
                "who can fix it. Aware is usually the only tier you need, and it takes about "
                "fifteen minutes. If you know an answer, you are welcome to post it, under the "
                "same rules as everyone else.</p>"
            ),
            phrasings=(
                "I'm not customer facing, finance HR and IT, back office roles, why does this "
                "apply to me, internal teams"
            ),
            audiences=("Finance Analyst", "People Partner", "IT Administrator"),
            related=(
                "What are the engagement tiers, and which one should I reach?",
                "How much time does taking part in the community take?",
            ),
        ),
        DemoEntry(
            question="What's in it for me if I work in sales?",
            answer=(
                "<p>Prospects read the community before they talk to you. A lively forum with "
                "good answers from staff is one of the most convincing things they can find, "
                "and it is proof you did not have to write.</p><ul><li>Send prospects links to "
                "real threads that answer their objections.</li><li>Learn the questions "
                "customers ask after they buy, so you set honest expectations.</li><li>Spot "
                "expansion: threads about limits and new uses often come from accounts that "
                "are ready to grow.</li></ul><p>What you should not do is sell in the forum. "
                "No pitching and no chasing leads in threads; pricing questions go to the "
                "account team privately.</p>"
            ),
            phrasings=(
                "community for sales, selling with the forum, account executives and the "
                "community, prospects reading the forum, WIIFM for sales"
            ),
            audiences=("Account Executive", "Sales Manager"),
            related=(
                "Which questions should I hand over, such as pricing, legal or security?",
                "What is in the 7-minute WIIFM video?",
            ),
        ),
        DemoEntry(
            question=("How does the community help customer success managers and their accounts?"),
            answer=(
                "<p>Customers who take part in the community tend to adopt more of the product "
                "and renew more often, because they get unstuck quickly and see what others "
                "achieve. For a customer success manager, the forum is an early warning system "
                "and a library at once.</p><ul><li>Introduce new accounts to the community "
                "during onboarding, and point them to the threads they need.</li><li>Watch "
                "your accounts' posts: a run of frustrated questions is a health signal worth "
                "a call.</li><li>Share good practice once, in public, instead of in ten "
                "separate meetings.</li></ul><p>Talk about an account's plans or problems only "
                "with the customer's permission, and never name an account that has not posted "
                "itself.</p>"
            ),
            phrasings=(
                "CSM and the forum, customer health and community, adoption and renewals, "
                "onboarding customers to the forum"
            ),
            audiences=("Customer Success Manager", "VP Customer Success"),
            related=(
                "Can I talk about a customer or their data in the community?",
                "How do I escalate a customer issue from the forum to support?",
            ),
        ),
        DemoEntry(
            question="Does answering in the community reduce support tickets?",
            answer=(
                "<p>Yes, over time. When a clear answer exists in the community, customers "
                "find it through search before they open a ticket, and the same answer serves "
                "hundreds of people. Our support team counts these as deflected tickets.</p>"
                "<p>For support engineers, the best use of community time is the question you "
                "have answered privately three times this month. Write the answer once in "
                "public, in general terms, and link to it from future tickets. Mark it as the "
                "accepted solution when the asker confirms it worked.</p><p>Community work is "
                "not a second queue. You are not expected to watch the forum all day, and "
                "nothing there has a response-time target.</p>"
            ),
            phrasings=(
                "ticket deflection, support workload and the forum, fewer tickets, support "
                "engineers in the community"
            ),
            audiences=("Support Engineer",),
            related=(
                "How is the community different from a support ticket?",
                "How do accepted solutions work, and can staff mark one?",
                "How do I escalate a customer issue from the forum to support?",
            ),
        ),
        DemoEntry(
            question="Why should software engineers read the community?",
            answer=(
                "<p>The community shows you how customers really use what you build, including "
                "the workarounds they invent when something is missing. Threads about "
                "confusing error messages, slow pages or undocumented behaviour are some of "
                "the most honest feedback an engineer can get.</p><p>Engineers are also the "
                "most trusted voices in technical threads. A short, accurate reply from the "
                "person who wrote the feature can settle a long discussion. You are not "
                "expected to triage bugs in public: if a thread looks like a defect, thank the "
                "customer, escalate it to support, and don't promise a fix or a date.</p>"
            ),
            phrasings=(
                "developers in the forum, engineering and the community, bug reports from "
                "customers, how customers use the API"
            ),
            audiences=("Software Engineer",),
            related=(
                "How do I escalate a customer issue from the forum to support?",
                "What counts as confidential, and can I talk about the roadmap?",
            ),
        ),
        DemoEntry(
            question="How can product managers use the community for feedback?",
            answer=(
                "<p>The ideas board and the discussion threads are a steady, free source of "
                "customer evidence. Product managers use them to:</p><ul><li>see which "
                "requests come up again and again, and in whose words;</li><li>find customers "
                "willing to talk, try a prototype or join a beta group;</li><li>close the loop "
                "by posting when something people asked for ships.</li></ul><p>Be careful with "
                "the roadmap. You may say an idea is <em>under consideration</em> or <em>not "
                "planned</em>, but never share dates, unreleased names or commitments. Thank "
                "people for their ideas even when the answer is no; a clear, kind no earns "
                "more trust than silence.</p>"
            ),
            phrasings=(
                "feature requests in the forum, ideas board, product feedback from customers, "
                "validating ideas with customers"
            ),
            audiences=("Product Manager",),
            related=(
                "What counts as confidential, and can I talk about the roadmap?",
                "Why should software engineers read the community?",
            ),
        ),
        DemoEntry(
            question="What does the community mean for marketing?",
            answer=(
                "<p>The community is where customer advocates are found. The people who answer "
                "other members' questions are often the same people who will speak at an "
                "event, write a case study or act as a reference, if they are asked "
                "respectfully.</p><p>Marketing colleagues take part by listening first: learn "
                "the words customers use, and which topics draw the most interest. "
                "Announcements of webinars, events and releases belong in the announcements "
                "area, not in unrelated threads. Before you invite a member to a case study or "
                "quote them anywhere, ask them directly and tell their account team. Never "
                "copy forum posts into campaigns without permission.</p>"
            ),
            phrasings=(
                "marketing and the forum, customer stories, promoting events and webinars, "
                "advocates and references"
            ),
            audiences=("Marketing Manager",),
            related=(
                "Can I talk about a customer or their data in the community?",
                "Do I have to say that I work for the company when I post?",
            ),
        ),
    ),
)
