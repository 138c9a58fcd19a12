"""Demo FAQ category: Rules of engagement."""

from .model import DemoCategory, DemoEntry

CATEGORY = DemoCategory(
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
            question=("What is the rules of engagement acknowledgement, and why am I asked again?"),
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
)
