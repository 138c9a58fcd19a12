"""Champions: nominations, the programme lifecycle, scoring, coverage, community activity."""
