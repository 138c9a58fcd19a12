"""The staff directory, kept in step with the HR export (see `portal.people.importing`)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Location(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.Model):
    """A job role, and the engagement tier the programme asks people in it to reach."""

    name = models.CharField(max_length=120, unique=True)
    target_tier = models.ForeignKey(
        "portal.Tier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roles",
        help_text="The tier people in this role should reach. Empty: no target.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Staff(models.Model):
    """One member of staff. Never deleted by an import: people who leave become inactive."""

    employee_id = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    display_name = models.CharField(max_length=200)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    start_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        help_text="Linked by email the first time this person signs in.",
    )

    # Wagtail's reference index would cost five queries on every save of a person (a SCIM
    # write, 100,000 of them in a first sync) to learn which department, role, location and
    # manager they point at; the HR import's bulk writes never told it anyway, so what it
    # knew about people was never whole. Who is in a department is a query on this table.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name_plural = "staff"
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="staff_email_unique_ci"),
        ]

    def __str__(self):
        return self.display_name


class DirectoryRevision(models.Model):
    """A token that changes whenever the directory does (an import, an edit in the admin), so
    readers that keep a copy of it, such as the adoption report, know when theirs is stale.
    Random, not a counter: a rolled-back change must not hand its value to the next one."""

    token = models.CharField(max_length=32)

    def __str__(self):
        return f"directory revision {self.token}"


class DirectoryImport(models.Model):
    """One applied HR import, with what it changed, so the last one can be undone for a day."""

    FULL, UPDATE = "full", "update"
    MODES = [
        (UPDATE, "Add and update only: people missing from the file are kept"),
        (FULL, "Full directory: people missing from the file are marked inactive"),
    ]

    applied_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mode = models.CharField(max_length=10, choices=MODES)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    deactivated = models.PositiveIntegerField()
    # What undo puts back: the updated people's fields as they were, who was marked inactive,
    # and who was created (see `importing.writing`).
    before = models.JSONField(default=dict)
    revision_after = models.CharField(max_length=32, help_text="The directory's token after it.")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-applied_at", "-pk"]

    def __str__(self):
        return f"{self.mode} import of {self.rows} rows, {self.applied_at:%Y-%m-%d %H:%M}"


class PendingImport(models.Model):
    """An HR file previewed in the admin and waiting for its confirmation.

    In the database, not on the disk of the server that took the upload, so the confirmation
    may reach any server behind the load balancer. One per person (a newer upload replaces it),
    found by a random token that only its hash is kept of, and only for the person who uploaded
    it; forgotten after a day (`importing.pending`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the token, in hex
    mode = models.CharField(max_length=10, choices=DirectoryImport.MODES)
    data = models.BinaryField()  # the file as uploaded: the confirmation checks it again
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.mode} import waiting since {self.created_at:%Y-%m-%d %H:%M}"
