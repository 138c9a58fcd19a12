"""What the portal itself keeps about a person, and the parts of Django, Wagtail and allauth it
runs on: each with its place in the person's download and what erasure does to it
(`portal.privacy.holdings`). The domain apps list theirs in their own `personal_data`."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.models import EditingSession, FormState
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import (
    Comment,
    CommentReply,
    ModelLogEntry,
    Page,
    PageLogEntry,
    PageSubscription,
    Revision,
    TaskState,
    UploadedFile,
    WorkflowState,
)
from wagtail.users.models import UserProfile

from .audit.models import AuditEntry
from .models import (
    DigestDelivery,
    DigestSubscription,
    EngagementEvent,
    Invitation,
    Message,
    Preferences,
    PulseAsked,
    Staff,
    TierAttainment,
    WaveMember,
)
from .people.models import DirectoryImport, PendingImport
from .privacy import pseudonyms
from .privacy.holdings import Custom, Delete, Export, Holding, Keep, Person, register
from .privacy.models import ErasureRequest
from .reports.models import TargetReminder

User = get_user_model()

PSEUDONYMOUS = "they name the person only through the pseudonymous entry or account"
EDITORIAL = (
    "editorial work on the organisation's pages and files, not about the person; it stays "
    "under the pseudonymous account"
)


def _addressed(person: Person) -> Q | None:
    """Messages to any of the person's addresses, with or without their account."""
    addresses = {
        a.lower()
        for a in (getattr(person.staff, "email", ""), getattr(person.user, "email", ""))
        if a
    }
    condition = Q()
    for address in addresses:
        condition |= Q(to__iexact=address)
    return condition or None


register(
    # The directory entry and the account: pseudonymised last, after everything that needed to
    # find the person by them.
    Holding(
        Staff,
        links=("pk", "user"),
        export=Export(
            "directory_entry",
            "Your entry in the staff directory.",
            {
                "employee_id": "employee_id",
                "name": "display_name",
                "email": "email",
                "department": "department__name",
                "role": "role__name",
                "location": "location__name",
                "start_date": "start_date",
                "active": "active",
            },
        ),
        erase=Custom(
            "kept with a pseudonym for name, email and employee id: department, role, "
            "location and manager line stay, so the reports count them as before",
            pseudonyms.staff_pseudonymise,
        ),
        others={
            "manager": "the people they manage keep their manager line; it points at the "
            "pseudonymous entry",
        },
        identifies={"name": "display_name", "email": "email", "id": "employee_id"},
        order=1000,
    ),
    Holding(
        User,
        links=("pk",),
        export=Export(
            "account",
            "Your account on the portal.",
            {
                "username": "username",
                "email": "email",
                "first_name": "first_name",
                "last_name": "last_name",
                "joined": "date_joined",
                "last_sign_in": "last_login",
                "active": "is_active",
            },
        ),
        erase=Custom(
            "kept with a pseudonymous username, no name, email, password or roles, and closed; "
            "the last sign-in stays for the reports' sign-in numbers",
            pseudonyms.user_pseudonymise,
        ),
        identifies={"email": "email", "username": "username"},
        order=1001,
    ),
    Holding(
        User.groups.through,
        links=("user",),
        export=Export("roles", "The roles your account holds.", {"role": "group__name"}),
        erase=Delete(),
    ),
    Holding(
        User.user_permissions.through,
        links=("user",),
        export=Export(
            "permissions",
            "Permissions given to your account itself.",
            {"permission": "permission__name"},
        ),
        erase=Delete(),
    ),
    Holding(
        Preferences,
        links=("user",),
        export=Export(
            "preferences", "Your settings, such as your time zone.", {"time_zone": "time_zone"}
        ),
        erase=Delete(),
    ),
    Holding(
        DigestSubscription,
        links=("user",),
        export=Export(
            "digest_subscription",
            "Whether you get the weekly adoption email.",
            {"weekly": "weekly", "changed": "updated_at"},
        ),
        erase=Delete(),
    ),
    Holding(
        DigestDelivery,
        links=("user",),
        export=Export(
            "digests", "Weekly adoption emails owed to you.", {"week": "week", "sent": "sent_at"}
        ),
        erase=Delete(),
    ),
    Holding(
        TargetReminder,
        links=("staff",),
        export=Export(
            "target_reminders",
            "Weeks in which you were reminded of your target tier.",
            {"week": "week", "sent": "sent_at"},
        ),
        erase=Keep(PSEUDONYMOUS),
        others={"requested_by": "whoever asked for the reminder (a manager): their account"},
    ),
    Holding(
        Message,
        links=("user",),
        also=_addressed,
        export=Export(
            "messages",
            "Messages the portal sent you: subject and dates, not the text (it may hold a "
            "sign-in link).",
            {
                "kind": "kind",
                "to": "to",
                "subject": "subject",
                "state": "state",
                "queued": "created_at",
                "sent": "sent_at",
            },
        ),
        erase=Delete(),
    ),
    Holding(
        EngagementEvent,
        links=("staff",),
        export=Export(
            "events",
            "Everything you did that counts towards a tier.",
            {
                "kind": "kind",
                "subject": "subject",
                "occurred": "occurred_at",
                "source": "source",
                "details": "metadata",
            },
            order_by=("occurred_at", "pk"),
        ),
        erase=Custom(
            "kept under the pseudonymous entry (the reports count them as before), without "
            "details or idempotency keys",
            pseudonyms.events_pseudonymise,
        ),
    ),
    Holding(
        TierAttainment,
        links=("staff",),
        export=Export(
            "attainments",
            "The tiers you have held, and when.",
            {
                "tier": "tier__name",
                "tier_order": "tier__order",
                "reached": "reached_at",
                "lapsed": "lapsed_at",
            },
            order_by=("reached_at", "pk"),
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        WaveMember,
        links=("staff",),
        export=Export(
            "pilot_waves",
            "The rollout waves you were in.",
            {"wave": "wave__name", "how": "source", "status": "status", "added": "added_at"},
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        Invitation,
        links=("staff",),
        export=Export(
            "invitations",
            "Invitations to the programme.",
            {"wave": "wave__name", "sent": "sent_at"},
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        PulseAsked,
        links=("staff",),
        export=Export(
            "pulse_checks",
            "Quarters in which you were shown the pulse check. Your answers are stored without "
            "your name, so they cannot be found again, and are not here.",
            {"quarter": "quarter"},
        ),
        erase=Keep(PSEUDONYMOUS),
    ),
    Holding(
        ErasureRequest,
        links=("staff", "user"),
        export=Export(
            "erasure_requests",
            "Requests to erase your data.",
            {
                "state": "state",
                "requested": "requested_at",
                "decided": "decided_at",
                "done": "done_at",
            },
        ),
        erase=Keep("the record that the erasure was asked for, approved and done"),
        others={
            "requested_by": "who asked (the person or a community manager)",
            "decided_by": "the superuser who approved or refused",
        },
    ),
    Holding(
        AuditEntry,
        links=("actor",),
        left_out="the organisation's append-only record of who did what with people's data; "
        "it names people by id only",
        erase=Keep(
            "append-only, and it names people by id only: the ids now lead to the pseudonymous "
            "entry and account"
        ),
    ),
    Holding(
        DirectoryImport,
        links=("applied_by", "undone_by"),
        erased_also=pseudonyms.directory_imports_naming,
        left_out="an import records what it changed in the directory, for undo; your entry as "
        "it is now is in directory_entry",
        erase=Custom(
            "their old fields leave the undo list of every import; imports they applied stay "
            "under the pseudonymous account",
            pseudonyms.directory_imports_scrub,
        ),
    ),
    Holding(
        PendingImport,
        links=("user",),
        erased_also=pseudonyms.pending_imports_naming,
        left_out="a staff file waiting a day for its uploader's confirmation",
        erase=Delete(),
    ),
    # Sign-in (allauth)
    Holding(
        EmailAddress,
        links=("user",),
        export=Export(
            "email_addresses",
            "Email addresses of your account.",
            {"email": "email", "verified": "verified", "primary": "primary"},
        ),
        erase=Delete(),
        identifies={"email": "email"},
    ),
    Holding(
        SocialAccount,
        links=("user",),
        export=Export(
            "single_sign_on",
            "Your identity at the company's sign-in service.",
            {
                "provider": "provider",
                "id": "uid",
                "joined": "date_joined",
                "last_sign_in": "last_login",
            },
        ),
        erase=Delete(),
    ),
    Holding(
        Authenticator,
        links=("user",),
        export=Export(
            "second_factors",
            "Your two-step sign-in methods (never their secrets).",
            {"type": "type", "added": "created_at", "last_used": "last_used_at"},
        ),
        erase=Delete(),
    ),
    # The Wagtail admin: a person's own settings, and the editorial record of what they did.
    Holding(
        UserProfile,
        links=("user",),
        export=Export(
            "admin_settings",
            "Your settings in the content admin.",
            {
                "language": "preferred_language",
                "time_zone": "current_time_zone",
                "submitted_notifications": "submitted_notifications",
                "approved_notifications": "approved_notifications",
                "rejected_notifications": "rejected_notifications",
                "comment_notifications": "updated_comments_notifications",
                "theme": "theme",
            },
        ),
        erase=Delete(),  # with the avatar file
    ),
    Holding(
        PageSubscription,
        links=("user",),
        export=Export(
            "page_subscriptions",
            "Pages whose comments you are told about.",
            {"page": "page__title", "comments": "comment_notifications"},
        ),
        erase=Delete(),
    ),
    Holding(
        Page,
        links=("owner", "locked_by"),
        left_out=EDITORIAL,
        erase=Custom("kept; pages they locked are unlocked", pseudonyms.pages_unlock),
    ),
    Holding(
        ModelLogEntry,
        links=("user",),
        also=pseudonyms.about_person,
        left_out="the admin's history of edits; it names people by their entry, now pseudonymous",
        erase=Custom(
            "edits they made stay under the pseudonymous account; entries about their directory "
            "entry or account lose the name they were labelled with",
            pseudonyms.log_entries_relabel,
        ),
    ),
    Holding(PageLogEntry, links=("user",), left_out=EDITORIAL, erase=Keep(EDITORIAL)),
    Holding(Revision, links=("user",), left_out=EDITORIAL, erase=Keep(EDITORIAL)),
    Holding(Comment, links=("user", "resolved_by"), left_out=EDITORIAL, erase=Keep(EDITORIAL)),
    Holding(CommentReply, links=("user",), left_out=EDITORIAL, erase=Keep(EDITORIAL)),
    Holding(WorkflowState, links=("requested_by",), left_out=EDITORIAL, erase=Keep(EDITORIAL)),
    Holding(TaskState, links=("finished_by",), left_out=EDITORIAL, erase=Keep(EDITORIAL)),
    Holding(Image, links=("uploaded_by_user",), left_out=EDITORIAL, erase=Keep(EDITORIAL)),
    Holding(Document, links=("uploaded_by_user",), left_out=EDITORIAL, erase=Keep(EDITORIAL)),
    Holding(
        UploadedFile,
        links=("uploaded_by_user",),
        left_out="a file on its way into the admin, not yet anything",
        erase=Delete(),
    ),
    Holding(
        EditingSession,
        links=("user",),
        left_out="that someone has a page open in the editor right now",
        erase=Delete(),
    ),
    Holding(
        FormState,
        links=("user",),
        left_out="an editor's unsaved form, kept for its preview",
        erase=Delete(),
    ),
)
