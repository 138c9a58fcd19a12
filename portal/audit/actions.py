"""What the audit log can say happened: a closed set of actions with their labels.

`services.record` refuses an action not registered here, so a typo cannot start a new kind of
entry that no filter offers. Apps add theirs in `AppConfig.ready()` (`track` registers the
created/changed/deleted actions of a model edited in the admin).
"""

ACTIONS: dict[str, str] = {
    # Reading and taking away data about people
    "report.viewed": "Viewed a report that names people",
    "report.exported": "Exported a report",
    "list.exported": "Exported an admin list",
    # Who may do what
    "access.changed": "Changed someone's access (groups, superuser, active)",
    "account.created": "Created an account",
    "account.deleted": "Deleted an account",
    # What the programme asks and how it scores (edited in the admin)
    "tier.created": "Created a tier",
    "tier.changed": "Changed a tier or its requirements",
    "tier.deleted": "Deleted a tier",
    "role.created": "Created a role",
    "role.changed": "Changed a role or its target tier",
    "role.deleted": "Deleted a role",
    "score_settings.changed": "Changed the champion score's weights or settings",
    # The directory
    "staff.changed": "Changed someone's place in the directory",
    "staff.imported": "Imported the staff directory",
    "staff.import_undone": "Undid a staff import",
    # Champions
    "champion.decided": "Decided on a champion",
    # A person's own data (data rights)
    "data.exported": "Downloaded a person's data",
    "erasure.requested": "Asked for a person's data to be erased",
    "erasure.approved": "Approved an erasure",
    "erasure.refused": "Refused an erasure",
    "erasure.done": "Erased a person's data",
}


def register(action: str, label: str) -> None:
    """Add an action (idempotent: `ready()` may run more than once in tests)."""
    ACTIONS.setdefault(action, label)


def label_of(action: str) -> str:
    return ACTIONS.get(action, action)
