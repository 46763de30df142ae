import json

import pytest
from django.core.management import call_command

from core.models import Source, Status
from policies.demo import DEMO_DATA, demo_load
from policies.models import Directive, PolicyDocument, Principle
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone

pytestmark = pytest.mark.django_db

NOTICE = "miit-second-batch-notice-2021"


def test_demo_has_the_documented_counts(demo):
    assert Program.objects.count() == 2
    assert Batch.objects.count() == 3
    assert Zone.objects.count() == 26
    assert Zone.objects.published().count() == 23
    assert PolicyDocument.objects.count() == 7
    assert PolicyDocument.objects.published().count() == 7
    assert FocusArea.objects.count() == 25
    assert Authority.objects.count() == 3
    assert Province.objects.count() == 13
    assert Region.objects.count() == 4
    assert Source.objects.count() == 13


def test_unverified_zones_load_as_drafts(demo):
    drafts = Zone.objects.filter(status=Status.DRAFT).values_list("slug", flat=True)

    assert sorted(drafts) == ["miit-changsha", "miit-nanjing", "miit-wuhan"]
    assert not Zone.objects.published().filter(slug__in=drafts).exists()


def test_the_notice_has_five_directives_in_order_and_four_principles(demo):
    notice = PolicyDocument.objects.get(slug=NOTICE)
    zones = list(notice.directives.order_by("position").values_list("zone__slug", flat=True))

    assert zones == [
        "miit-beijing",
        "miit-tianjin-binhai",
        "miit-hangzhou",
        "miit-guangzhou",
        "miit-chengdu",
    ]
    assert notice.principles.count() == 4
    assert notice.principles.get(position=1).text_en.startswith("Application-led")
    beijing = notice.directives.get(zone__slug="miit-beijing")
    assert "sci-tech-winter-olympics" in beijing.focus_areas.values_list("slug", flat=True)


def test_dates_keep_the_precision_of_their_sources(demo):
    assert str(Zone.objects.get(slug="most-beijing").approved) == "2019"
    guideline = PolicyDocument.objects.get(slug="most-pilot-zone-guideline-2019")
    assert str(guideline.issued) == "August 2019"
    assert guideline.superseded_by.slug == "most-pilot-zone-guideline-2020"


def test_every_published_record_has_chinese_text(demo):
    for zone in Zone.objects.published():
        assert zone.name_zh_hans, zone.slug
        assert zone.summary_zh_hans, zone.slug
    for document in PolicyDocument.objects.published():
        assert document.title_zh_hans, document.slug
        assert document.summary_zh_hans, document.slug
    for directive in Directive.objects.published():
        assert directive.text_zh_hans, directive
    for principle in Principle.objects.published():
        assert principle.text_zh_hans, principle
    for program in Program.objects.published():
        assert program.name_zh_hans, program.slug
        assert program.summary_zh_hans, program.slug
    for batch in Batch.objects.published():
        assert batch.note_zh_hans, batch
    for area in FocusArea.objects.all():
        assert area.name_zh_hans, area.slug


def test_every_public_zone_and_document_names_a_source(demo):
    for zone in Zone.objects.published():
        assert zone.sources.exists(), zone.slug
    for document in PolicyDocument.objects.published():
        assert document.sources.exists(), document.slug


def test_loading_twice_changes_nothing(demo):
    before = {
        zone.slug: (zone.version, zone.updated_at, zone.history.count())
        for zone in Zone.objects.all()
    }

    report = demo_load()

    after = {
        zone.slug: (zone.version, zone.updated_at, zone.history.count())
        for zone in Zone.objects.all()
    }
    assert after == before
    assert not report.created
    assert not report.updated
    assert not report.kept


def test_an_editors_change_is_never_overwritten_and_is_reported(demo):
    zone = Zone.objects.get(slug="miit-beijing")
    zone.summary_en = "Corrected by an editor."
    zone.save()

    report = demo_load()

    zone.refresh_from_db()
    assert zone.summary_en == "Corrected by an editor."
    assert report.kept == ["zone miit-beijing"]


def test_a_corrected_data_file_updates_records_nobody_edited(demo, tmp_path):
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    for zone in data["zones"]:
        if zone["slug"] == "miit-hangzhou":
            zone["summary_en"] = "A corrected summary."
    corrected = tmp_path / "corrected.json"
    corrected.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    report = demo_load(path=corrected)

    assert Zone.objects.get(slug="miit-hangzhou").summary_en == "A corrected summary."
    assert report.updated["zones"] == 1


def test_the_command_says_what_it_did(db, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out

    assert "26 created, 3 of them drafts" in first
    assert "Nothing to do" in second
