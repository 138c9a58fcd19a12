"""Text handling for FAQ search: words, stems, highlighting and the search-gap normal form.

Why stems of our own: Wagtail's database backend stems words on PostgreSQL (the `english`
configuration) but not on SQLite, where FTS5 matches whole words only. Entries index their
words' Snowball stems in a hidden field, and a search asks for each word and its stem, so
"booking a seat" finds "How do I book office hours?" on both databases, and highlighting
marks exactly the words whose stems matched.
"""

import re
import unicodedata
from functools import lru_cache
from html import unescape

import snowballstemmer
from django.utils.html import escape, format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString

_stemmer = snowballstemmer.stemmer("english")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|br|div|blockquote)\b[^>]*>", re.IGNORECASE)
MAX_TERMS = 12
MAX_WORD = 40

# Words too common to tell entries apart. PostgreSQL drops these itself; SQLite would rank on them.
_STOPWORDS_TEXT = """
    a about after again all am an and any are as at be because been before being but by can
    could did do does doing don't for from had has have having he her here hers him his how i
    i'm if in into is it it's its itself just me might more most must my no nor not of off on
    once only or other our ours out over own same shall she should so some such than that the
    their theirs them then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours much many"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def words(text: str) -> list[str]:
    """Lower-case words, with compatibility characters folded (ﬁ → fi, full-width → ASCII)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=50_000)  # a guide's vocabulary is a few thousand words
def stem(word: str) -> str:
    return _stemmer.stemWord(word.replace("’", "'"))


def plain_text(html: str) -> str:
    """Rich text as plain text: tags dropped, entities decoded, whitespace collapsed."""
    spaced = _BLOCK_TAG.sub(" ", html)  # "</p><p>" is a word break; "<b>x</b>." is not
    return " ".join(unescape(strip_tags(spaced)).split())


def stems_text(*texts: str) -> str:
    return " ".join(stem(w) for text in texts for w in words(text))


def query_terms(query: str, common: frozenset[str] = frozenset()) -> list[str]:
    """The words worth searching for, in order, without repeats. Stopwords, and words whose
    stems are in `common`, are left out unless nothing else is left."""
    found = [w[:MAX_WORD] for w in words(query)]
    meaningful = [w for w in found if w not in STOPWORDS] or found
    distinctive = [w for w in meaningful if stem(w) not in common] or meaningful
    return list(dict.fromkeys(distinctive))[:MAX_TERMS]


def query_stems(query: str) -> set[str]:
    return {stem(w) for w in query_terms(query)}


def search_text(query: str, common: frozenset[str] = frozenset()) -> str:
    """What goes to the search backend: each word and its stem, to be matched with OR."""
    terms = query_terms(query, common)
    return " ".join(dict.fromkeys([*terms, *(stem(w) for w in terms)]))


def _matches(text: str, stems: set[str]):
    """The words of `text` whose stems are in `stems`, as regex matches, in order."""
    for match in _WORD.finditer(text):
        if stem(unicodedata.normalize("NFKC", match.group()).casefold()) in stems:
            yield match


def highlight(text: str, stems: set[str]) -> SafeString:
    """`text`, escaped, with the words whose stems are in `stems` wrapped in <mark>.

    Built only from `format_html` pieces and `escape`, so nothing in `text` can become markup.
    """
    pieces, last = [], 0
    for match in _matches(text, stems):
        pieces.append((text[last : match.start()], match.group()))
        last = match.end()
    return format_html_join("", "{}<mark>{}</mark>", pieces) + escape(text[last:])


def snippet(text: str, stems: set[str], *, width: int = 200) -> SafeString:
    """A window of `text` around its first matching word, highlighted, with ellipses."""
    first = next(_matches(text, stems), None)
    start = max(0, first.start() - width // 4) if first else 0
    if start:  # begin at a word boundary
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return format_html(
        "{}{}{}",
        "… " if start else "",
        highlight(text[start:end], stems),
        " …" if end < len(text) else "",
    )


_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_DIGITS = re.compile(r"\d[\d\s\-+().]{3,}\d")
_PUNCTUATION = re.compile(r"[^\w\s'’-]+")
GAP_MAX = 100


def gap_normal_form(query: str) -> str:
    """A search as it is counted in the gap log: lower case, no punctuation, single spaces,
    with anything that could identify a person (emails, links, phone or ID numbers) dropped.
    Empty when nothing meaningful is left."""
    text = unicodedata.normalize("NFKC", query).casefold()
    text = _EMAIL.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _DIGITS.sub(" ", text)
    text = _PUNCTUATION.sub(" ", text)
    text = " ".join(text.replace("’", "'").split())
    if not any(w not in STOPWORDS for w in words(text)):
        return ""
    return text[:GAP_MAX].rstrip()
