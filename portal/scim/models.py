"""What provisioning keeps beside the directory: tokens, each person's and group's SCIM side,
and the last calls.

Its own app (label `scim`) with its own migrations: these tables belong to the protocol, not
to the directory, and the directory's tables stay as the HR import knows them. A person's SCIM
side (`ScimUser`) holds what the identity provider says that the directory has no column for
(the userName, externalId, names and addresses as sent), so a GET gives back what was put.
"""

from django.conf import settings
from django.db import models


class ScimToken(models.Model):
    """A bearer token an identity provider calls `/scim/v2/` with. Only its SHA-256 is kept:
    the token itself is shown once, when it is created. Revoked tokens stay, for the record."""

    name = models.CharField(max_length=100, help_text="Which identity provider uses it.")
    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the token, in hex
    hint = models.CharField(max_length=16, help_text="The token's first characters.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"


class ScimUser(models.Model):
    """A person as the identity provider knows them. One per person at most; a person the HR
    import made has none until the identity provider first writes them.

    `deleted_at`: the provider deleted the resource. The person stays in the directory,
    inactive, with their history; the SCIM resource answers 404 until it is created again."""

    staff = models.OneToOneField("portal.Staff", on_delete=models.CASCADE, related_name="scim")
    user_name = models.CharField(max_length=255)
    # userName compared as the HR import compares emails (case and Unicode width folded): unique.
    user_name_key = models.CharField(max_length=255, unique=True)
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    # The manager as the provider named them, while nobody in the directory answers to it yet.
    manager_ref = models.CharField(max_length=255, blank=True, db_index=True)
    # What was sent that the directory has no column for (name, emails, addresses, locale...).
    attributes = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"SCIM user {self.pk}"


class ScimGroup(models.Model):
    """A group pushed by the identity provider: a department, or (when its name is one that
    settings give a role) the Community managers or Leaders group."""

    DEPARTMENT, COMMUNITY_MANAGERS, LEADERS = "department", "community_managers", "leaders"
    KINDS = [
        (DEPARTMENT, "Department"),
        (COMMUNITY_MANAGERS, "Community managers"),
        (LEADERS, "Leaders"),
    ]

    display_name = models.CharField(max_length=255)
    display_name_key = models.CharField(max_length=255, unique=True)
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    kind = models.CharField(max_length=20, choices=KINDS, default=DEPARTMENT)
    department = models.ForeignKey(
        "portal.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Members of a role group (a department group's members are its department's people).
    members = models.ManyToManyField("portal.Staff", blank=True, related_name="scim_groups")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.display_name


class ScimCall(models.Model):
    """One call to `/scim/v2/`, for the admin's Provisioning screen: what was asked, how it
    ended. No query string and no body are kept, and quoted values are cut from the error's
    sentence, so no address or name ends up here."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    token = models.ForeignKey(
        ScimToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    scim_type = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"
