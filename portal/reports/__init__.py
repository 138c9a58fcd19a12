"""Adoption reports for leaders and people managers: scope, selectors, charts and exports."""
