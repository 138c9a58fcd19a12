"""Demo FAQ category: Getting help."""

from .model import DemoCategory, DemoEntry

CATEGORY = DemoCategory(
    title="Getting help",
    slug="getting-help",
    description=("Who to ask, how to hand things over, and what to do when something goes wrong."),
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
)
