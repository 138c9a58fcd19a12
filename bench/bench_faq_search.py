"""FAQ search latency over 1,000 published entries, against the home page in the same run.

The guide gets 1,000 entries (the 35 demo entries, each in ~29 reworded variants with their own
words, so the index has a realistic vocabulary), created once and kept with `--keep`. Then the
search page (`/faq/search/?q=...`, signed in, the whole response as staff get it) and the home
page are requested in turn through Django's test client, for 30 paraphrased queries; the median
of each is kept. The ratio is search page over home page: how many home pages one search costs.
"""

import random
import statistics
import time

from bench.harness import Context, say

ENTRIES = 1_000
ROUNDS = 3
_FILLER_TEXT = (
    "onboarding renewal workshop partner invoice roadmap webinar migration sandbox widget "
    "latency dashboard quota integration plugin release audit newsletter meetup hackathon "
    "feedback survey escalation backlog sprint handbook compliance privacy retention"
)
FILLER = _FILLER_TEXT.split()


def _guide_fill(seed: int):
    """The guide with at least ENTRIES live entries; created the first time, then reused."""
    from faq import demo, demo_content
    from faq.models import FAQCategoryPage, FAQEntryPage, FAQIndexPage
    from portal.models import HomePage

    if FAQIndexPage.objects.exists() and FAQEntryPage.objects.live().count() >= ENTRIES:
        return FAQIndexPage.objects.get()
    rng = random.Random(seed)  # noqa: S311  (bench data)
    if not FAQIndexPage.objects.exists():
        if not HomePage.objects.exists():
            raise RuntimeError("The bench database has no home page; run the migrations.")
        demo.demo_seed(users={}, rng=rng)
    guide = FAQIndexPage.objects.get()
    categories = list(FAQCategoryPage.objects.child_of(guide))
    contents = [e for c in demo_content.CATEGORIES for e in c.entries]
    start = time.perf_counter()
    made = FAQEntryPage.objects.count()
    while made < ENTRIES:
        base = contents[made % len(contents)]
        extra = rng.sample(FILLER, 3)
        entry = FAQEntryPage(
            title=f"{base.question[:-1]} ({' '.join(extra)}, variant {made})?",
            answer=base.answer + f"<p>See also {', '.join(rng.sample(FILLER, 5))}.</p>",
            phrasings=base.phrasings,
            live=True,
        )
        categories[made % len(categories)].add_child(instance=entry)
        made += 1
    say(f"faq_search: built {ENTRIES} entries in {time.perf_counter() - start:.1f} s")
    return guide


def run(ctx: Context) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from faq.demo_content import PARAPHRASES

    guide = _guide_fill(ctx.seed)
    user, _ = get_user_model().objects.get_or_create(username="bench-faq")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    search_url = guide.url + "search/"
    queries = [query for query, _ in PARAPHRASES]
    for path in ("/", search_url):  # warm up: URLconf, templates, caches
        status = client.get(path, {"q": queries[0]}).status_code
        if status != 200:
            raise RuntimeError(f"{path} answered {status} to the signed-in bench user")

    home, search = [], []
    for _ in range(ROUNDS):
        for query in queries:
            start = time.perf_counter()
            client.get("/")
            home.append(time.perf_counter() - start)
            start = time.perf_counter()
            response = client.get(search_url, {"q": query})
            search.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"search for {query!r} answered {response.status_code}")
    home_ms = statistics.median(home) * 1000
    search_ms = statistics.median(search) * 1000
    ctx.report("home_page_latency", home_ms, "ms", home_ms)
    ctx.report("faq_search_latency_1000_entries", search_ms, "ms", home_ms)
