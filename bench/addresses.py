"""Address sets: the long tail of real traffic, drawn at random from a bench dataset.

A set is a list of paths, each drawn from what the dataset holds (its published slugs, its
reference tables, the vocabulary its text was written from), with a fixed seed, so two runs
against the same dataset request the same addresses in the same order. Every random draw takes
the same share of the seed's sequence whatever the dataset holds, so the sets of two datasets
have the same shapes (which filters, how many values, which page, which language, one or two
words) and differ only in the values: their queries per request compare like for like. wrk
walks the list (``bench/report.lua``): every request is a different address, as when a search
engine crawls the register or readers combine filters and type their own words.

- ``document``: document pages, both languages;
- ``zone``: zone pages, both languages;
- ``list``: ``/policies/`` and ``/zones/`` with random filter combinations, orders and pages;
- ``search``: one or two words, English or Chinese, common or rare, on ``/policies/?q=``,
  ``/zones/?q=`` and ``/search/?q=``;
- ``api``: API list pages with random filters and pages, and API records.
"""

import random
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from bench import vocabulary

SETS = ("document", "zone", "list", "search", "api")
LANGUAGE_PREFIXES = ("", "/zh-hans")
PAGE_SIZE = 20
MAX_PAGE = 10

DOC_TYPES = (
    "notice",
    "plan",
    "opinion",
    "measures",
    "guideline",
    "letter",
    "other",
    "regulation",
    "standard",
    "law",
)
VALIDITIES = ("in_force", "amended", "repealed", "expired")
POLICY_ORDERINGS = ("-issued_on", "issued_on", "title", "-title")
ZONE_ORDERINGS = ("name", "-name", "approved_on", "-approved_on")

# Search words: the generator writes its prose from these lists, the most used first.
COMMON_WORDS_EN = vocabulary.EN_NOUNS[:20] + vocabulary.EN_ADJECTIVES[:8]
RARE_WORDS_EN = [term[0] for term in vocabulary.RARE_TERMS] + vocabulary.EN_NOUNS[-20:]
COMMON_WORDS_ZH = vocabulary.ZH_TERMS[:20]
RARE_WORDS_ZH = [term[1] for term in vocabulary.RARE_TERMS] + vocabulary.ZH_TERMS[-20:]


@dataclass
class Catalogue:
    """What a dataset offers to draw addresses from: public slugs and filter values."""

    documents: list[str]
    zones: list[str]
    authorities: list[str]
    focus_areas: list[str]
    programs: list[str]
    provinces: list[str]
    regions: list[str]
    batches: list[int]
    years: tuple[int, int]
    cities_en: list[str] = field(default_factory=list)
    cities_zh: list[str] = field(default_factory=list)


PUBLISHED = "status = 'published' AND (go_live_at IS NULL OR go_live_at <= now())"

CATALOGUE_QUERIES = {
    "documents": f"SELECT slug FROM policies_policydocument WHERE {PUBLISHED} ORDER BY slug",
    "zones": f"SELECT slug FROM zones_zone WHERE {PUBLISHED} ORDER BY slug",
    "authorities": "SELECT slug FROM zones_authority ORDER BY slug",
    "focus_areas": "SELECT slug FROM zones_focusarea ORDER BY slug",
    "programs": f"SELECT slug FROM zones_program WHERE {PUBLISHED} ORDER BY slug",
    "provinces": "SELECT slug FROM zones_province ORDER BY slug",
    "regions": "SELECT slug FROM zones_region ORDER BY slug",
    "batches": "SELECT DISTINCT number FROM zones_batch ORDER BY number",
    "cities_en": "SELECT DISTINCT city_en FROM zones_zone WHERE city_en <> '' ORDER BY 1",
    "cities_zh": "SELECT DISTINCT city_zh_hans FROM zones_zone WHERE city_zh_hans <> '' ORDER BY 1",
}
YEARS_QUERY = (
    "SELECT COALESCE(min(extract(year FROM issued_on)), 2015)::int, "
    "COALESCE(max(extract(year FROM issued_on)), 2025)::int FROM policies_policydocument"
)


def read_catalogue(cursor) -> Catalogue:
    """Read a catalogue through a DB-API cursor on a bench (or any app) database."""
    values = {}
    for name, sql in CATALOGUE_QUERIES.items():
        cursor.execute(sql)
        values[name] = [row[0] for row in cursor.fetchall()]
    cursor.execute(YEARS_QUERY)
    first, last = cursor.fetchone()
    return Catalogue(**values, years=(first, last))


def _one(rng: random.Random, values):
    """One of ``values``, from one draw whatever their number (``rng.choice`` draws more for
    some lengths than for others, and so would shift every later draw between datasets)."""
    return values[int(rng.random() * len(values))]


def _between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _language(rng: random.Random) -> str:
    return _one(rng, LANGUAGE_PREFIXES)


def _path(base: str, params: list[tuple[str, object]]) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def _page(rng: random.Random, total: int) -> list[tuple[str, object]]:
    """A page past the first now and then, only where it exists (an unfiltered list)."""
    last = min(MAX_PAGE, total // PAGE_SIZE)
    paged, place = rng.random() < 0.4, rng.random()
    if paged and last >= 2:
        return [("page", 2 + int(place * (last - 1)))]
    return []


def _pick(rng: random.Random, values: list, most: int = 2) -> list:
    """One to ``most`` different values, from ``most`` + 1 draws whatever their number."""
    wanted = _between(rng, 1, most)
    places = [rng.random() for _ in range(most)][:wanted]
    picked = []
    for place in places:
        index = int(place * len(values)) if values else 0
        # A value drawn twice gives way to the next one not yet picked.
        for step in range(len(values)):
            value = values[(index + step) % len(values)]
            if value not in picked:
                picked.append(value)
                break
    return picked


def _date_range(rng: random.Random, catalogue: Catalogue) -> list[tuple[str, object]]:
    first, last = catalogue.years
    start = _between(rng, first, last)
    after, before, end = rng.random() < 0.7, rng.random() < 0.7, _between(rng, start, last)
    params = []
    if after:
        params.append(("issued_after", f"{start}-01-01"))
    if before:
        params.append(("issued_before", f"{end}-12-31"))
    return params


def policy_filters(rng: random.Random, catalogue: Catalogue) -> list[tuple[str, object]]:
    """One to three of the documents list's filters, each with one or two values."""
    choices = {
        "authority": lambda: [("authority", v) for v in _pick(rng, catalogue.authorities)],
        "doc_type": lambda: [("doc_type", v) for v in _pick(rng, list(DOC_TYPES))],
        "focus_area": lambda: [("focus_area", v) for v in _pick(rng, catalogue.focus_areas)],
        "zone": lambda: [("zone", v) for v in _pick(rng, catalogue.zones)],
        "program": lambda: [("program", v) for v in _pick(rng, catalogue.programs, 1)],
        "validity": lambda: [("validity", v) for v in _pick(rng, list(VALIDITIES))],
        "issued": lambda: _date_range(rng, catalogue),
    }
    params = []
    for name in rng.sample(sorted(choices), rng.randint(1, 3)):
        params += choices[name]()
    return params


def zone_filters(rng: random.Random, catalogue: Catalogue) -> list[tuple[str, object]]:
    """One or two of the zones list's filters."""
    choices = {
        "program": lambda: [("program", v) for v in _pick(rng, catalogue.programs, 1)],
        "batch": lambda: [("batch", v) for v in _pick(rng, catalogue.batches)],
        "province": lambda: [("province", v) for v in _pick(rng, catalogue.provinces)],
        "region": lambda: [("region", v) for v in _pick(rng, catalogue.regions, 1)],
        "focus_area": lambda: [("focus_area", v) for v in _pick(rng, catalogue.focus_areas)],
    }
    params = []
    for name in rng.sample(sorted(choices), rng.randint(1, 2)):
        params += choices[name]()
    return params


def list_params(rng: random.Random, catalogue: Catalogue, policies: bool, paged_total: int):
    """A list's query: filters, or none and a page; an order now and then."""
    orderings = POLICY_ORDERINGS if policies else ZONE_ORDERINGS
    if rng.random() < 0.8:
        params = (policy_filters if policies else zone_filters)(rng, catalogue)
    else:
        params = _page(rng, paged_total)
    if rng.random() < 0.3:
        params.append(("ordering", _one(rng, orderings)))
    return params


def draw_document(rng: random.Random, catalogue: Catalogue) -> str:
    return f"{_language(rng)}/policies/{_one(rng, catalogue.documents)}/"


def draw_zone(rng: random.Random, catalogue: Catalogue) -> str:
    return f"{_language(rng)}/zones/{_one(rng, catalogue.zones)}/"


def draw_list(rng: random.Random, catalogue: Catalogue) -> str:
    policies = rng.random() < 0.7
    total = len(catalogue.documents) if policies else len(catalogue.zones)
    base = "/policies/" if policies else "/zones/"
    return _path(_language(rng) + base, list_params(rng, catalogue, policies, total))


def search_words(rng: random.Random, catalogue: Catalogue) -> str:
    """One or two words of one language, each common or rare (place names count as rare)."""
    chinese = rng.random() < 0.5
    common = COMMON_WORDS_ZH if chinese else COMMON_WORDS_EN
    rare = (
        (RARE_WORDS_ZH + catalogue.cities_zh) if chinese else (RARE_WORDS_EN + catalogue.cities_en)
    )
    words = [_one(rng, common if rng.random() < 0.5 else rare)]
    second = _one(rng, common if rng.random() < 0.5 else rare)
    if rng.random() < 0.4:
        words.append(second)
    return " ".join(words)


def draw_search(rng: random.Random, catalogue: Catalogue) -> str:
    base = _one(rng, ("/policies/", "/zones/", "/search/"))
    return f"{_language(rng)}{base}?q={quote(search_words(rng, catalogue))}"


def draw_api(rng: random.Random, catalogue: Catalogue) -> str:
    policies = rng.random() < 0.7
    resource = "policies" if policies else "zones"
    record, slug = (
        rng.random() < 0.5,
        _one(rng, catalogue.documents if policies else catalogue.zones),
    )
    if record:
        return f"/api/v1/{resource}/{slug}/"
    total = len(catalogue.documents) if policies else len(catalogue.zones)
    return _path(f"/api/v1/{resource}/", list_params(rng, catalogue, policies, total))


DRAWS = {
    "document": draw_document,
    "zone": draw_zone,
    "list": draw_list,
    "search": draw_search,
    "api": draw_api,
}


def draw_set(name: str, catalogue: Catalogue, count: int, seed: int) -> list[str]:
    """``count`` paths of the set ``name``; the same seed and catalogue give the same list."""
    rng = random.Random(f"{seed}-{name}")
    draw = DRAWS[name]
    return [draw(rng, catalogue) for _ in range(count)]


def draw_mixed(catalogue: Catalogue, count: int, seed: int, names=SETS) -> list[str]:
    """Paths of several sets, interleaved: the readers of the editing load."""
    sets = [draw_set(name, catalogue, count, seed) for name in names]
    rng = random.Random(f"{seed}-mixed")
    return [rng.choice(sets)[index] for index in range(count)]
