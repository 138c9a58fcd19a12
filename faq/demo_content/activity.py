"""What staff ask and search for in the demo, and the comments they leave with votes."""

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
