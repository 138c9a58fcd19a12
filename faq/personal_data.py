"""What the FAQ guide keeps about a person (`portal.privacy.holdings`). Votes and questions
stay after an erasure, so the guide's numbers hold; the words the person added go, except the
question itself, which is the guide's work (an entry may answer it)."""

from portal.privacy.holdings import Blank, Export, Holding, register

from .models import FAQVote, Question

register(
    Holding(
        FAQVote,
        links=("user",),
        export=Export(
            "faq_votes",
            "Whether FAQ entries helped you, and what you added.",
            {
                "entry": "entry__title",
                "helpful": "helpful",
                "comment": "comment",
                "voted": "created_at",
                "changed": "updated_at",
            },
        ),
        erase=Blank({"comment": ""}),
    ),
    Holding(
        Question,
        links=("asker",),
        export=Export(
            "faq_questions",
            "Questions you asked, and what became of them.",
            {
                "question": "text",
                "details": "details",
                "status": "status",
                "reply": "reply",
                "asked": "created_at",
                "answered": "answered_at",
            },
        ),
        erase=Blank({"details": ""}),
    ),
)
