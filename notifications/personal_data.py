"""What notifications keep about a person (`portal.privacy.holdings`): their inbox, the links
they followed, and their choices. All of it goes at an erasure: none of it counts in a report
except nudge results, which are counted before (a click on an erased person's notification no
longer exists to be counted)."""

from portal.privacy.holdings import Delete, Export, Holding, register

from .models import Choice, Notification, Settings

register(
    Holding(
        Notification,
        links=("user",),
        export=Export(
            "notifications",
            "Notifications the portal sent you, and when you read them.",
            {
                "kind": "kind",
                "title": "title",
                "text": "text",
                "link": "path",
                "sent": "created_at",
                "read": "read_at",
            },
        ),
        erase=Delete(),  # the links they followed (Click) go with them
    ),
    Holding(
        Choice,
        links=("user",),
        export=Export(
            "notification_choices",
            "Which channels you chose for each kind of notification.",
            {"kind": "kind", "channels": "channels"},
        ),
        erase=Delete(),
    ),
    Holding(
        Settings,
        links=("user",),
        export=Export(
            "notification_settings",
            "Your quiet hours and daily summary.",
            {
                "quiet_from": "quiet_from",
                "quiet_until": "quiet_until",
                "daily_digest": "daily_digest",
                "digest_time": "digest_time",
            },
        ),
        erase=Delete(),
    ),
)
