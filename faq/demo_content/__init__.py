"""Demo content for the FAQ guide: categories, entries, and what staff ask and search for.

Synthetic text for `seed_demo` and the search tests; nothing here is about real people. One
module per category, plus the demo activity and the paraphrased searches.
"""

from . import community, getting_help, rules, taking_part, why_it_matters
from .activity import OPEN_QUESTIONS, SEARCH_GAPS, VOTE_COMMENTS
from .model import DemoCategory, DemoEntry
from .paraphrases import PARAPHRASES

CATEGORIES: tuple[DemoCategory, ...] = tuple(
    module.CATEGORY for module in (community, why_it_matters, taking_part, rules, getting_help)
)

__all__ = [
    "CATEGORIES",
    "OPEN_QUESTIONS",
    "PARAPHRASES",
    "SEARCH_GAPS",
    "VOTE_COMMENTS",
    "DemoCategory",
    "DemoEntry",
]
