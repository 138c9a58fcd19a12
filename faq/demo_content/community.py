"""Demo FAQ category: What the community is."""

from .model import DemoCategory, DemoEntry

CATEGORY = DemoCategory(
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
)
