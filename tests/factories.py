"""Factories for the register's records. Defaults make a public record; pass status to change."""

import datetime
from decimal import Decimal

import factory

from core.models import Source, Status
from policies.models import Directive, DocumentType, PolicyDocument, Principle
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    slug = factory.Sequence(lambda n: f"region-{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    name_zh_hans = factory.Sequence(lambda n: f"区域{n}")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province

    slug = factory.Sequence(lambda n: f"province-{n}")
    name_en = factory.Sequence(lambda n: f"Province {n}")
    name_zh_hans = factory.Sequence(lambda n: f"省份{n}")
    region = factory.SubFactory(RegionFactory)


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    slug = factory.Sequence(lambda n: f"authority-{n}")
    name_en = factory.Sequence(lambda n: f"Ministry {n}")
    name_zh_hans = factory.Sequence(lambda n: f"部门{n}")
    level = Authority.Level.CENTRAL


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    slug = factory.Sequence(lambda n: f"focus-{n}")
    name_en = factory.Sequence(lambda n: f"Focus area {n}")
    name_zh_hans = factory.Sequence(lambda n: f"领域{n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    slug = factory.Sequence(lambda n: f"program-{n}")
    name_en = factory.Sequence(lambda n: f"Pilot program {n}")
    name_zh_hans = factory.Sequence(lambda n: f"试点计划{n}")
    authority = factory.SubFactory(AuthorityFactory)
    status = Status.PUBLISHED


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    announced_on = datetime.date(2021, 2, 19)
    status = Status.PUBLISHED


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"zone-{n}")
    program = factory.SubFactory(ProgramFactory)
    name_en = factory.Sequence(lambda n: f"Zone {n}")
    name_zh_hans = factory.Sequence(lambda n: f"先导区{n}")
    province = factory.SubFactory(ProvinceFactory)
    city_en = "City"
    approved_on = datetime.date(2021, 2, 19)
    latitude = Decimal("30.00000")
    longitude = Decimal("110.00000")
    summary_en = "A zone for tests."
    status = Status.PUBLISHED

    @factory.post_generation
    def focus_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.focus_areas.set(extracted)


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyDocument
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"document-{n}")
    title_en = factory.Sequence(lambda n: f"Notice number {n}")
    title_zh_hans = factory.Sequence(lambda n: f"通知{n}")
    doc_type = DocumentType.NOTICE
    issued_on = datetime.date(2021, 2, 19)
    summary_en = "A document for tests."
    status = Status.PUBLISHED

    @factory.post_generation
    def authorities(self, create, extracted, **kwargs):
        if create:
            self.authorities.set(extracted or [AuthorityFactory()])

    @factory.post_generation
    def zones(self, create, extracted, **kwargs):
        if create and extracted:
            self.zones.set(extracted)

    @factory.post_generation
    def focus_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.focus_areas.set(extracted)


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle

    document = factory.SubFactory(PolicyDocumentFactory)
    position = factory.Sequence(lambda n: n + 1)
    text_en = "Be led by applications."


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive
        skip_postgeneration_save = True

    document = factory.SubFactory(PolicyDocumentFactory)
    zone = factory.SubFactory(ZoneFactory)
    position = factory.Sequence(lambda n: n + 1)
    text_en = "Build intelligent ports."
