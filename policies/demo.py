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
        """Load the dataset table by table, each after the tables it refers to."""
        data = self.data
        self.sources = {item["slug"]: self.load_source(item) for item in data["sources"]}
        self.regions = {item["slug"]: self.load_region(item) for item in data["regions"]}
        self.provinces = {item["slug"]: self.load_province(item) for item in data["provinces"]}
        self.authorities = {item["slug"]: self.load_authority(item) for item in data["authorities"]}
        self.focus_areas = {
            item["slug"]: self.load_focus_area(item) for item in data["focus_areas"]
        }
        self.programs = {item["slug"]: self.load_program(item) for item in data["programs"]}
        self.batches = {
            (item["program"], item["number"]): self.load_batch(item) for item in data["batches"]
        }
        self.zones = {item["slug"]: self.load_zone(item) for item in data["zones"]}
        self.documents = {}
        for item in superseding_first(data["documents"]):
            self.documents[item["slug"]] = self.load_document(item)
        # Parts and relations, once every document exists.
        for item in data["documents"]:
            self.load_document_parts(item, self.documents[item["slug"]])
        return self.report

    def _sources(self, keys):
        return [self.sources[key] for key in keys]

    def _focus_areas(self, keys):
        return [self.focus_areas[key] for key in keys]

    def load_source(self, item):
        published_on = item["published_on"]
        return self.upsert(
            Source,
            item["slug"],
            {"slug": item["slug"]},
            {
                "title": item["title"],
                "url": item["url"],
                "publisher": item["publisher"],
                "published_on": datetime.date.fromisoformat(published_on) if published_on else None,
                "note": item["note"],
            },
        )

    def load_region(self, item):
        names = {"name_en": item["name_en"], "name_zh_hans": item["name_zh"]}
        return self.upsert(Region, item["slug"], {"slug": item["slug"]}, names)

    def load_province(self, item):
        values = {
            "name_en": item["name_en"],
            "name_zh_hans": item["name_zh"],
            "region": self.regions.get(item["region"]),
        }
        return self.upsert(Province, item["slug"], {"slug": item["slug"]}, values)

    def load_authority(self, item):
        values = {
            "name_en": item["name_en"],
            "name_zh_hans": item["name_zh"],
            "abbreviation": item["abbreviation"],
            "level": item["level"],
        }
        return self.upsert(Authority, item["slug"], {"slug": item["slug"]}, values)

    def load_focus_area(self, item):
        names = {"name_en": item["name_en"], "name_zh_hans": item["name_zh"]}
        return self.upsert(FocusArea, item["slug"], {"slug": item["slug"]}, names)

    def load_program(self, item):
        values = {
            "name_en": item["name_en"],
            "name_zh_hans": item["name_zh"],
            "short_name_en": item["short_name_en"],
            "short_name_zh_hans": item["short_name_zh"],
            "summary_en": item["summary_en"],
            "summary_zh_hans": item["summary_zh"],
            "authority": self.authorities[item["authority"]],
            "status": item["status"],
        }
        m2m = {"sources": self._sources(item["sources"])}
        return self.upsert(Program, item["slug"], {"slug": item["slug"]}, values, m2m)

    def load_batch(self, item):
        announced = PartialDate.parse(item["announced_on"])
        return self.upsert(
            Batch,
            f"{item['program']}/{item['number']}",
            {"program": self.programs[item["program"]], "number": item["number"]},
            {
                "announced_on": announced.value,
                "announced_on_precision": announced.precision,
                "note_en": item["note_en"],
                "note_zh_hans": item["note_zh"],
                "status": item["status"],
            },
            {"sources": self._sources(item["sources"])},
        )

    def load_zone(self, item):
        approved = PartialDate.parse(item["approved_on"])
        values = {
            "program": self.programs[item["program"]],
            "batch": self.batches.get((item["program"], item["batch"])),
            "name_en": item["name_en"],
            "name_zh_hans": item["name_zh"],
            "province": self.provinces[item["province"]],
            "city_en": item["city_en"],
            "city_zh_hans": item["city_zh"],
            "approved_on": approved.value,
            "approved_on_precision": approved.precision,
            "latitude": Decimal(str(item["latitude"])),
            "longitude": Decimal(str(item["longitude"])),
            "summary_en": item["summary_en"],
            "summary_zh_hans": item["summary_zh"],
            "status": item["status"],
        }
        m2m = {
            "focus_areas": self._focus_areas(item["focus_areas"]),
            "sources": self._sources(item["sources"]),
        }
        return self.upsert(Zone, item["slug"], {"slug": item["slug"]}, values, m2m)

    def load_document(self, item):
        issued = PartialDate.parse(item["issued_on"])
        batch = item["batch"]
        values = {
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
            "batch": self.batches[(batch["program"], batch["number"])] if batch else None,
            "superseded_by": self.documents.get(item["superseded_by"]),
            "status": item["status"],
        }
        m2m = {
            "authorities": [self.authorities[key] for key in item["authorities"]],
            "programs": [self.programs[key] for key in item["programs"]],
            "zones": [self.zones[key] for key in item["zones"]],
            "focus_areas": self._focus_areas(item["focus_areas"]),
            "sources": self._sources(item["sources"]),
        }
        return self.upsert(PolicyDocument, item["slug"], {"slug": item["slug"]}, values, m2m)

    def load_document_parts(self, item, document):
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
                {"document": document, "zone": self.zones[directive["zone"]]},
                {
                    "position": position,
                    "text_en": directive["text_en"],
                    "text_zh_hans": directive["text_zh"],
                },
                {"focus_areas": self._focus_areas(directive["focus_areas"])},
            )
        for relation in item["relations"]:
            self.upsert(
                DocumentRelation,
                f"{item['slug']}/{relation['kind']}/{relation['to']}",
                {
                    "from_document": document,
                    "kind": relation["kind"],
                    "to_document": self.documents[relation["to"]],
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
