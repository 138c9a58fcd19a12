"""The FAQ guide: entries by category, search, helpfulness, questions from staff."""
