"""The shapes of the demo FAQ content."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoEntry:
    question: str  # the entry's title, a real question, <= 120 chars, ends with "?"
    answer: str  # rich-text HTML: only <p>, <ul>/<ol>/<li>, <strong>, <em>; 60-160 words
    phrasings: str = ""  # other ways people ask this, comma-separated, for search
    audiences: tuple[str, ...] = ()  # role names it is mainly for; () = everyone
    related: tuple[str, ...] = ()  # questions (exact titles) of related entries


@dataclass(frozen=True)
class DemoCategory:
    title: str
    slug: str
    description: str  # one sentence
    entries: tuple[DemoEntry, ...] = field(default_factory=tuple)
