"""Writes for the champion programme: intake, nominations, the programme lifecycle."""
