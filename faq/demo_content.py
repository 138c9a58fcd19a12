"""Demo content for the FAQ guide: categories, entries, and what staff ask and search for.

Synthetic text for `seed_demo` and the search tests; nothing here is about real people.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoEntry:
    question: str  # the entry's title, a real question, <= 120 chars, ends with "?"
    answer: str  # rich-text HTML: only <p>, <ul>/<ol>/<li>, <strong>, <em>; 60-160 words
    phrasings: str = ""  # other ways people ask this, comma-separated, for search
    audiences: tuple[str, ...] = ()  # role names it is mainly for; () = everyone
    related: tuple[str, ...] = ()  # questions (exact titles) of related entries in this module


@dataclass(frozen=True)
class DemoCategory:
    title: str
    slug: str
    description: str  # one sentence
    entries: tuple[DemoEntry, ...] = field(default_factory=tuple)


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(
        title="What the community is",
        slug="what-the-community-is",
        description=(
            "What our community is, who you will meet there, and how it differs from support."
        ),
        entries=(
            DemoEntry(
                question="What is our community?",
                answer=(
                    "<p>Our community is the company's public forum, where customers ask "
                    "questions, share what they have built and help each other. Staff answer too, "
                    "and a group of colleagues called champions lead by example, welcoming "
                    "newcomers and keeping threads on track.</p><p>It is not a marketing site and "
                    "it is not a help desk. It works because customers trust it: answers come from "
                    "people who use the product every day, and staff add the context only we have. "
                    "Anything good that is written there stays there, so the next person with the "
                    "same problem finds it in seconds.</p>"
                ),
                phrasings=(
                    "what is the customer forum, what is the community site, community definition, "
                    "where customers help each other"
                ),
                related=(
                    "Who is in the community besides customers?",
                    "How is the community different from a support ticket?",
                ),
            ),
            DemoEntry(
                question="Who is in the community besides customers?",
                answer=(
                    "<p>Most members are customers: administrators who run our product day to day, "
                    "developers who integrate with it, and new users finding their feet. You will "
                    "also meet:</p><ul><li><strong>Partners</strong> who implement our product for "
                    "their own clients.</li><li><strong>Staff</strong> from every team, shown with "
                    "a staff badge.</li><li><strong>Champions</strong>, colleagues who take part "
                    "regularly and help others do the same.</li><li><strong>Community "
                    "managers</strong>, who moderate, run events and look after the rules.</li>"
                    "</ul><p>Anyone can read most of the forum without signing in, so assume "
                    "prospective customers, industry analysts and competitors are reading as "
                    "well.</p>"
                ),
                phrasings=(
                    "who uses the forum, members of the community, partners in the forum, who will "
                    "I meet there"
                ),
                related=(
                    "What is our community?",
                    "What do community champions do?",
                    "Who are the community managers, and how do I reach them?",
                ),
            ),
            DemoEntry(
                question="How is the community different from a support ticket?",
                answer=(
                    "<p>A support ticket is private: one customer talking to one team about their "
                    "own account, with a response time we have promised. A community thread is "
                    "public, anyone can answer, and the answer helps everyone who searches for the "
                    "same thing later.</p><p>Use the community for how-to questions, ideas, good "
                    "practice and <em>has anyone else seen this?</em> Use a ticket for anything "
                    "that needs the customer's account details, logs or data, for outages, and for "
                    "anything with a contractual deadline. If a thread turns out to need a ticket, "
                    "move it to support as described in the entry on escalating; never ask for "
                    "account details in public.</p>"
                ),
                phrasings=(
                    "forum versus support case, when to use a ticket, difference between forum and "
                    "helpdesk, community or support"
                ),
                related=(
                    "How do I escalate a customer issue from the forum to support?",
                    "Does answering in the community reduce support tickets?",
                ),
            ),
            DemoEntry(
                question="What do community champions do?",
                answer=(
                    "<p>Champions are colleagues who have chosen to lead in the community. It is "
                    "not a separate job: they take part alongside their normal role, usually for "
                    "two or three hours a week. Champions:</p><ul><li>answer questions in their "
                    "area, and tag in the right expert when they can't;</li><li>welcome new "
                    "members and new colleagues;</li><li>co-host weekly office hours with the "
                    "community managers;</li><li>spot trends and pass them on to product, support "
                    "or marketing.</li></ul><p>Champion is the top engagement tier. Champions hear "
                    "product news early, meet once a quarter, and can ask for their community work "
                    "to be mentioned in their performance review.</p>"
                ),
                phrasings=(
                    "champion role, what is a champion, champion programme responsibilities, "
                    "community leaders"
                ),
                related=(
                    "How does someone become a champion?",
                    "What are the engagement tiers, and which one should I reach?",
                ),
            ),
            DemoEntry(
                question="How does someone become a champion?",
                answer=(
                    "<p>Champions are nominated, by their manager, by a community manager or by "
                    "themselves. The community managers review nominations every quarter. They "
                    "look for people who are already at the Engaged tier, answer well and follow "
                    "the rules of engagement, and they try to have champions in every region and "
                    "team, so coverage matters as much as activity.</p><p>If you are nominated, "
                    "you have a short conversation with a community manager about the time "
                    "involved and what you would like to focus on. Your manager is asked to agree, "
                    "because the role takes part of your working week. You can step back at any "
                    "time, no questions asked.</p>"
                ),
                phrasings=(
                    "join the champion programme, nominate a colleague, champion nomination, apply "
                    "to be a champion"
                ),
                related=(
                    "What do community champions do?",
                    "What are the engagement tiers, and which one should I reach?",
                ),
            ),
            DemoEntry(
                question="What are the engagement tiers, and which one should I reach?",
                answer=(
                    "<p>The tiers describe how deeply someone takes part. Each has simple "
                    "requirements, and <em>My path</em> shows where you are:</p><ol><li>"
                    "<strong>Aware</strong>: read five FAQ entries and acknowledge the rules of "
                    "engagement.</li><li><strong>Informed</strong>: watch the 7-minute WIIFM "
                    "video.</li><li><strong>Trained</strong>: complete the 30-minute recorded "
                    "training and its knowledge check.</li><li><strong>Engaged</strong>: attend "
                    "office hours, or contribute to the community three times, within the last 90 "
                    "days.</li><li><strong>Champion</strong>: join the champion programme.</li>"
                    "</ol><p>Your target depends on your role. Everyone aims for Aware; people who "
                    "meet customers usually aim for Trained or Engaged. Engaged lapses after 90 "
                    "quiet days and comes back as soon as you take part again.</p>"
                ),
                phrasings=(
                    "tier levels, Aware Informed Trained Engaged Champion, my target tier, what "
                    "tier am I, engagement levels"
                ),
                related=(
                    "What is in the 7-minute WIIFM video?",
                    "What is in the 30-minute training, and how does the knowledge check work?",
                    "How do I book a seat at office hours, and what if the session is full?",
                ),
            ),
            DemoEntry(
                question="Can anyone read what I post in the community?",
                answer=(
                    "<p>Yes. Almost everything in the community is public: anyone can read it "
                    "without an account, and search engines index it, so a reply you write today "
                    "may be found for years. Your posts carry your name and your staff badge.</p>"
                    "<p>There are a few private groups, for example for customers in a beta "
                    "programme, but treat them as public too: the members are customers, and "
                    "screenshots travel. Write as if your words could be quoted back to you, to "
                    "the company or in the press. If you would not say it to a room of customers, "
                    "don't post it, and don't use private messages for anything confidential "
                    "either.</p>"
                ),
                phrasings=(
                    "is the forum public, who can see my posts, private groups, indexed by search "
                    "engines, visibility of replies"
                ),
                related=(
                    "What counts as confidential, and can I talk about the roadmap?",
                    "Can I share my personal opinion, or do I always speak for the company?",
                ),
            ),
        ),
    ),
    DemoCategory(
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
                question=(
                    "How does the community help customer success managers and their accounts?"
                ),
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
    ),
    DemoCategory(
        title="How to take part",
        slug="how-to-take-part",
        description=(
            "Setting up your account and badge, the video and training, and answering well."
        ),
        entries=(
            DemoEntry(
                question="How do I create a community account?",
                answer=(
                    "<p>Go to the community site and choose <strong>Join</strong>. Sign up with "
                    "your work email address, not a personal one, so that your account is linked "
                    "to your staff record and your activity counts towards your tier.</p><ol>"
                    "<li>Use your real first name and surname as your display name.</li><li>Add a "
                    "photo, or keep the default avatar; both are fine.</li><li>Describe what you "
                    "do in one plain line, such as <em>Support engineer, reporting and "
                    "exports</em>.</li><li>Turn on email notifications for replies to your "
                    "posts.</li></ol><p>If you had a personal account before you joined us, keep "
                    "it separate and use the work one for anything you say as staff.</p>"
                ),
                phrasings=(
                    "sign up for the forum, register on the community, community login, new forum "
                    "account, join the forum"
                ),
                related=(
                    "How do I get the staff badge on my community profile?",
                    "Do I have to say that I work for the company when I post?",
                ),
            ),
            DemoEntry(
                question="How do I get the staff badge on my community profile?",
                answer=(
                    "<p>The staff badge shows readers that you work for the company, which is what "
                    "our disclosure rule asks for. It is added automatically once three things are "
                    "true:</p><ul><li>your community account uses your work email address;</li>"
                    "<li>you have acknowledged the current rules of engagement in this portal;</li>"
                    "<li>you are in the staff directory as an active employee.</li></ul><p>The "
                    "badge normally appears within a day. If it has not appeared after two working "
                    "days, use the <strong>Ask a question</strong> form and include your community "
                    "display name. When someone leaves the company, the badge is removed and their "
                    "past posts stay.</p>"
                ),
                phrasings=(
                    "employee badge, staff label on profile, verified staff, badge not showing, "
                    "mark my account as staff"
                ),
                related=(
                    "How do I create a community account?",
                    "Do I have to say that I work for the company when I post?",
                    "What is the rules of engagement acknowledgement, and why am I asked again?",
                ),
            ),
            DemoEntry(
                question="What is in the 7-minute WIIFM video?",
                answer=(
                    "<p>WIIFM stands for <em>what's in it for me</em>. In seven minutes, "
                    "colleagues from sales, support, engineering and product describe what taking "
                    "part has done for them and for their customers. It covers:</p><ul><li>why "
                    "customers trust answers in the community;</li><li>three real examples, with "
                    "details changed, of a forum thread that saved a deal, a ticket and a "
                    "release;</li><li>what a good first week in the community looks like.</li></ul>"
                    "<p>You will find it on your <em>My path</em> page. Watching it to the end "
                    "moves you to the Informed tier. It has captions and a transcript.</p>"
                ),
                phrasings="what's in it for me video, WIIFM, short intro video, where is the video",
                related=(
                    "What are the engagement tiers, and which one should I reach?",
                    "What is in the 30-minute training, and how does the knowledge check work?",
                ),
            ),
            DemoEntry(
                question=(
                    "What is in the 30-minute training, and how does the knowledge check work?"
                ),
                answer=(
                    "<p>The recorded training takes about 30 minutes, and you can pause it and "
                    "come back. It covers how to answer well, when to hand a question over, how to "
                    "speak for the company in public, and how to handle difficult threads.</p>"
                    "<p>At the end is a knowledge check: ten multiple-choice questions based on "
                    "real situations. You pass with eight correct answers. If you don't, you see "
                    "which topics to revisit and can try again straight away, as often as you "
                    "like; only your passing attempt is recorded. Passing moves you to the Trained "
                    "tier and gives you a certificate you can download.</p>"
                ),
                phrasings=(
                    "recorded training, training course, knowledge check quiz, pass mark, retake "
                    "the quiz, certificate"
                ),
                related=(
                    "What are the engagement tiers, and which one should I reach?",
                    "What is in the 7-minute WIIFM video?",
                    "Is the portal accessible, and can I get the training in another format?",
                ),
            ),
            DemoEntry(
                question="How do I answer a question well in the community?",
                answer=(
                    "<p>A good answer solves the problem for the person asking and for the next "
                    "person who searches. In practice:</p><ol><li>Read the whole thread first, and "
                    "check whether someone has already answered.</li><li>Start with the answer, "
                    "then explain. Steps beat paragraphs.</li><li>Link to the documentation or an "
                    "existing thread rather than rewriting it.</li><li>Say what you don't know. "
                    "<em>I'm not sure, but I'll ask the reporting team</em> is a fine reply.</li>"
                    "<li>Come back: follow the thread, and ask whether it worked.</li></ol><p>Keep "
                    "the tone friendly and plain, avoid internal jargon and project names, and "
                    "never ask for account details in public.</p>"
                ),
                phrasings=(
                    "writing a good reply, tips for answering, how to respond on the forum, reply "
                    "best practice"
                ),
                related=(
                    "How do accepted solutions work, and can staff mark one?",
                    "Which questions should I hand over, such as pricing, legal or security?",
                ),
            ),
            DemoEntry(
                question="How do accepted solutions work, and can staff mark one?",
                answer=(
                    "<p>When a reply solves the problem, the person who asked can mark it as the "
                    "<strong>accepted solution</strong>. The thread then shows as solved, the "
                    "answer is pinned under the question, and search ranks it higher.</p><p>Staff "
                    "may accept a solution on the asker's behalf only when the asker has said in a "
                    "reply that it worked but forgot to mark it, or has gone quiet for 14 days and "
                    "the answer is clearly right. Never accept your own answer just because you "
                    "are sure of it; ask the asker first. Community managers can unmark a solution "
                    "that turns out to be wrong.</p>"
                ),
                phrasings=(
                    "mark as solution, accept an answer, solved threads, mark a thread solved, "
                    "unmark a solution"
                ),
                audiences=("Support Engineer", "Software Engineer", "Community Manager"),
                related=(
                    "How do I answer a question well in the community?",
                    "Does answering in the community reduce support tickets?",
                ),
            ),
            DemoEntry(
                question="How much time does taking part in the community take?",
                answer=(
                    "<p>Less than most people expect. The portal path takes under an hour: ten "
                    "minutes of FAQ reading, the 7-minute video and the 30-minute training, plus "
                    "an optional 45-minute office hours session.</p><p>After that, it depends on "
                    "you and your role. Many people spend 15 minutes a week reading threads in "
                    "their area and answer one or two questions a month. Customer-facing roles "
                    "often spend an hour a week, and champions two or three. Agree with your "
                    "manager what fits. Taking part is part of your work, not something to do in "
                    "the evening.</p>"
                ),
                phrasings=(
                    "time commitment, hours per week, how long does it take, fitting it into my "
                    "week, what it costs me in time"
                ),
                related=(
                    "Why should I take part if I never talk to customers?",
                    "What do community champions do?",
                ),
            ),
        ),
    ),
    DemoCategory(
        title="Rules of engagement",
        slug="rules-of-engagement",
        description="How to speak for the company in public, and what to leave to others.",
        entries=(
            DemoEntry(
                question="Do I have to say that I work for the company when I post?",
                answer=(
                    "<p>Yes, always. Whenever you post about our products, our competitors or our "
                    "industry, readers must be able to see that you work here. The staff badge "
                    "does this for you in the community. Elsewhere, on social media, review sites "
                    "or other forums, say so in words: <em>I work at the company</em> is "
                    "enough.</p><p>Never post anonymously or from a second account to praise our "
                    "products, criticise a competitor or answer your own question. It breaks the "
                    "community's trust and, in many countries, advertising law. If you forgot to "
                    "disclose in an old post, edit it to add a line, or ask a community manager to "
                    "help.</p>"
                ),
                phrasings=(
                    "disclosure, declare I'm an employee, posting as staff, anonymous posting, "
                    "second account"
                ),
                related=(
                    "How do I get the staff badge on my community profile?",
                    "Can I share my personal opinion, or do I always speak for the company?",
                ),
            ),
            DemoEntry(
                question="What counts as confidential, and can I talk about the roadmap?",
                answer=(
                    "<p>Treat anything that is not already public as confidential. That "
                    "includes:</p><ul><li>the roadmap, release dates and the names of unreleased "
                    "features;</li><li>internal numbers, such as revenue, customer counts and "
                    "incident details;</li><li>other customers' names, plans and problems;</li>"
                    "<li>anything marked internal, or that you learned in a meeting.</li></ul>"
                    "<p>When asked about the roadmap, you can point to what has been announced, "
                    "say that an idea is logged and being considered, and invite the customer to "
                    "vote for it on the ideas board. You cannot say <em>it's coming in the "
                    "spring</em>, even if you believe it. If in doubt, don't post, and ask a "
                    "community manager.</p>"
                ),
                phrasings=(
                    "roadmap questions, unreleased features, release dates, internal information, "
                    "what can I share publicly"
                ),
                related=(
                    "How can product managers use the community for feedback?",
                    "Can I talk about a customer or their data in the community?",
                    "Can anyone read what I post in the community?",
                ),
            ),
            DemoEntry(
                question="Can I talk about a customer or their data in the community?",
                answer=(
                    "<p>Only about what the customer has chosen to share there themselves. Never "
                    "confirm that an organisation is a customer, mention its plans or problems, or "
                    "refer to a ticket, contract or conversation that happened elsewhere.</p><p>Be "
                    "especially careful with data. Don't ask anyone to post logs, exports, "
                    "screenshots with real records, email addresses or account identifiers. If a "
                    "customer posts something sensitive by mistake, don't quote it: ask a "
                    "community manager to hide the post, and tell the customer privately what "
                    "happened and why. If a problem needs the customer's data to solve, move it to "
                    "a support ticket.</p>"
                ),
                phrasings=(
                    "customer names in public, sharing customer details, personal data on the "
                    "forum, naming a client, screenshots and logs"
                ),
                audiences=("Customer Success Manager", "Support Engineer", "Account Executive"),
                related=(
                    "How do I escalate a customer issue from the forum to support?",
                    "What counts as confidential, and can I talk about the roadmap?",
                ),
            ),
            DemoEntry(
                question="Which questions should I hand over, such as pricing, legal or security?",
                answer=(
                    "<p>Some answers bind the company, so only the right team may give them. Don't "
                    "answer these yourself, even if you know the answer:</p><ul><li>"
                    "<strong>Pricing, discounts and invoices</strong>: reply that the account team "
                    "will be in touch, then tell them.</li><li><strong>Legal and contract "
                    "questions</strong>, including terms, data processing and licensing: hand over "
                    "to the legal team through a community manager.</li><li>"
                    "<strong>Security</strong>: if someone reports a possible vulnerability, thank "
                    "them, ask them not to post details, point them to the security disclosure "
                    "page, and tell a community manager at once.</li></ul><p><em>Thanks, I've "
                    "passed this to the right team</em> is a good answer.</p>"
                ),
                phrasings=(
                    "pricing questions, discount request, legal question, security vulnerability "
                    "report, contract terms, licensing"
                ),
                audiences=("Account Executive", "Sales Manager", "Finance Analyst"),
                related=(
                    "What's in it for me if I work in sales?",
                    "Who are the community managers, and how do I reach them?",
                ),
            ),
            DemoEntry(
                question="How should I handle an angry or hostile post?",
                answer=(
                    "<p>Most angry posts come from someone who has lost time, or looks bad in "
                    "front of their boss. Treat the frustration as real, even when the facts are "
                    "wrong.</p><ol><li>Wait a few minutes before replying, and don't reply while "
                    "you are annoyed yourself.</li><li>Acknowledge the problem in a sentence, "
                    "without blame or defensiveness.</li><li>Offer one concrete next step in "
                    "public, and take the details to a ticket or a private message.</li><li>Don't "
                    "argue about the facts in the thread, and never answer sarcasm with "
                    "sarcasm.</li></ol><p>If a post is abusive rather than angry, don't engage: "
                    "report it, and a community manager will deal with it.</p>"
                ),
                phrasings=(
                    "upset customer, rude reply, complaint thread, heated discussion, frustrated "
                    "customer"
                ),
                related=(
                    "How do I report abuse, spam or harassment in the community?",
                    "How do I escalate a customer issue from the forum to support?",
                ),
            ),
            DemoEntry(
                question="Can I share my personal opinion, or do I always speak for the company?",
                answer=(
                    "<p>With the staff badge, readers take what you say as the company's view, "
                    "however you phrase it. So keep to what you know and what the company has said "
                    "publicly, and be careful with opinions about our products, competitors and "
                    "decisions.</p><p>You are allowed a view. <em>Personally, I find the new "
                    "editor faster</em> is fine. Disagreeing in public with a company decision, or "
                    "criticising colleagues or competitors, is not. If you disagree with "
                    "something, raise it inside the company, where it can change things. On your "
                    "own social media, the disclosure rule still applies whenever the topic is our "
                    "work.</p>"
                ),
                phrasings=(
                    "personal views, my own opinion, speaking on behalf of the company, disagree "
                    "with a decision, social media"
                ),
                related=(
                    "Do I have to say that I work for the company when I post?",
                    "Can anyone read what I post in the community?",
                ),
            ),
            DemoEntry(
                question=(
                    "What is the rules of engagement acknowledgement, and why am I asked again?"
                ),
                answer=(
                    "<p>The rules of engagement are the short set of principles in this section. "
                    "Acknowledging them means confirming in the portal that you have read them and "
                    "will follow them. It is one of the two steps to the Aware tier, and you need "
                    "it for the staff badge.</p><p>The rules have versions. When the community "
                    "managers change something that matters, such as how security reports are "
                    "handled, they publish a new version with a summary of what changed, and you "
                    "are asked to acknowledge it again. Your earlier acknowledgement stays on "
                    "record with its version and date. Small changes to wording don't need a new "
                    "acknowledgement.</p>"
                ),
                phrasings=(
                    "acknowledge the rules, policy acknowledgement, new version of the rules, sign "
                    "the rules again, rules changed"
                ),
                related=(
                    "What are the engagement tiers, and which one should I reach?",
                    "How do I get the staff badge on my community profile?",
                ),
            ),
        ),
    ),
    DemoCategory(
        title="Getting help",
        slug="getting-help",
        description=(
            "Who to ask, how to hand things over, and what to do when something goes wrong."
        ),
        entries=(
            DemoEntry(
                question="Who are the community managers, and how do I reach them?",
                answer=(
                    "<p>The community managers are a small team in Customer Success who run the "
                    "community day to day. They moderate the forum, look after the rules of "
                    "engagement, run the champion programme, publish the content in this portal "
                    "and host office hours with the champions.</p><p>The quickest ways to reach "
                    "them:</p><ul><li>the <strong>Ask a question</strong> form in this portal, for "
                    "anything that can wait a working day;</li><li>the community team's chat "
                    "channel, for something urgent in a live thread;</li><li>weekly office hours, "
                    "to talk something through.</li></ul><p>In the community, their profiles carry "
                    "a <em>Community team</em> badge.</p>"
                ),
                phrasings=(
                    "contact the community team, community manager contact, who moderates the "
                    "forum, moderators"
                ),
                related=(
                    "What if the FAQ doesn't answer my question?",
                    "How do I book a seat at office hours, and what if the session is full?",
                ),
            ),
            DemoEntry(
                question="How do I escalate a customer issue from the forum to support?",
                answer=(
                    "<p>When a thread needs account details, logs or a fix on our side, move it to "
                    "support rather than solving it in public.</p><ol><li>Reply in the thread: "
                    "thank the customer and say you are opening a ticket, so others can see it is "
                    "in hand.</li><li>Choose <strong>Create ticket</strong> in the thread's staff "
                    "menu. It copies the thread link and the customer's profile into a new support "
                    "case.</li><li>Never ask for account identifiers in the thread; support will "
                    "contact the customer privately.</li><li>Once it is resolved, post a short, "
                    "general summary of the fix if it could help others.</li></ol><p>If several "
                    "customers report the same problem at once, tell the support on-call lead; it "
                    "may be an incident.</p>"
                ),
                phrasings=(
                    "turn a thread into a ticket, raise a case for a customer, hand over to "
                    "support, outage reported on the forum, create ticket"
                ),
                audiences=("Support Engineer", "Customer Success Manager"),
                related=(
                    "How is the community different from a support ticket?",
                    "Can I talk about a customer or their data in the community?",
                ),
            ),
            DemoEntry(
                question="How do I report abuse, spam or harassment in the community?",
                answer=(
                    "<p>Use the <strong>Report</strong> link under the post, choose a reason and "
                    "add a sentence of context if it helps. Reports go straight to the community "
                    "managers, who aim to review them within four working hours, and the person "
                    "reported is not told who reported them.</p><p>Don't reply to abuse or spam, "
                    "and don't argue in the thread; it only draws attention. If a post contains "
                    "someone's personal data, threats or anything illegal, report it and also tell "
                    "the community team in their chat channel so it can be hidden at once. If you "
                    "are the target of harassment, talk to your manager or your People Partner "
                    "too.</p>"
                ),
                phrasings=(
                    "report a post, flag spam, harassment on the forum, offensive content, "
                    "threatening message"
                ),
                related=(
                    "How should I handle an angry or hostile post?",
                    "Who are the community managers, and how do I reach them?",
                ),
            ),
            DemoEntry(
                question="What if the FAQ doesn't answer my question?",
                answer=(
                    "<p>Use the <strong>Ask a question</strong> form at the bottom of any FAQ "
                    "page. Write your question in your own words and add any detail that helps, "
                    "such as a link to the thread you are looking at. Only the community managers "
                    "see your name.</p><p>A community manager reads every question, usually within "
                    "two working days, and you get a reply by email. If the question is likely to "
                    "come up again, it becomes a new entry in this guide. The community managers "
                    "also review, every month, the searches that found nothing, so it is worth "
                    "searching first and asking second.</p>"
                ),
                phrasings=(
                    "ask a question form, can't find an answer, submit a question, missing from "
                    "the guide"
                ),
                related=(
                    "Who are the community managers, and how do I reach them?",
                    "How do I book a seat at office hours, and what if the session is full?",
                ),
            ),
            DemoEntry(
                question="Is the portal accessible, and can I get the training in another format?",
                answer=(
                    "<p>We build the portal to meet WCAG 2.2 AA. It works with a keyboard and with "
                    "screen readers, and respects your browser's text size and reduced-motion "
                    "settings.</p><ul><li>The WIIFM video and the recorded training have captions "
                    "and a full transcript.</li><li>The knowledge check has no time limit.</li>"
                    "<li>Office hours have live captions, and the recordings are captioned.</li>"
                    "</ul><p>If something doesn't work for you, or you need the training in "
                    "another format, use the <strong>Ask a question</strong> form or tell your "
                    "People Partner. We will arrange an alternative, and it counts towards your "
                    "tier in exactly the same way.</p>"
                ),
                phrasings=(
                    "accessibility, screen reader, captions and transcripts, alternative format, "
                    "reasonable adjustments"
                ),
                related=(
                    "What is in the 30-minute training, and how does the knowledge check work?",
                    "What is in the 7-minute WIIFM video?",
                ),
            ),
            DemoEntry(
                question="What should I do about my threads when I'm on holiday or out of office?",
                answer=(
                    "<p>Before time off, look at the threads you follow where someone is waiting "
                    "for you. Answer them, or post a short note saying who will pick them up, and "
                    "tell that colleague. Don't leave a customer waiting two weeks for a promised "
                    "follow-up.</p><p>The community has no out-of-office setting, so don't post "
                    "one; simply step away. If you are a champion, tell the community managers, so "
                    "they can rearrange any office hours you were due to co-host.</p><p>Leave "
                    "never counts against you. Your Engaged tier lapses after 90 days without "
                    "activity, but it returns as soon as you take part again, and nobody will "
                    "chase you about it.</p>"
                ),
                phrasings=(
                    "out of office, annual leave, holiday cover, parental leave, away from work"
                ),
                related=(
                    "What are the engagement tiers, and which one should I reach?",
                    "What do community champions do?",
                ),
            ),
            DemoEntry(
                question="How do I book a seat at office hours, and what if the session is full?",
                answer=(
                    "<p>Office hours run every week for 45 minutes, hosted by a community manager "
                    "and a champion. Bring a real question, a tricky thread or just curiosity.</p>"
                    "<ol><li>Open <strong>Office hours</strong> in the portal and pick a "
                    "session.</li><li>Choose <strong>Book a seat</strong>. You get a calendar "
                    "invitation with the link.</li><li>If the session is full, join the "
                    "<strong>waitlist</strong>. When someone cancels, the first person waiting "
                    "gets the seat and an email.</li></ol><p>If you can't come, cancel so someone "
                    "else can. Every session is recorded, and recordings appear on the office "
                    "hours page within a day. Attending live counts towards the Engaged tier; "
                    "watching a recording does not.</p>"
                ),
                phrasings=(
                    "book office hours, office hours waitlist, office hours recording, cancel my "
                    "booking, drop-in session"
                ),
                related=(
                    "What are the engagement tiers, and which one should I reach?",
                    "Who are the community managers, and how do I reach them?",
                ),
            ),
        ),
    ),
)

# Questions staff asked that have no entry yet: (question text, optional details)
OPEN_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "Can I use the community to recruit customers for user research interviews?",
        (
            "Our product team wants to talk to about ten administrators. Is a post in the forum "
            "fine, or does it have to go through the account teams?"
        ),
    ),
    (
        "Does community work count towards my objectives?",
        "My manager asked whether answering in the forum can be one of my quarterly goals.",
    ),
    (
        "Can I use an AI assistant to draft my replies?",
        "",
    ),
    (
        "Can I answer in languages other than English?",
        "Several of my customers would rather write in German or Spanish.",
    ),
    (
        "Are there in-person customer meet-ups, and can staff go?",
        "I work from a regional office and have heard about meet-ups in other cities.",
    ),
    (
        "How do I hand my followed threads to a colleague when I change teams?",
        "",
    ),
)

# Searches that found nothing: (query as a person typed it, how many times)
SEARCH_GAPS: tuple[tuple[str, int], ...] = (
    ("expense policy for meetups", 14),
    ("swag", 23),
    ("linkedin", 31),
    ("translate a post", 9),
    ("chatgpt replies", 18),
    ("speaking at a conference", 6),
    ("community metrics dashboard", 11),
    ("gift cards for champions", 4),
    ("delete my forum account", 7),
    ("dark mode", 2),
)

# Comments people leave with a vote: (helpful: bool, comment)
VOTE_COMMENTS: tuple[tuple[bool, str], ...] = (
    (
        True,
        "Clear and short. The bit about never asking for account details in public helped today.",
    ),
    (True, "Exactly what I needed before my first reply. Thank you!"),
    (True, "Shared this with my team; the list of what to hand over is really useful."),
    (True, "Good to know the knowledge check can be retaken. Much less nerve-racking now."),
    (True, "The waitlist explanation answered my question straight away."),
    (True, "Helpful examples of what I can and can't say about the roadmap."),
    (False, "Doesn't say what to do when the customer is also a partner. Which rules apply?"),
    (False, "I can't see Create ticket in my staff menu. Does it depend on permissions?"),
    (False, "Too general for engineers. I wanted an example of a good technical reply."),
    (False, "Still don't know who to contact at the weekend if something urgent comes up."),
)

# Paraphrased searches and the entry each should find:
# (query, exact question of the expected entry)
PARAPHRASES: tuple[tuple[str, str], ...] = (
    ("definition of the community", "What is our community?"),
    ("are partners on the forum too", "Who is in the community besides customers?"),
    (
        "helpdesk or community, what's the difference",
        "How is the community different from a support ticket?",
    ),
    ("responsibilities of champions", "What do community champions do?"),
    ("how do i nominate someone as a champion", "How does someone become a champion?"),
    ("engagement levels explained", "What are the engagement tiers, and which one should I reach?"),
    ("what is my target tier", "What are the engagement tiers, and which one should I reach?"),
    ("is the forum indexed by search engines", "Can anyone read what I post in the community?"),
    ("i work in finance, why bother", "Why should I take part if I never talk to customers?"),
    ("how does the forum help sales", "What's in it for me if I work in sales?"),
    (
        "customer health signals from forum posts",
        "How does the community help customer success managers and their accounts?",
    ),
    (
        "will forum answers deflect tickets",
        "Does answering in the community reduce support tickets?",
    ),
    (
        "why engineers should read forum threads",
        "Why should software engineers read the community?",
    ),
    (
        "using feature requests from the ideas board",
        "How can product managers use the community for feedback?",
    ),
    ("marketing webinars and case studies", "What does the community mean for marketing?"),
    ("register a forum account", "How do I create a community account?"),
    (
        "staff badge not showing on my profile",
        "How do I get the staff badge on my community profile?",
    ),
    ("where is the wiifm video", "What is in the 7-minute WIIFM video?"),
    (
        "can i retake the knowledge check",
        "What is in the 30-minute training, and how does the knowledge check work?",
    ),
    (
        "pass mark for the training quiz",
        "What is in the 30-minute training, and how does the knowledge check work?",
    ),
    ("tips for writing a good reply", "How do I answer a question well in the community?"),
    ("mark a reply as the solution", "How do accepted solutions work, and can staff mark one?"),
    ("how much time will this cost me", "How much time does taking part in the community take?"),
    (
        "must i disclose being an employee",
        "Do I have to say that I work for the company when I post?",
    ),
    (
        "can i mention release dates",
        "What counts as confidential, and can I talk about the roadmap?",
    ),
    (
        "replying to a discount request",
        "Which questions should I hand over, such as pricing, legal or security?",
    ),
    ("dealing with a rude or upset customer", "How should I handle an angry or hostile post?"),
    (
        "raise a support case from a thread",
        "How do I escalate a customer issue from the forum to support?",
    ),
    ("flag a spam post", "How do I report abuse, spam or harassment in the community?"),
    (
        "office hours waitlist when full",
        "How do I book a seat at office hours, and what if the session is full?",
    ),
)
