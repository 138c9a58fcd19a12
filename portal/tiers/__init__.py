"""Engagement tiers: what reaching each takes, the event log, and who reached which tier when."""
