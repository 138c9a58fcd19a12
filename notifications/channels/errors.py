"""How a channel tells the outbox what a failure means."""


class Temporary(Exception):
    """Worth trying again later: a timeout, a dropped connection, a rate limit, a 5xx."""


class Permanent(Exception):
    """Trying again will not help: no such person on Slack, the token is revoked, a 4xx."""


class NotFound(Permanent):
    """The channel knows no such person (not on Slack, no Teams account): they get email."""
