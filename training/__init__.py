"""Tiered training: modules, lessons, the WIIFM video, knowledge checks, certificates."""
