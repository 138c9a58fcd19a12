"""Demo FAQ category: How to take part."""

from .model import DemoCategory, DemoEntry

CATEGORY = DemoCategory(
    title="How to take part",
    slug="how-to-take-part",
    description=("Setting up your account and badge, the video and training, and answering well."),
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
            question=("What is in the 30-minute training, and how does the knowledge check work?"),
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
)
