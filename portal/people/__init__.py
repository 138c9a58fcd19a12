"""The staff directory: who works here, in which department, role and location, for whom."""
