"""Loading the demo dataset (``data/pilot-zones.json``) without ever overwriting an editor.

Each record the loader writes gets a fingerprint of the values it set (``core.SeedRecord``). On a
later run a record is created if missing, updated if the data file changed and the record still
matches what was loaded, and otherwise left alone: a record that no longer matches its
fingerprint has been changed by an editor since.
"""

import datetime
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from core.dates import PartialDate
from core.models import SeedRecord, Source, Status
from core.versions.records import take_missing_versions
from policies.models import Directive, DocumentRelation, PolicyDocument, Principle
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone

DEMO_DATA = Path(settings.BASE_DIR) / "data" / "pilot-zones.json"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    drafts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        names = list(dict.fromkeys([*self.created, *self.updated, *self.unchanged]))
        lines = []
        for name in names:
            parts = []
            for label, counter in (
                ("created", self.created),
                ("updated", self.updated),
                ("unchanged", self.unchanged),
            ):
                if counter[name]:
                    parts.append(f"{counter[name]} {label}")
            if self.drafts[name]:
                parts.append(f"{self.drafts[name]} of them drafts")
            lines.append(f"  {name:<28} {', '.join(parts)}")
        if self.kept:
            lines.append(
                f"Left {len(self.kept)} record(s) alone that an editor has changed since they "
                "were loaded:"
            )
            lines += [f"  {item}" for item in self.kept]
        return lines


def _normalise(model, name, value):
    model_field = model._meta.get_field(name)
    if isinstance(value, models.Model):
        return value.pk
    if value is None:
        return None
    if isinstance(model_field, models.DecimalField):
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-model_field.decimal_places)))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class DemoLoader:
    def __init__(self, data: dict):
        self.data = data
        self.report = LoadReport()
        self.fingerprints = {
            (record.model, record.key): record for record in SeedRecord.objects.all()
        }

    # -- the generic step ------------------------------------------------------------------

    def fingerprint(self, model, values: dict, m2m: dict) -> str:
        payload = {name: _normalise(model, name, value) for name, value in values.items()}
        payload.update({name: sorted(obj.pk for obj in objs) for name, objs in m2m.items()})
        encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()

    def current_fingerprint(self, obj, values: dict, m2m: dict) -> str:
        model = type(obj)
        current = {}
        for name in values:
            model_field = model._meta.get_field(name)
            current[name] = getattr(obj, model_field.attname)
        current_m2m = {name: list(getattr(obj, name).all()) for name in m2m}
        return self.fingerprint(model, current, current_m2m)

    def upsert(self, model, key: str, lookup: dict, values: dict, m2m: dict | None = None):
        m2m = m2m or {}
        label = model._meta.label_lower
        name = str(model._meta.verbose_name_plural)
        new_fingerprint = self.fingerprint(model, {**lookup, **values}, m2m)
        obj = model._base_manager.filter(**lookup).first()
        record = self.fingerprints.get((label, key))
        if values.get("status") == Status.DRAFT:
            self.report.drafts[name] += 1

        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            for relation, objs in m2m.items():
                getattr(obj, relation).set(objs)
            self.remember(label, key, new_fingerprint, record)
            self.report.created[name] += 1
            return obj

        if record is None or record.fingerprint != self.current_fingerprint(
            obj, {**lookup, **values}, m2m
        ):
            self.report.kept.append(f"{model._meta.verbose_name} {key}")
            return obj
        if record.fingerprint == new_fingerprint:
            self.report.unchanged[name] += 1
            return obj

        for attribute, value in values.items():
            setattr(obj, attribute, value)
        obj.save()
        for relation, objs in m2m.items():
            getattr(obj, relation).set(objs)
        self.remember(label, key, new_fingerprint, record)
        self.report.updated[name] += 1
        return obj

    def remember(self, label, key, fingerprint, record):
        if record is None:
            record = SeedRecord(model=label, key=key)
            self.fingerprints[(label, key)] = record
        record.fingerprint = fingerprint
        record.save()

    # -- the dataset -----------------------------------------------------------------------

    @transaction.atomic
    def run(self) -> LoadReport:
        data = self.data
        sources = {
            item["slug"]: self.upsert(
                Source,
                item["slug"],
                {"slug": item["slug"]},
                {
                    "title": item["title"],
                    "url": item["url"],
                    "publisher": item["publisher"],
                    "published_on": (
                        datetime.date.fromisoformat(item["published_on"])
                        if item["published_on"]
                        else None
                    ),
                    "note": item["note"],
                },
            )
            for item in data["sources"]
        }
        regions = {
            item["slug"]: self.upsert(
                Region,
                item["slug"],
                {"slug": item["slug"]},
                {"name_en": item["name_en"], "name_zh_hans": item["name_zh"]},
            )
            for item in data["regions"]
        }
        provinces = {
            item["slug"]: self.upsert(
                Province,
                item["slug"],
                {"slug": item["slug"]},
                {
                    "name_en": item["name_en"],
                    "name_zh_hans": item["name_zh"],
                    "region": regions.get(item["region"]),
                },
            )
            for item in data["provinces"]
        }
        authorities = {
            item["slug"]: self.upsert(
                Authority,
                item["slug"],
                {"slug": item["slug"]},
                {
                    "name_en": item["name_en"],
                    "name_zh_hans": item["name_zh"],
                    "abbreviation": item["abbreviation"],
                    "level": item["level"],
                },
            )
            for item in data["authorities"]
        }
        focus_areas = {
            item["slug"]: self.upsert(
                FocusArea,
                item["slug"],
                {"slug": item["slug"]},
                {"name_en": item["name_en"], "name_zh_hans": item["name_zh"]},
            )
            for item in data["focus_areas"]
        }
        programs = {
            item["slug"]: self.upsert(
                Program,
                item["slug"],
                {"slug": item["slug"]},
                {
                    "name_en": item["name_en"],
                    "name_zh_hans": item["name_zh"],
                    "short_name_en": item["short_name_en"],
                    "short_name_zh_hans": item["short_name_zh"],
                    "summary_en": item["summary_en"],
                    "summary_zh_hans": item["summary_zh"],
                    "authority": authorities[item["authority"]],
                    "status": item["status"],
                },
                {"sources": [sources[key] for key in item["sources"]]},
            )
            for item in data["programs"]
        }
        batches = {}
        for item in data["batches"]:
            announced = PartialDate.parse(item["announced_on"])
            key = f"{item['program']}/{item['number']}"
            batches[(item["program"], item["number"])] = self.upsert(
                Batch,
                key,
                {"program": programs[item["program"]], "number": item["number"]},
                {
                    "announced_on": announced.value,
                    "announced_on_precision": announced.precision,
                    "note_en": item["note_en"],
                    "note_zh_hans": item["note_zh"],
                    "status": item["status"],
                },
                {"sources": [sources[key] for key in item["sources"]]},
            )
        zones = {}
        for item in data["zones"]:
            approved = PartialDate.parse(item["approved_on"])
            zones[item["slug"]] = self.upsert(
                Zone,
                item["slug"],
                {"slug": item["slug"]},
                {
                    "program": programs[item["program"]],
                    "batch": batches.get((item["program"], item["batch"])),
                    "name_en": item["name_en"],
                    "name_zh_hans": item["name_zh"],
                    "province": provinces[item["province"]],
                    "city_en": item["city_en"],
                    "city_zh_hans": item["city_zh"],
                    "approved_on": approved.value,
                    "approved_on_precision": approved.precision,
                    "latitude": Decimal(str(item["latitude"])),
                    "longitude": Decimal(str(item["longitude"])),
                    "summary_en": item["summary_en"],
                    "summary_zh_hans": item["summary_zh"],
                    "status": item["status"],
                },
                {
                    "focus_areas": [focus_areas[key] for key in item["focus_areas"]],
                    "sources": [sources[key] for key in item["sources"]],
                },
            )
        self.load_documents(
            data["documents"], sources, authorities, focus_areas, programs, batches, zones
        )
        return self.report

    def load_documents(self, items, sources, authorities, focus_areas, programs, batches, zones):
        documents = {}
        for item in superseding_first(items):
            issued = PartialDate.parse(item["issued_on"])
            batch = item["batch"]
            documents[item["slug"]] = self.upsert(
                PolicyDocument,
                item["slug"],
                {"slug": item["slug"]},
                {
                    "title_en": item["title_en"],
                    "title_zh_hans": item["title_zh"],
                    # null in the data: the sources do not give the number.
                    "doc_number": item["doc_number"] or "",
                    "doc_number_unknown": item["doc_number"] is None,
                    "doc_type": item["doc_type"],
                    "issued_on": issued.value,
                    "issued_on_precision": issued.precision,
                    "validity": item["validity"],
                    "summary_en": item["summary_en"],
                    "summary_zh_hans": item["summary_zh"],
                    "body_en": item.get("body_en", ""),
                    "batch": batches[(batch["program"], batch["number"])] if batch else None,
                    "superseded_by": documents.get(item["superseded_by"]),
                    "status": item["status"],
                },
                {
                    "authorities": [authorities[key] for key in item["authorities"]],
                    "programs": [programs[key] for key in item["programs"]],
                    "zones": [zones[key] for key in item["zones"]],
                    "focus_areas": [focus_areas[key] for key in item["focus_areas"]],
                    "sources": [sources[key] for key in item["sources"]],
                },
            )
        # Parts and relations, once every document exists.
        for item in items:
            document = documents[item["slug"]]
            for position, principle in enumerate(item["principles"], start=1):
                self.upsert(
                    Principle,
                    f"{item['slug']}/{position}",
                    {"document": document, "position": position},
                    {"text_en": principle["text_en"], "text_zh_hans": principle["text_zh"]},
                )
            for position, directive in enumerate(item["directives"], start=1):
                self.upsert(
                    Directive,
                    f"{item['slug']}/{directive['zone']}",
                    {"document": document, "zone": zones[directive["zone"]]},
                    {
                        "position": position,
                        "text_en": directive["text_en"],
                        "text_zh_hans": directive["text_zh"],
                    },
                    {"focus_areas": [focus_areas[key] for key in directive["focus_areas"]]},
                )
            for relation in item["relations"]:
                self.upsert(
                    DocumentRelation,
                    f"{item['slug']}/{relation['kind']}/{relation['to']}",
                    {
                        "from_document": document,
                        "kind": relation["kind"],
                        "to_document": documents[relation["to"]],
                    },
                    {"note": relation["note"]},
                )


def superseding_first(items: list[dict]) -> list[dict]:
    """Documents ordered so that the one superseding another is loaded before it."""
    by_slug = {item["slug"]: item for item in items}
    ordered: list[dict] = []

    def visit(item, path=()):
        if item in ordered:
            return
        if item["slug"] in path:
            raise ValueError(f"Documents supersede each other in a cycle: {path}")
        successor = item.get("superseded_by")
        if successor:
            visit(by_slug[successor], (*path, item["slug"]))
        ordered.append(item)

    for item in items:
        visit(item)
    return ordered


def demo_load(*, path: Path = DEMO_DATA) -> LoadReport:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    report = DemoLoader(data).run()
    take_missing_versions()
    return report
