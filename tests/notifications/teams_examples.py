"""Notifications as our kinds word them, for the Teams card tests (schema, send, Chromium): a
booking confirmation with facts and two buttons, a nudge with one, and a long answer whose
words look like markdown."""

from notifications.content import Action, Content

SITE = "https://portal.example.org"

BOOKING = Content(
    kind="officehours.confirmed",
    title="Your seat is booked: Community office hour",
    text=(
        "You have a seat at Thursday's office hour with Grace Hopper.\n\n"
        "Bring a question your customers asked you: the host takes the ones asked first.\n"
        "You can cancel up to an hour before it starts."
    ),
    url=f"{SITE}/n/c/bk7Q2xv9/",
    facts=(
        ("When", "Thu 4 Mar, 10:00–10:45 (Europe/Berlin)"),
        ("Where", "Teams meeting (the link is in your calendar invitation)"),
        ("Host", "Grace Hopper"),
    ),
    actions=(
        Action("Add to my calendar", f"{SITE}/n/c/cal4Lm2w/", primary=True),
        Action("Cancel my seat", f"{SITE}/n/c/cnc8Rt1p/", action_id="cancel", value="s1"),
    ),
)

NUDGE = Content(
    kind="nudges.one_step",
    title="One step from Informed",
    text="Watch the 4-minute video on what community work brings you and your customers.",
    url=f"{SITE}/n/c/vid3Hs8k/",
    actions=(Action("Watch the video", f"{SITE}/n/c/vid3Hs8k/", primary=True),),
)

# A question a person typed, answered: their words may hold anything markdown reads as markup.
QUESTION = "How do I answer **angry** customers? See [the guide](https://evil.example/x) _now_"
LONG = Content(
    kind="faq.answered",
    title="Your question was answered: *urgent* [read me](https://evil.example)",
    text="\n\n".join(
        [
            f"You asked: {QUESTION}",
            "1. This line starts like a numbered list.\n- And this one like a bullet.\n"
            "# Not a heading, > not a quote, <https://evil.example/auto> not a link, "
            "AT&amp;T stays as typed, and so do a back\\slash, ~~this~~ and "
            "{{DATE(2017-02-14T06:00:00Z, SHORT)}}.",
            "Our community managers answered it in the FAQ guide, under Customers. The short "
            "version: thank them for raising it and say what you will find out, and by when.",
            "Then come back to them in the community where they asked, so that the next person "
            "with the same question finds the answer there too.",
            "If a customer is angry about something the company did, say that you hear them "
            "before you explain anything; an explanation that comes first sounds like an excuse.",
            "Questions you cannot answer are welcome at the weekly office hour: bring the thread "
            "and a community manager will look at it with you.",
        ]
    ),
    url=f"{SITE}/n/c/faq9Zq4e/",
    facts=(("Category", "Customers_and_partners"),),
    actions=(Action("Read the answer", f"{SITE}/n/c/faq9Zq4e/", primary=True),),
)

EXAMPLES = {"booking": BOOKING, "nudge": NUDGE, "long": LONG}
