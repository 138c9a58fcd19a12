"""What sign-in keeps in the database of its own."""

from django.db import models


class SamlAssertion(models.Model):
    """A SAML assertion the portal has accepted, kept until it expires so that the same
    assertion posted again (a replay) is refused. The unique id makes that a database fact."""

    assertion_id = models.CharField(max_length=256, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.assertion_id
