"""Paraphrased searches and the demo entry each should find first (the search tests)."""

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
