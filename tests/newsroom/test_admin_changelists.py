"""Every changelist of the register answers in the same number of queries with 10 rows and with
200: related records come with the rows, not one query per row."""

import datetime

import pytest
from django.core.files.base import ContentFile

from core.models import Source, Status
from policies.models import Attachment, Directive, DocumentRelation, PolicyDocument, Principle
from tests import people
from tests.factories import (
    AuthorityFactory,
    BatchFactory,
    FocusAreaFactory,
    PolicyDocumentFactory,
    ProvinceFactory,
    ZoneFactory,
)
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class Rows:
    """Makes rows of each model in bulk. Related records come from a small pool: a changelist
    that looked them up row by row would still pay one query per row, which is what this
    catches."""

    def __init__(self):
        self.made = 0
        self.provinces = [ProvinceFactory() for _ in range(3)]
        self.batches = [BatchFactory() for _ in range(3)]
        self.focus_areas = [FocusAreaFactory() for _ in range(3)]
        self.authorities = [AuthorityFactory() for _ in range(3)]
        self.zones = [
            ZoneFactory(program=batch.program, batch=batch, province=province)
            for batch, province in zip(self.batches, self.provinces, strict=True)
        ]
        self.documents = [PolicyDocumentFactory(authorities=self.authorities) for _ in range(3)]

    def numbers(self, count):
        first = self.made
        self.made += count
        return range(first, first + count)

    @staticmethod
    def pick(pool, number):
        return pool[number % len(pool)]

    def source(self, count):
        Source.objects.bulk_create(
            Source(slug=f"bulk-source-{n}", title=f"Source {n}") for n in self.numbers(count)
        )

    def region(self, count):
        Region.objects.bulk_create(
            Region(slug=f"bulk-region-{n}", name_en=f"Region {n}") for n in self.numbers(count)
        )

    def province(self, count):
        Province.objects.bulk_create(
            Province(
                slug=f"bulk-province-{n}",
                name_en=f"Province {n}",
                region=self.pick(self.provinces, n).region,
            )
            for n in self.numbers(count)
        )

    def authority(self, count):
        Authority.objects.bulk_create(
            Authority(
                slug=f"bulk-authority-{n}",
                name_en=f"Bureau {n}",
                level=Authority.Level.PROVINCIAL,
                province=self.pick(self.provinces, n),
            )
            for n in self.numbers(count)
        )

    def focus_area(self, count):
        FocusArea.objects.bulk_create(
            FocusArea(slug=f"bulk-field-{n}", name_en=f"Field {n}") for n in self.numbers(count)
        )

    def program(self, count):
        Program.objects.bulk_create(
            Program(
                slug=f"bulk-program-{n}",
                name_en=f"Program {n}",
                authority=self.pick(self.authorities, n),
            )
            for n in self.numbers(count)
        )

    def batch(self, count):
        Batch.objects.bulk_create(
            Batch(program=self.pick(self.batches, n).program, number=100 + n)
            for n in self.numbers(count)
        )

    def zone(self, count):
        zones = Zone.objects.bulk_create(
            Zone(
                slug=f"bulk-zone-{n}",
                name_en=f"Zone {n}",
                program=self.pick(self.batches, n).program,
                batch=self.pick(self.batches, n),
                province=self.pick(self.provinces, n),
                approved_on=datetime.date(2021, 2, 19),
                go_live_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
                status=Status.PUBLISHED,
            )
            for n in self.numbers(count)
        )
        Zone.focus_areas.through.objects.bulk_create(
            Zone.focus_areas.through(zone=zone, focusarea=self.pick(self.focus_areas, n))
            for n, zone in enumerate(zones)
        )

    def document(self, count):
        documents = PolicyDocument.objects.bulk_create(
            PolicyDocument(
                slug=f"bulk-document-{n}",
                title_en=f"Notice {n}",
                issued_on=datetime.date(2021, 2, 19),
                batch=self.pick(self.batches, n),
                status=Status.REVIEW,
            )
            for n in self.numbers(count)
        )
        through = PolicyDocument.authorities.through
        through.objects.bulk_create(
            through(policydocument=document, authority=authority)
            for document in documents
            for authority in self.authorities[:2]
        )
        PolicyDocument.zones.through.objects.bulk_create(
            PolicyDocument.zones.through(policydocument=document, zone=self.pick(self.zones, n))
            for n, document in enumerate(documents)
        )

    def directive(self, count):
        # One directive per document and zone: enough zones for every pair.
        offset = self.made
        zones = Zone.objects.bulk_create(
            Zone(
                slug=f"directed-zone-{n}",
                name_en=f"Directed zone {n}",
                program=self.zones[0].program,
                province=self.provinces[0],
            )
            for n in self.numbers(count // len(self.documents) + 1)
        )
        Directive.objects.bulk_create(
            Directive(
                document=self.pick(self.documents, n),
                zone=zones[n // len(self.documents)],
                position=offset + n + 1,
                text_en=f"Directive {n}",
            )
            for n in range(count)
        )

    def principle(self, count):
        Principle.objects.bulk_create(
            Principle(document=self.pick(self.documents, n), position=n + 1, text_en=f"Rule {n}")
            for n in self.numbers(count)
        )

    def relation(self, count):
        kinds = ["implements", "amends", "cites"]
        pairs = len(self.documents) * len(kinds)
        targets = PolicyDocument.objects.bulk_create(
            PolicyDocument(slug=f"cited-{n}", title_en=f"Cited notice {n}")
            for n in self.numbers(count // pairs + 1)
        )
        DocumentRelation.objects.bulk_create(
            DocumentRelation(
                from_document=self.pick(self.documents, n),
                kind=kinds[(n // len(self.documents)) % len(kinds)],
                to_document=targets[n // pairs],
            )
            for n in range(count)
        )

    def attachment(self, count):
        for n in self.numbers(count):
            Attachment.objects.create(
                document=self.pick(self.documents, n),
                title_en=f"Original {n}",
                file=ContentFile(PDF, name=f"original-{n}.pdf"),
            )


CHANGELISTS = {
    "source": "/admin/core/source/",
    "region": "/admin/zones/region/",
    "province": "/admin/zones/province/",
    "authority": "/admin/zones/authority/",
    "focus_area": "/admin/zones/focusarea/",
    "program": "/admin/zones/program/",
    "batch": "/admin/zones/batch/",
    "zone": "/admin/zones/zone/",
    "document": "/admin/policies/policydocument/",
    "directive": "/admin/policies/directive/",
    "principle": "/admin/policies/principle/",
    "relation": "/admin/policies/documentrelation/",
    "attachment": "/admin/policies/attachment/",
}
# Session, user, permissions, counts, the page of rows, each list filter's choices: 7 to 13;
# for a publishable record also the scheduled changes due and its content type: 2 more.
MAX_QUERIES = 16


@pytest.mark.parametrize("name", list(CHANGELISTS))
def test_a_changelist_costs_the_same_queries_for_10_and_200_rows(
    name, django_assert_max_num_queries
):
    client = people.client_for(people.publisher())
    make = getattr(Rows(), name)
    url = CHANGELISTS[name]

    make(10)
    with django_assert_max_num_queries(MAX_QUERIES):
        small = client.get(url)
    make(190)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = client.get(url)

    assert small.status_code == large.status_code == 200
    assert large.context["cl"].result_count - small.context["cl"].result_count == 190


@pytest.mark.parametrize("name", ["zone", "document"])
def test_a_filtered_and_searched_changelist_stays_within_the_cap(
    name, django_assert_max_num_queries
):
    client = people.client_for(people.editor())
    make = getattr(Rows(), name)
    make(30)

    with django_assert_max_num_queries(MAX_QUERIES + 2):
        page = client.get(CHANGELISTS[name], {"q": "1", "publication": "review", "o": "-1"})

    assert page.status_code == 200


def test_show_counts_count_each_document_once_per_option_with_the_other_filters_applied():
    province, _other_province = ProvinceFactory(), ProvinceFactory()
    ministry, council = AuthorityFactory(), AuthorityFactory()
    both_zones = [ZoneFactory(province=province) for _ in range(2)]
    PolicyDocumentFactory(authorities=[ministry, council], zones=both_zones)
    PolicyDocumentFactory(authorities=[ministry], doc_type="letter")
    PolicyDocumentFactory(
        authorities=[ministry], status=Status.DRAFT, issued_on=datetime.date(2019, 5, 1)
    )
    client = people.client_for(people.publisher())

    page = client.get(CHANGELISTS["document"], {"_facets": "True", "doc_type__exact": "notice"})

    changelist = page.context["cl"]
    shown = {
        choice["display"] for spec in changelist.filter_specs for choice in spec.choices(changelist)
    }
    # A document in two zones of one province counts once for that province.
    assert f"{province} (1)" in shown
    assert {f"{ministry} (2)", f"{council} (1)"} <= shown
    # A filter's own choice is left out of its counts: the letter counts, the notices too.
    assert {"Notice (2)", "Letter or reply (1)"} <= shown
    assert {"2021 (1)", "2019 (1)", "Draft (1)", "Published and live (1)"} <= shown
