"""Generate the benchmark's synthetic dataset into a database of its own.

    .venv/bin/python -m bench.generate                       # 100,000 documents, 2,000 zones
    .venv/bin/python -m bench.generate --documents 1000 --zones 26

The database is named after its size (``apz_bench_100000d_2000z``) in the bench cluster (see
``bench.cluster``); the demo's database is never touched. A dataset that already exists with the
same parameters is reused unless ``--force`` is given.

How it stays fast: the demo data and the small reference tables (provinces, authorities, focus
areas, programs, batches) go through the ORM, so they are exactly what the app writes. Zones,
documents, their many-to-many rows, principles, directives and relations are planned in this
process (cheap: ids, dates, links), written as text by worker processes (expensive: bodies,
pinyin keys, Chinese search terms) and streamed into PostgreSQL with ``COPY``. Foreign keys and
secondary indexes of those tables are dropped during the load and rebuilt afterwards, as
``pg_restore`` does. The stored search vectors are then computed set-based in SQL with the
expression of ``core.search.search_vector_expression`` (the Chinese terms come from
``core.search.cjk_terms``, computed by the workers and copied into a staging table), and a sample
is checked against the app's own expression before the dataset is marked complete.
"""

import argparse
import contextlib
import datetime
import json
import math
import multiprocessing
import os
import random
import sys
import time
from bisect import bisect
from itertools import accumulate, pairwise

from bench import cluster, vocabulary

# Raise when the generated data changes, so that stale datasets are regenerated.
GENERATOR_VERSION = 3
DEFAULT_DOCUMENTS = 100_000
DEFAULT_ZONES = 2_000
DEFAULT_SEED = 2021
CHUNK_DOCUMENTS = 500

# Shares of records by status. Drafts and the rest must never show on a public surface.
DOCUMENT_STATUSES = [("published", 0.93), ("draft", 0.05), ("review", 0.01), ("withdrawn", 0.01)]
ZONE_STATUSES = [("published", 0.96), ("draft", 0.03), ("review", 0.01)]
SCHEDULED_SHARE = 0.01  # of published records: go-live time in the next 90 days
PAST_GO_LIVE_SHARE = 0.04  # of published records: a go-live time that has passed
DOC_TYPES = [
    ("notice", 30),
    ("plan", 15),
    ("opinion", 12),
    ("measures", 12),
    ("guideline", 8),
    ("letter", 8),
    ("other", 6),
    ("regulation", 4),
    ("standard", 4),
    ("law", 1),
]
VALIDITIES = [("in_force", 86), ("amended", 5), ("repealed", 5), ("expired", 4)]
RELATION_KINDS = [("implements", 6), ("cites", 3), ("amends", 1)]
FIRST_YEAR = 2015

LOADED_TABLES = [
    "zones_zone",
    "zones_zone_focus_areas",
    "policies_policydocument",
    "policies_policydocument_authorities",
    "policies_policydocument_focus_areas",
    "policies_policydocument_zones",
    "policies_policydocument_programs",
    "policies_principle",
    "policies_directive",
    "policies_directive_focus_areas",
    "policies_documentrelation",
]


# ---------------------------------------------------------------------------------------------
# Small tools
# ---------------------------------------------------------------------------------------------


class Progress:
    """A progress bar on stderr (a line per tenth when stderr is not a terminal)."""

    def __init__(self, label: str, total: int, unit: str):
        self.label, self.total, self.unit = label, max(total, 1), unit
        self.done = 0
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last_tenth = -1
        self.draw()

    def advance(self, count: int) -> None:
        self.done += count
        self.draw()

    def draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        elapsed = time.monotonic() - self.started
        eta = elapsed / share - elapsed if share > 0 else 0
        bar = "#" * int(share * 30)
        line = (
            f"{self.label:<22} [{bar:<30}] {share:4.0%} {self.done:>9,}/{self.total:,} "
            f"{self.unit}  {elapsed:5.0f} s  eta {eta:4.0f} s"
        )
        if self.tty:
            print("\r" + line, end="", file=sys.stderr, flush=True)
        elif int(share * 10) != self.last_tenth:
            self.last_tenth = int(share * 10)
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        self.done = self.total
        self.draw()
        if self.tty:
            print(file=sys.stderr)


def step(message: str) -> float:
    print(f"• {message}", file=sys.stderr, flush=True)
    return time.monotonic()


class Zipf:
    """Draws from a ranked list with probability proportional to 1 / rank**s."""

    def __init__(self, items: list, s: float = 1.0):
        self.items = list(items)
        self.cumulative = list(accumulate(1 / (rank**s) for rank in range(1, len(items) + 1)))
        self.total = self.cumulative[-1]

    def one(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]

    def distinct(self, rng: random.Random, count: int) -> list:
        count = min(count, len(self.items))
        picked: dict = {}
        for _ in range(count * 20):
            picked.setdefault(self.one(rng), None)
            if len(picked) == count:
                break
        return list(picked)


def weighted(rng: random.Random, choices: list[tuple[object, float]]):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def copy_value(value) -> str:
    if value is None:
        return "\\N"
    # str.replace is several times faster than str.translate on long bodies.
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def copy_line(values) -> str:
    """One row in PostgreSQL's COPY text format."""
    return "\t".join(copy_value(value) for value in values) + "\n"


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


class Writer:
    """Plausible policy prose in English and Chinese from the vocabulary; no meaning intended."""

    def __init__(self, seed: int):
        rng = random.Random(f"{seed}-sentences")
        nouns = Zipf(vocabulary.EN_NOUNS, 0.8)
        adjectives = Zipf(vocabulary.EN_ADJECTIVES, 0.8)
        terms = Zipf(vocabulary.ZH_TERMS, 0.9)
        self.en_sentences = [self._en_sentence(rng, nouns, adjectives) for _ in range(6000)]
        self.zh_sentences = [self._zh_sentence(rng, terms) for _ in range(6000)]

    @staticmethod
    def _en_sentence(rng, nouns, adjectives) -> str:
        words = [rng.choice(vocabulary.EN_VERBS)]
        for _ in range(rng.randint(3, 7)):
            if rng.random() < 0.5:
                words.append(adjectives.one(rng))
            words.append(nouns.one(rng))
            if rng.random() < 0.6:
                words.append(rng.choice(vocabulary.EN_FUNCTION))
        if words[-1] in vocabulary.EN_FUNCTION:
            words.append(nouns.one(rng))
        return " ".join(words).capitalize() + "."

    @staticmethod
    def _zh_sentence(rng, terms) -> str:
        segments = []
        for _ in range(rng.randint(2, 5)):
            segment = rng.choice(vocabulary.ZH_CONNECTORS) + "".join(
                terms.one(rng) for _ in range(rng.randint(1, 3))
            )
            segments.append(segment)
        text = segments[0]
        for segment in segments[1:]:
            text += rng.choice(vocabulary.ZH_PUNCTUATION) + segment
        return text + "。"

    def en_text(self, rng, sentences: int) -> str:
        return " ".join(rng.choices(self.en_sentences, k=sentences))

    def zh_text(self, rng, sentences: int) -> str:
        return "".join(rng.choices(self.zh_sentences, k=sentences))

    def zh_body(self, rng, size_bytes: int, extra: list[str]) -> str:
        """Markdown with numbered sections, about ``size_bytes`` of UTF-8."""
        parts: list[str] = []
        length = 0
        section = 0
        while length < size_bytes:
            if section < len(vocabulary.ZH_ORDINALS) and (section == 0 or rng.random() < 0.3):
                heading = rng.choice(vocabulary.ZH_HEADINGS)
                parts.append(f"## {vocabulary.ZH_ORDINALS[section]}、{heading}")
                section += 1
            paragraph = self.zh_text(rng, rng.randint(3, 8))
            if extra and rng.random() < 0.3:
                paragraph += extra.pop() + "。"
            parts.append(paragraph)
            length += len(paragraph.encode())
        parts += [term + "。" for term in extra]
        return "\n\n".join(parts)

    def en_body(self, rng, size_bytes: int, extra: list[str]) -> str:
        parts: list[str] = []
        length = 0
        section = 0
        while length < size_bytes:
            if section == 0 or rng.random() < 0.3:
                section += 1
                parts.append(f"## {section}. {rng.choice(vocabulary.EN_HEADINGS)}")
            paragraph = self.en_text(rng, rng.randint(3, 8))
            if extra and rng.random() < 0.3:
                paragraph += f" Support {extra.pop()} research and applications."
            parts.append(paragraph)
            length += len(paragraph)
        parts += [f"Support {word} research and applications." for word in extra]
        return "\n\n".join(parts)


def log_uniform(rng: random.Random, low: float, high: float) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


# ---------------------------------------------------------------------------------------------
# Reference data through the ORM
# ---------------------------------------------------------------------------------------------


def load_reference_data(rng: random.Random) -> dict:
    """The demo, then every province, authority, focus area and a program per province."""
    from core.models import Status
    from policies.demo import demo_load
    from zones.models import Authority, Batch, FocusArea, Program, Province, Region

    demo_load()
    regions = {region.slug: region for region in Region.objects.all()}
    for slug, name_en, name_zh, region in vocabulary.EXTRA_PROVINCES:
        Province.objects.get_or_create(
            slug=slug,
            defaults={"name_en": name_en, "name_zh_hans": name_zh, "region": regions.get(region)},
        )
    provinces = {province.slug: province for province in Province.objects.all()}

    prefixes = {"state-council": "国发", "miit": "工信部科", "most": "国科发规"}
    for slug, name_en, name_zh, abbreviation, prefix in vocabulary.CENTRAL_AUTHORITIES:
        Authority.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_zh_hans": name_zh,
                "abbreviation": abbreviation,
                "level": Authority.Level.CENTRAL,
            },
        )
        prefixes[slug] = prefix
    for province in provinces.values():
        short_zh = province.name_zh_hans
        abbreviation = vocabulary.PROVINCE_ABBREVIATIONS[province.slug]
        for suffix, name_en, name_zh, code in vocabulary.PROVINCIAL_BODIES:
            slug = f"{province.slug}-{suffix}"
            Authority.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_en": name_en.format(province=province.name_en),
                    "name_zh_hans": name_zh.format(province=short_zh),
                    "level": Authority.Level.PROVINCIAL,
                    "province": province,
                },
            )
            prefixes[slug] = abbreviation + code
    for city_slug, city_en, city_zh, province_slug, _lat, _lng in vocabulary.CITIES:
        if city_slug == province_slug:
            continue  # a municipality: its provincial bodies are the city's
        for suffix, name_en, name_zh, code in vocabulary.MUNICIPAL_BODIES:
            slug = f"{city_slug}-{suffix}"
            Authority.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_en": name_en.format(city=city_en),
                    "name_zh_hans": name_zh.format(city=city_zh),
                    "level": Authority.Level.MUNICIPAL,
                    "province": provinces[province_slug],
                },
            )
            prefixes[slug] = city_zh + code

    for slug, name_en, name_zh in vocabulary.EXTRA_FOCUS_AREAS:
        FocusArea.objects.get_or_create(
            slug=slug, defaults={"name_en": name_en, "name_zh_hans": name_zh}
        )

    for province in provinces.values():
        program, created = Program.objects.get_or_create(
            slug=f"{province.slug}-ai-pilot-zones",
            defaults={
                "name_en": f"{province.name_en} Provincial AI Innovation Pilot Zones",
                "name_zh_hans": f"{province.name_zh_hans}人工智能创新应用先导区",
                "short_name_en": f"{province.name_en} pilot zones",
                "short_name_zh_hans": f"{province.name_zh_hans}先导区",
                "summary_en": f"Pilot zones designated by the province of {province.name_en}.",
                "authority": Authority.objects.get(slug=f"{province.slug}-industry"),
                "status": Status.PUBLISHED,
            },
        )
        if created:
            for number in range(1, rng.randint(2, 6) + 1):
                Batch.objects.create(
                    program=program,
                    number=number,
                    announced_on=datetime.date(2017 + number + rng.randint(0, 2), 1, 1),
                    announced_on_precision="year",
                    status=Status.DRAFT if number == 6 else Status.PUBLISHED,
                )
    return prefixes


# ---------------------------------------------------------------------------------------------
# Planning: ids, links, dates and statuses for every generated row
# ---------------------------------------------------------------------------------------------


def random_moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC) + datetime.timedelta(
        seconds=rng.randint(0, 86399)
    )


def publishing_state(rng, statuses, now):
    status = weighted(rng, statuses)
    go_live_at = None
    if status == "published":
        roll = rng.random()
        if roll < SCHEDULED_SHARE:
            go_live_at = now + datetime.timedelta(hours=rng.randint(1, 90 * 24))
        elif roll < SCHEDULED_SHARE + PAST_GO_LIVE_SHARE:
            go_live_at = now - datetime.timedelta(hours=rng.randint(1, 365 * 24))
    return status, go_live_at


def plan_zones(rng, count: int, now) -> list[dict]:
    """Zones beyond the demo's: mostly in provincial programs, in the program's province."""
    from zones.models import Batch, Program, Province

    provinces = {province.slug: province for province in Province.objects.all()}
    programs = {program.slug: program for program in Program.objects.all()}
    batches: dict[int, list] = {}
    for batch in Batch.objects.filter(status="published"):
        batches.setdefault(batch.program_id, []).append(batch)
    cities = Zipf(vocabulary.CITIES, 0.7)
    slugs: set[str] = set()
    zones = []
    for _ in range(count):
        city_slug, city_en, city_zh, province_slug, lat, lng = cities.one(rng)
        if rng.random() < 0.08:
            program = programs[rng.choice(["miit", "most"])]
        else:
            program = programs[f"{province_slug}-ai-pilot-zones"]
        kind_slug, kind_en, kind_zh = rng.choice(vocabulary.DISTRICT_KINDS)
        base = f"{program.slug.removesuffix('-ai-pilot-zones')}-{city_slug}-{kind_slug}"
        slug, serial = base, 1
        while slug in slugs:
            serial += 1
            slug = f"{base}-{serial}"
        slugs.add(slug)
        batch = rng.choice(batches[program.pk]) if batches.get(program.pk) else None
        approved_on = (
            batch.announced_on + datetime.timedelta(days=rng.randint(0, 300))
            if batch
            else datetime.date(rng.randint(2019, 2025), rng.randint(1, 12), 1)
        )
        status, go_live_at = publishing_state(rng, ZONE_STATUSES, now)
        suffix = f" {serial}" if serial > 1 else ""
        zones.append(
            {
                "slug": slug,
                "program_id": program.pk,
                "batch_id": batch.pk if batch else None,
                "province_id": provinces[province_slug].pk,
                "name_en": f"{city_en} ({kind_en}{suffix})",
                "name_zh": f"{city_zh}（{kind_zh}{suffix.strip()}）",
                "city_en": city_en,
                "city_zh": city_zh,
                "approved_on": min(approved_on, now.date()),
                "latitude": round(lat + rng.uniform(-0.3, 0.3), 5),
                "longitude": round(lng + rng.uniform(-0.3, 0.3), 5),
                "status": status,
                "go_live_at": go_live_at,
                "created_at": random_moment(rng, min(approved_on, now.date())),
            }
        )
    return zones


def plan_documents(rng, count: int, first_id: int, refs: dict, now) -> list[dict]:
    """Every generated document's links, dates, status and number; the text comes later."""
    today = now.date()
    years = list(range(FIRST_YEAR, today.year + 1))
    year_weights = [(year - FIRST_YEAR + 1) ** 1.5 for year in years]
    doc_numbers = set(refs["existing_doc_numbers"])
    serials: dict[tuple[str, int], int] = {}
    authorities = Zipf(refs["authority_ids"])
    focus_areas = Zipf(refs["focus_area_ids"])
    zones = Zipf(refs["zone_ids"])
    programs = Zipf(refs["program_ids"])
    # Documents in the order of their fame, the demo's first: they draw most citations.
    popularity_tail = list(range(first_id, first_id + count))
    rng.shuffle(popularity_tail)
    popular = Zipf(list(refs["demo_document_ids"]) + popularity_tail)
    all_ids = list(refs["demo_document_ids"]) + list(range(first_id, first_id + count))
    rare_terms = vocabulary.RARE_TERMS

    documents = []
    next_principle = refs["next_principle_id"]
    next_directive = refs["next_directive_id"]
    for doc_id in range(first_id, first_id + count):
        doc_type = weighted(rng, DOC_TYPES)
        year = rng.choices(years, weights=year_weights)[0]
        issued_on = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        issued_on = min(issued_on, today)
        roll = rng.random()
        if roll < 0.03:
            issued_on, issued_precision = issued_on.replace(month=1, day=1), "year"
        elif roll < 0.10:
            issued_on, issued_precision = issued_on.replace(day=1), "month"
        else:
            issued_precision = "day"
        written_on = (
            issued_on - datetime.timedelta(days=rng.randint(0, 30)) if rng.random() < 0.6 else None
        )
        authority_ids = authorities.distinct(rng, weighted(rng, [(1, 85), (2, 10), (3, 5)]))
        zone_ids = [] if rng.random() < 0.4 else zones.distinct(rng, rng.randint(1, 3))
        directives = []
        if doc_type == "notice" and rng.random() < 0.15:
            for position, zone_id in enumerate(zones.distinct(rng, rng.randint(2, 12)), 1):
                directives.append(
                    (
                        next_directive,
                        zone_id,
                        position,
                        focus_areas.distinct(rng, rng.randint(1, 3)),
                    )
                )
                next_directive += 1
                if zone_id not in zone_ids:
                    zone_ids.append(zone_id)
        program_ids = sorted({refs["zone_program"][zone_id] for zone_id in zone_ids})
        if not program_ids and rng.random() < 0.15:
            program_ids = [programs.one(rng)]
        principles = []
        if doc_type in ("plan", "guideline", "opinion") and rng.random() < 0.4:
            for position in range(1, rng.randint(3, 6) + 1):
                principles.append((next_principle, position))
                next_principle += 1
        validity = weighted(rng, VALIDITIES)
        superseded_by = None
        if validity in ("amended", "repealed") and rng.random() < 0.6:
            superseded_by = rng.choice(all_ids)
            if superseded_by == doc_id:
                superseded_by = None
        relations = {}
        for _ in range(weighted(rng, [(0, 82), (1, 15), (2, 3)])):
            target = popular.one(rng)
            if target != doc_id:
                relations[(weighted(rng, RELATION_KINDS), target)] = None
        doc_number = ""
        if rng.random() < 0.55:
            prefix = refs["number_prefixes"][authority_ids[0]]
            serial = serials.get((prefix, year), 0)
            while True:
                serial += rng.randint(1, 4)
                doc_number = f"{prefix}〔{year}〕{serial}号"
                if doc_number not in doc_numbers:
                    break
            serials[(prefix, year)] = serial
            doc_numbers.add(doc_number)
        status, go_live_at = publishing_state(rng, DOCUMENT_STATUSES, now)
        created_at = random_moment(rng, issued_on + datetime.timedelta(days=rng.randint(0, 20)))
        created_at = min(created_at, now - datetime.timedelta(minutes=1))
        documents.append(
            {
                "id": doc_id,
                "slug": f"{refs['authority_slug'][authority_ids[0]]}-{doc_type}-{year}-{doc_id}",
                "doc_type": doc_type,
                "doc_number": doc_number,
                "issued_on": issued_on,
                "issued_precision": issued_precision,
                "written_on": written_on,
                "validity": validity,
                "superseded_by": superseded_by,
                "status": status,
                "go_live_at": go_live_at,
                "created_at": created_at,
                "version": weighted(rng, [(1, 80), (2, 15), (3, 5)]),
                "authority_ids": authority_ids,
                "focus_area_ids": focus_areas.distinct(rng, rng.randint(1, 4)),
                "zone_ids": zone_ids,
                "program_ids": program_ids,
                "principles": principles,
                "directives": directives,
                "relations": list(relations),
                "rare_terms": [term for term in rare_terms if rng.random() < term[2]],
                "zh_body_bytes": log_uniform(rng, 2000, 20000),
                "en_body_bytes": log_uniform(rng, 2000, 20000) if rng.random() < 0.35 else 0,
                "seed": rng.getrandbits(64),
            }
        )
    return documents


# ---------------------------------------------------------------------------------------------
# Writing: text, derived columns and COPY, in worker processes
# ---------------------------------------------------------------------------------------------

_worker: dict = {}


def _worker_init(database_url: str, names: dict, seed: int) -> None:
    import psycopg

    _worker["connection"] = psycopg.connect(database_url, autocommit=True)
    _worker["connection"].execute("SET synchronous_commit = off")
    _worker["names"] = names
    _worker["writer"] = Writer(seed)


def write_documents(plans: list[dict]) -> int:
    """Text, its HTML, pinyin keys and Chinese search terms for a chunk of documents, COPYed
    in."""
    from core.text import pinyin_key, render_markdown

    names, writer = _worker["names"], _worker["writer"]
    rows = {table: [] for table in (*LOADED_TABLES[2:], "bench_document_terms", "bench_part_terms")}
    for plan in plans:
        rng = random.Random(plan["seed"])
        doc_type_en, doc_type_zh = vocabulary.DOC_TYPE_TITLES[plan["doc_type"]]
        authority_en, authority_zh = names["authority"][plan["authority_ids"][0]]
        focus_en, focus_zh = names["focus_area"][plan["focus_area_ids"][0]]
        action = rng.randrange(len(vocabulary.TITLE_ACTIONS_EN))
        place_en = place_zh = ""
        if plan["zone_ids"]:
            city_en, city_zh = names["zone_city"][plan["zone_ids"][0]]
            place_en, place_zh = f" in {city_en}", city_zh
        year = plan["issued_on"].year
        title_en = (
            f"{doc_type_en} of the {authority_en} on {vocabulary.TITLE_ACTIONS_EN[action]} "
            f"{focus_en}{place_en} ({year})"
        )
        title_zh = (
            f"{authority_zh}关于{vocabulary.TITLE_ACTIONS_ZH[action]}{place_zh}{focus_zh}"
            f"工作的{doc_type_zh}"
        )
        rare_en = [term[0] for term in plan["rare_terms"]]
        rare_zh = [term[1] for term in plan["rare_terms"]]
        summary_en = writer.en_text(rng, rng.randint(2, 3))
        if rare_en:
            summary_en += f" It covers {', '.join(rare_en)}."
        summary_zh = writer.zh_text(rng, rng.randint(1, 2))
        body_zh = writer.zh_body(rng, plan["zh_body_bytes"], list(rare_zh))
        body_en = (
            writer.en_body(rng, plan["en_body_bytes"], list(rare_en))
            if plan["en_body_bytes"]
            else ""
        )
        updated_at = plan["created_at"] + datetime.timedelta(
            days=(plan["version"] - 1) * rng.randint(1, 60)
        )
        slug = plan["slug"]
        rows["policies_policydocument"].append(
            (
                plan["id"],
                plan["status"],
                plan["go_live_at"],
                plan["created_at"],
                updated_at,
                plan["version"],
                pinyin_key(title_zh),
                slug,
                title_en,
                title_en,
                title_zh,
                plan["doc_number"],
                False,
                plan["doc_type"],
                plan["written_on"],
                "day",
                plan["issued_on"],
                plan["issued_precision"],
                plan["validity"],
                summary_en,
                summary_en,
                summary_zh,
                body_en,
                body_en,
                body_zh,
                render_markdown(body_en),
                render_markdown(body_zh),
                f"https://policy.example.org/{year}/{slug}.html",
                None,
                plan["superseded_by"],
            )
        )
        rows["bench_document_terms"].append(
            document_terms(plan["id"], title_zh, plan["doc_number"], summary_zh, body_zh)
        )
        for authority_id in plan["authority_ids"]:
            rows["policies_policydocument_authorities"].append((plan["id"], authority_id))
        for focus_area_id in plan["focus_area_ids"]:
            rows["policies_policydocument_focus_areas"].append((plan["id"], focus_area_id))
        for zone_id in plan["zone_ids"]:
            rows["policies_policydocument_zones"].append((plan["id"], zone_id))
        for program_id in plan["program_ids"]:
            rows["policies_policydocument_programs"].append((plan["id"], program_id))
        for principle_id, position in plan["principles"]:
            text_en = writer.en_text(rng, 1)
            text_zh = writer.zh_text(rng, 1)
            rows["policies_principle"].append(
                (principle_id, position, text_en, text_en, text_zh, plan["id"])
            )
            rows["bench_part_terms"].append(principle_terms(plan["id"], position, text_en, text_zh))
        for directive_id, zone_id, position, focus_area_ids in plan["directives"]:
            text_en = writer.en_text(rng, rng.randint(2, 5))
            text_zh = writer.zh_text(rng, rng.randint(2, 5))
            rows["policies_directive"].append(
                (directive_id, position, text_en, text_en, text_zh, zone_id, plan["id"])
            )
            rows["bench_part_terms"].append(directive_terms(plan["id"], position, text_en, text_zh))
            for focus_area_id in focus_area_ids:
                rows["policies_directive_focus_areas"].append((directive_id, focus_area_id))
        for kind, target in plan["relations"]:
            rows["policies_documentrelation"].append((kind, "", plan["id"], target))

    connection = _worker["connection"]
    with connection.transaction(), connection.cursor() as cursor:
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            with cursor.copy(f"COPY {table} ({COPY_COLUMNS[table]}) FROM STDIN") as copy:
                copy.write("".join(copy_line(row) for row in table_rows))
    return len(plans)


COPY_COLUMNS = {
    "zones_zone": (
        "id, status, go_live_at, created_at, updated_at, version, name_pinyin, slug, name, "
        "name_en, name_zh_hans, city, city_en, city_zh_hans, approved_on, approved_on_precision, "
        "latitude, longitude, summary, summary_en, summary_zh_hans, batch_id, program_id, "
        "province_id"
    ),
    "zones_zone_focus_areas": "zone_id, focusarea_id",
    "policies_policydocument": (
        "id, status, go_live_at, created_at, updated_at, version, name_pinyin, slug, title, "
        "title_en, title_zh_hans, doc_number, doc_number_unknown, doc_type, written_on, "
        "written_on_precision, issued_on, issued_on_precision, validity, summary, summary_en, "
        "summary_zh_hans, body, "
        "body_en, body_zh_hans, body_html_en, body_html_zh_hans, source_url, batch_id, "
        "superseded_by_id"
    ),
    "policies_policydocument_authorities": "policydocument_id, authority_id",
    "policies_policydocument_focus_areas": "policydocument_id, focusarea_id",
    "policies_policydocument_zones": "policydocument_id, zone_id",
    "policies_policydocument_programs": "policydocument_id, program_id",
    "policies_principle": "id, position, text, text_en, text_zh_hans, document_id",
    "policies_directive": "id, position, text, text_en, text_zh_hans, zone_id, document_id",
    "policies_directive_focus_areas": "directive_id, focusarea_id",
    "policies_documentrelation": "kind, note, from_document_id, to_document_id",
    "bench_document_terms": "id, title_zh, doc_number, summary_zh, body_zh",
    "bench_part_terms": "document_id, ord, text_en, zh",
    "bench_zone_terms": "id, name_zh, city_zh, province_zh, summary_zh, generated",
    "bench_focus_area_terms": "id, name_zh",
}


def document_terms(document_id, title_zh, doc_number, summary_zh, body_zh) -> tuple:
    """A ``bench_document_terms`` row: the Chinese texts of a document as ``cjk_terms``."""
    from core.search import cjk_terms

    return (
        document_id,
        cjk_terms(title_zh),
        cjk_terms(doc_number),
        cjk_terms(summary_zh),
        cjk_terms(body_zh),
    )


def principle_terms(document_id, position, text_en, text_zh) -> tuple:
    """A ``bench_part_terms`` row; principles come first in a document's texts, by position."""
    from core.search import cjk_terms

    return (document_id, position, text_en, cjk_terms(text_zh))


def directive_terms(document_id, position, text_en, text_zh) -> tuple:
    """A ``bench_part_terms`` row; directives follow the principles, by position."""
    from core.search import cjk_terms

    return (document_id, 1000 + position, text_en, cjk_terms(text_zh))


def zone_search_terms(zone_id, name_zh, city_zh="", province_zh="", summary_zh="", generated=True):
    """A ``bench_zone_terms`` row; only ``generated`` zones get their vector from SQL."""
    from core.search import cjk_terms

    return (
        zone_id,
        cjk_terms(name_zh),
        cjk_terms(city_zh),
        cjk_terms(province_zh),
        cjk_terms(summary_zh),
        generated,
    )


def focus_area_terms(focus_area_id, name_zh) -> tuple:
    """A ``bench_focus_area_terms`` row: the Chinese label its zones are found by."""
    from core.search import cjk_terms

    return (focus_area_id, cjk_terms(name_zh))


STAGING_TABLES = """
CREATE UNLOGGED TABLE bench_document_terms (
    id bigint PRIMARY KEY, title_zh text, doc_number text, summary_zh text, body_zh text);
CREATE UNLOGGED TABLE bench_part_terms (document_id bigint, ord int, text_en text, zh text);
CREATE UNLOGGED TABLE bench_zone_terms (
    id bigint PRIMARY KEY, name_zh text, city_zh text, province_zh text, summary_zh text,
    generated boolean);
CREATE UNLOGGED TABLE bench_focus_area_terms (id bigint PRIMARY KEY, name_zh text);
CREATE AGGREGATE bench_tsvector_agg(tsvector) (
    SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');
"""
DROP_STAGING = """
DROP TABLE IF EXISTS bench_document_terms, bench_part_terms, bench_zone_terms,
    bench_focus_area_terms;
DROP AGGREGATE IF EXISTS bench_tsvector_agg(tsvector);
"""

# The expressions of core.search.search_vector_expression over each model's search_texts(),
# in the same order: English through to_tsvector('english'), Chinese through cjk_terms() (staged)
# and to_tsvector('simple'), each part weighted, concatenated left to right.
DOCUMENT_VECTOR_SQL = """
UPDATE policies_policydocument d SET search_vector =
    setweight(to_tsvector('english'::regconfig, COALESCE(d.title_en, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, t.title_zh), 'A')
    || setweight(to_tsvector('simple'::regconfig, t.doc_number), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(d.summary_en, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, t.summary_zh), 'B')
    || COALESCE((
        SELECT bench_tsvector_agg(
            setweight(to_tsvector('english'::regconfig, p.text_en), 'C')
            || setweight(to_tsvector('simple'::regconfig, p.zh), 'C')
            ORDER BY p.ord)
        FROM bench_part_terms p WHERE p.document_id = d.id), ''::tsvector)
    || setweight(to_tsvector('english'::regconfig, COALESCE(d.body_en, '')), 'D')
    || setweight(to_tsvector('simple'::regconfig, t.body_zh), 'D')
FROM bench_document_terms t
WHERE t.id = d.id AND d.id >= %s AND d.id < %s
"""
DIRECTIVE_VECTOR_SQL = """
UPDATE policies_directive d SET search_vector =
    setweight(to_tsvector('english'::regconfig, COALESCE(z.name_en, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, zt.name_zh), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(d.text_en, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, p.zh), 'B')
FROM zones_zone z, bench_zone_terms zt, bench_part_terms p
WHERE z.id = d.zone_id AND zt.id = d.zone_id
  AND p.document_id = d.document_id AND p.ord = 1000 + d.position
"""
ZONE_VECTOR_SQL = """
UPDATE zones_zone z SET search_vector =
    setweight(to_tsvector('english'::regconfig, COALESCE(z.name_en, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, t.name_zh), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(z.city_en, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, t.city_zh), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(p.name_en, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, t.province_zh), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(z.summary_en, '')), 'C')
    || setweight(to_tsvector('simple'::regconfig, t.summary_zh), 'C')
    || COALESCE((
        SELECT bench_tsvector_agg(
            setweight(to_tsvector('english'::regconfig, COALESCE(f.name_en, '')), 'B')
            || setweight(to_tsvector('simple'::regconfig, ft.name_zh), 'B')
            ORDER BY f.name_en, f.id)
        FROM zones_zone_focus_areas zf
        JOIN zones_focusarea f ON f.id = zf.focusarea_id
        JOIN bench_focus_area_terms ft ON ft.id = f.id
        WHERE zf.zone_id = z.id), ''::tsvector)
FROM bench_zone_terms t, zones_province p
WHERE t.id = z.id AND t.generated AND p.id = z.province_id
"""


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def dataset_parameters(documents: int, zones: int, seed: int) -> dict:
    return {"documents": documents, "zones": zones, "seed": seed, "version": GENERATOR_VERSION}


def existing_parameters(name: str) -> dict | None:
    """The parameters a complete dataset was generated with, or None."""
    import psycopg

    if not cluster.database_exists(name):
        return None
    with (
        psycopg.connect(cluster.database_url(name)) as conn,
        contextlib.suppress(psycopg.errors.UndefinedTable),
    ):
        row = conn.execute("SELECT parameters FROM bench_dataset").fetchone()
        return row[0] if row else None
    return None


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_bench"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    # As bench.run serves it: behind a TLS proxy, which the requests of bench.explain imitate.
    os.environ.setdefault("DJANGO_BEHIND_PROXY", "1")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(cluster.BASE_DIR))
    import django

    django.setup()


def generate(documents: int, zones: int, seed: int, workers: int, force: bool = False) -> dict:
    name = cluster.database_name(documents, zones)
    parameters = dataset_parameters(documents, zones, seed)
    if not force and existing_parameters(name) == parameters:
        print(f"Reusing the dataset in database {name}.", file=sys.stderr)
        return {"database": name, "reused": True, **parameters}

    started = time.monotonic()
    cluster.drop_database(name)
    cluster.create_database(name)
    database_url = cluster.database_url(name)
    setup_django(database_url)

    import psycopg
    from django.core.management import call_command
    from django.db import connection, connections

    from core.text import pinyin_key
    from policies.models import Directive, PolicyDocument, Principle
    from zones.models import Authority, FocusArea, Program, Province, Zone

    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    rng = random.Random(seed)
    mark = step(f"Creating the schema in {name}")
    call_command("migrate", verbosity=0, interactive=False)
    mark = step("Loading the demo data and the reference tables through the ORM")
    prefixes = load_reference_data(rng)

    demo_zone_count = Zone.objects.count()
    demo_documents = list(PolicyDocument.objects.order_by("pk").values_list("pk", flat=True))
    generated_zones = max(zones - demo_zone_count, 0)
    generated_documents = max(documents - len(demo_documents), 0)

    with connection.cursor() as cursor:
        cursor.execute(STAGING_TABLES)
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
            """,
            [LOADED_TABLES],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conindid = format('%%I', i.indexname)::regclass)
            """,
            [LOADED_TABLES],
        )
        indexes = cursor.fetchall()
        # Rebuilt after the load: one sorted build is far cheaper than 100,000 insertions.
        for table, constraint, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
        for index, _definition in indexes:
            cursor.execute(f'DROP INDEX "{index}"')

    mark = step(f"Planning {generated_zones:,} zones and {generated_documents:,} documents")
    zone_plans = plan_zones(rng, generated_zones, now)
    writer = Writer(seed)
    first_zone_id = (Zone.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    focus_area_ids = list(FocusArea.objects.order_by("pk").values_list("pk", flat=True))
    zone_focus = Zipf(focus_area_ids)
    province_names = {
        pk: (name_en, name_zh)
        for pk, name_en, name_zh in Province.objects.values_list("pk", "name_en", "name_zh_hans")
    }
    zone_rows, zone_focus_rows, zone_terms = [], [], []
    for offset, zone in enumerate(zone_plans):
        zone_id = first_zone_id + offset
        zone["id"] = zone_id
        summary_en = writer.en_text(rng, rng.randint(2, 4))
        summary_zh = writer.zh_text(rng, rng.randint(2, 4))
        zone_rows.append(
            (
                zone_id,
                zone["status"],
                zone["go_live_at"],
                zone["created_at"],
                zone["created_at"],
                1,
                pinyin_key(zone["name_zh"]),
                zone["slug"],
                zone["name_en"],
                zone["name_en"],
                zone["name_zh"],
                zone["city_en"],
                zone["city_en"],
                zone["city_zh"],
                zone["approved_on"],
                "day",
                zone["latitude"],
                zone["longitude"],
                summary_en,
                summary_en,
                summary_zh,
                zone["batch_id"],
                zone["program_id"],
                zone["province_id"],
            )
        )
        for focus_area_id in zone_focus.distinct(rng, rng.randint(2, 5)):
            zone_focus_rows.append((zone_id, focus_area_id))
        zone_terms.append(
            zone_search_terms(
                zone_id,
                zone["name_zh"],
                zone["city_zh"],
                province_names[zone["province_id"]][1],
                summary_zh,
            )
        )
    for pk, name_zh in Zone.objects.filter(pk__lt=first_zone_id).values_list("pk", "name_zh_hans"):
        # The demo's zones have their vectors from the ORM; directives need their names' terms.
        zone_terms.append(zone_search_terms(pk, name_zh, generated=False))
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        for table, rows in (
            ("zones_zone", zone_rows),
            ("zones_zone_focus_areas", zone_focus_rows),
            ("bench_zone_terms", zone_terms),
            (
                "bench_focus_area_terms",
                [
                    focus_area_terms(pk, name_zh)
                    for pk, name_zh in FocusArea.objects.values_list("pk", "name_zh_hans")
                ],
            ),
        ):
            with cursor.copy(f"COPY {table} ({COPY_COLUMNS[table]}) FROM STDIN") as copy:
                copy.write("".join(copy_line(row) for row in rows))

    # Zones in the order of their fame: the demo's first (real zones draw most documents).
    zone_ids = list(
        Zone.objects.filter(pk__lt=first_zone_id).order_by("pk").values_list("pk", flat=True)
    )
    tail = [zone["id"] for zone in zone_plans]
    rng.shuffle(tail)
    authority_rows = list(Authority.objects.order_by("pk").values_list("pk", "slug"))
    authority_ids = [pk for pk, _slug in authority_rows]
    rng.shuffle(authority_tail := authority_ids[3:])
    first_document_id = (demo_documents[-1] if demo_documents else 0) + 1
    refs = {
        "existing_doc_numbers": set(
            PolicyDocument.objects.exclude(doc_number="").values_list("doc_number", flat=True)
        ),
        "authority_ids": authority_ids[:3] + authority_tail,
        "authority_slug": dict(authority_rows),
        "number_prefixes": {pk: prefixes[slug] for pk, slug in authority_rows},
        "focus_area_ids": focus_area_ids,
        "zone_ids": zone_ids + tail,
        "zone_program": dict(Zone.objects.values_list("pk", "program_id")),
        "program_ids": list(Program.objects.order_by("pk").values_list("pk", flat=True)),
        "demo_document_ids": demo_documents,
        "next_principle_id": (
            Principle.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        + 1,
        "next_directive_id": (
            Directive.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        + 1,
    }
    plans = plan_documents(rng, generated_documents, first_document_id, refs, now)
    names = {
        "authority": {
            pk: (en, zh)
            for pk, en, zh in Authority.objects.values_list("pk", "name_en", "name_zh_hans")
        },
        "focus_area": {
            pk: (en, zh)
            for pk, en, zh in FocusArea.objects.values_list("pk", "name_en", "name_zh_hans")
        },
        "zone_city": {
            pk: (en or "", zh or "")
            for pk, en, zh in Zone.objects.values_list("pk", "city_en", "city_zh_hans")
        },
    }
    print(f"  planned in {time.monotonic() - mark:.1f} s", file=sys.stderr)

    connections.close_all()
    chunks = [plans[i : i + CHUNK_DOCUMENTS] for i in range(0, len(plans), CHUNK_DOCUMENTS)]
    progress = Progress("Writing documents", len(plans), "documents")
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, _worker_init, (database_url, names, seed)) as pool:
        for written in pool.imap_unordered(write_documents, chunks):
            progress.advance(written)
    progress.close()
    del plans, chunks

    with psycopg.connect(database_url, autocommit=True) as admin:
        mark = step("Computing search vectors in SQL")
        admin.execute("CREATE INDEX ON bench_part_terms (document_id, ord)")
        admin.execute(
            "ANALYZE bench_document_terms, bench_part_terms, bench_zone_terms, "
            "bench_focus_area_terms"
        )
        last_id = first_document_id + generated_documents
        bounds = [
            first_document_id + (last_id - first_document_id) * part // workers
            for part in range(workers + 1)
        ]
        progress = Progress("Search vectors", generated_documents, "documents")
        ranges = list(pairwise(bounds))
        slices = []
        for low, high in ranges:
            step_size = max((high - low) // 20, 1)
            slices += [
                (start, min(start + step_size, high)) for start in range(low, high, step_size)
            ]

        def run_slices(worker_slices):
            with psycopg.connect(database_url, autocommit=True) as worker_conn:
                worker_conn.execute("SET synchronous_commit = off")
                for low, high in worker_slices:
                    worker_conn.execute(DOCUMENT_VECTOR_SQL, [low, high])
                    progress.advance(high - low)

        import threading

        threads = [
            threading.Thread(target=run_slices, args=(slices[part::workers],))
            for part in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        progress.close()
        admin.execute(DIRECTIVE_VECTOR_SQL)
        admin.execute(ZONE_VECTOR_SQL)
        print(f"  done in {time.monotonic() - mark:.1f} s", file=sys.stderr)

        mark = step(f"Rebuilding {len(indexes)} indexes and {len(foreign_keys)} foreign keys")
        for table in (
            "policies_policydocument",
            "policies_directive",
            "policies_principle",
            "zones_zone",
        ):
            admin.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        progress = Progress("Indexes and keys", len(indexes) + len(foreign_keys), "items")
        for _index, definition in indexes:
            admin.execute(definition)
            progress.advance(1)
        for table, constraint, definition in foreign_keys:
            admin.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {definition}')
            progress.advance(1)
        progress.close()
        print(f"  done in {time.monotonic() - mark:.1f} s", file=sys.stderr)

        mark = step("Checking a sample against the app's own search vector expression")
        setup_checked = verify_sample(rng, first_document_id, first_zone_id)
        print(f"  {setup_checked} records match", file=sys.stderr)

        admin.execute(DROP_STAGING)
        mark = step("VACUUM ANALYZE")
        admin.execute("VACUUM (ANALYZE)")
        elapsed = time.monotonic() - started
        admin.execute(
            "CREATE TABLE bench_dataset (parameters jsonb, generated_at timestamptz, "
            "seconds numeric)"
        )
        admin.execute(
            "INSERT INTO bench_dataset VALUES (%s, now(), %s)",
            [json.dumps(parameters), round(elapsed, 1)],
        )
        counts = dict(
            admin.execute(
                "SELECT 'documents', count(*) FROM policies_policydocument UNION ALL "
                "SELECT 'zones', count(*) FROM zones_zone UNION ALL "
                "SELECT 'directives', count(*) FROM policies_directive UNION ALL "
                "SELECT 'relations', count(*) FROM policies_documentrelation UNION ALL "
                "SELECT 'size_mb', pg_database_size(current_database()) / 1048576"
            ).fetchall()
        )
    print(
        f"Generated {counts['documents']:,} documents, {counts['zones']:,} zones, "
        f"{counts['directives']:,} directives and {counts['relations']:,} relations "
        f"({counts['size_mb']:,} MB) in {elapsed:.0f} s.",
        file=sys.stderr,
    )
    return {"database": name, "reused": False, "seconds": round(elapsed, 1), **parameters}


def verify_sample(rng: random.Random, first_document_id: int, first_zone_id: int) -> int:
    """Stored vectors equal the app's expression for a sample of each generated kind of row."""
    from django.db import connection

    from core.search import search_vector_expression
    from policies.models import Directive, PolicyDocument
    from zones.models import Zone

    connection.close()
    samples = [
        *PolicyDocument.objects.filter(pk__gte=first_document_id).order_by("?")[:20],
        *PolicyDocument.objects.filter(pk__gte=first_document_id, directives__isnull=False)
        .distinct()
        .order_by("?")[:5],
        *PolicyDocument.objects.filter(pk__gte=first_document_id, principles__isnull=False)
        .distinct()
        .order_by("?")[:5],
        *Zone.objects.filter(pk__gte=first_zone_id).order_by("?")[:10],
        *Directive.objects.order_by("?")[:10],
    ]
    for record in samples:
        model = type(record)
        stored, expected = (
            model._base_manager.filter(pk=record.pk)
            .annotate(expected=search_vector_expression(record.search_texts()))
            .values_list("search_vector", "expected")
            .get()
        )
        if stored != expected:
            raise SystemExit(
                f"The stored search vector of {model.__name__} {record.pk} differs from the "
                "app's expression; the generator is out of step with core.search."
            )
    return len(samples)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=DEFAULT_DOCUMENTS)
    parser.add_argument("--zones", type=int, default=DEFAULT_ZONES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--force", action="store_true", help="regenerate even if it exists")
    args = parser.parse_args(argv)
    result = generate(args.documents, args.zones, args.seed, max(args.workers, 1), args.force)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
