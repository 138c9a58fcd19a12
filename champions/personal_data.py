"""What the champion programme keeps about a person (`portal.privacy.holdings`).

After an erasure the programme's numbers hold (a champion still counts in coverage, a
nomination still counts in the score), but every word by or about the person goes: their
profile, the reasons colleagues gave for nominating them, the reasons they gave, and a
community manager's note on a decision. The community username, which identifies them, goes.
"""

from django.db.models import Q

from portal.privacy.holdings import Blank, Delete, Export, Holding, Keep, register

from .models import Champion, CommunityAccount, Nomination, NominationReason, UnmatchedActivity


def _reasons_about(person) -> Q | None:
    """Colleagues' reasons for nominating the person: their words about them, which the person
    does not see (so not in their download), blanked by erasure."""
    return Q(nomination__nominee=person.staff) if person.staff is not None else None


register(
    Holding(
        CommunityAccount,
        links=("staff",),
        export=Export(
            "community_account", "Your username in the community.", {"username": "username"}
        ),
        erase=Delete(),
        identifies={"username": "username"},
    ),
    Holding(
        UnmatchedActivity,
        links=("staff",),
        export=Export(
            "community_activity_matched",
            "Community activity matched to you by a community manager.",
            {
                "action": "action",
                "occurred": "occurred_at",
                "address": "url",
                "username": "username",
                "email": "email",
            },
        ),
        erase=Blank({"email": "", "username": "", "url": ""}),
    ),
    Holding(
        Nomination,
        links=("nominee",),
        export=Export(
            "nominations_of_you",
            "That colleagues nominated you as a champion (who and why are theirs to share).",
            {"nominated": "created_at", "endorsed": "endorsed_at"},
        ),
        erase=Keep("it counts in the programme under the pseudonymous entry"),
        others={"endorsed_by": "the manager who endorsed a nomination of someone they manage"},
    ),
    Holding(
        NominationReason,
        links=("nominator",),
        erased_also=_reasons_about,
        export=Export(
            "nominations_you_made",
            "Colleagues you nominated as champions, and why.",
            {
                "nominee": "nomination__nominee__display_name",
                "reason": "reason",
                "made": "created_at",
            },
        ),
        erase=Blank({"reason": ""}),
    ),
    Holding(
        Champion,
        links=("staff",),
        export=Export(
            "champion",
            "Your place in the champion programme and your profile.",
            {
                "status": "status",
                "score": "score",
                "score_breakdown": "breakdown",
                "invited": "invited_at",
                "active_since": "active_since",
                "ended": "ended_at",
                "profile_public": "public_profile",
                "ask_me_about": "focus_areas",
                "about_me": "bio",
            },
        ),
        erase=Blank({"reason": "", "bio": "", "focus_areas": "", "public_profile": False}),
        others={"decided_by": "the community manager who decided"},
    ),
)
