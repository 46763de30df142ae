"""The workflow in the admin: buttons on the change form, bulk actions, confirmations, times in
the site's zone, and the index that shows what waits and what is scheduled."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.models import Status
from core.services import record_save
from policies.models import PolicyDocument
from tests import people
from tests.factories import PolicyDocumentFactory, ZoneFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_change_form_offers_each_role_only_its_steps():
    draft = PolicyDocumentFactory(status=Status.DRAFT)
    url = f"/admin/policies/policydocument/{draft.pk}/change/"

    as_editor = people.client_for(people.editor()).get(url).text
    as_publisher = people.client_for(people.publisher()).get(url).text

    assert "workflow/submit/" in as_editor
    assert "workflow/publish/" not in as_editor
    assert "workflow/schedule/" not in as_editor
    assert "workflow/submit/" in as_publisher
    assert "workflow/publish/" in as_publisher
    assert "workflow/schedule/" in as_publisher
    assert "workflow/withdraw/" not in as_publisher  # a draft is not public


def test_a_step_asks_for_confirmation_before_it_changes_anything():
    draft = PolicyDocumentFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    page = client.get(f"/admin/policies/policydocument/{draft.pk}/workflow/submit/")

    assert page.status_code == 200
    assert "Hand this to the publishers for review?" in page.text
    assert PolicyDocument.objects.get(pk=draft.pk).status == Status.DRAFT

    done = client.post(
        f"/admin/policies/policydocument/{draft.pk}/workflow/submit/",
        {"expected_version": draft.version},
        follow=True,
    )
    assert PolicyDocument.objects.get(pk=draft.pk).status == Status.REVIEW
    assert "Submitted for review" in done.text


def test_scheduling_reads_and_shows_times_in_shanghai_with_the_zone_named():
    zone = ZoneFactory(status=Status.REVIEW)
    client = people.client_for(people.publisher())
    url = f"/admin/zones/zone/{zone.pk}/workflow/schedule/"

    form = client.get(url)
    assert "Asia/Shanghai" in form.text
    assert "CST" in form.text

    tomorrow = (timezone.now() + datetime.timedelta(days=1)).astimezone(SHANGHAI)
    typed = tomorrow.replace(hour=9, minute=30, second=0, microsecond=0)
    done = client.post(
        url,
        {"expected_version": zone.version, "go_live_at": typed.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )

    zone.refresh_from_db()
    assert zone.status == Status.PUBLISHED
    assert zone.go_live_at == typed  # 09:30 in Shanghai, 01:30 UTC
    assert zone.go_live_at.astimezone(datetime.UTC).hour == 1
    assert f"{typed:%Y-%m-%d} 09:30:00 CST (Asia/Shanghai)" in done.text
    assert not Zone.objects.published().filter(pk=zone.pk).exists()


def test_a_time_in_the_past_is_refused_with_a_message():
    zone = ZoneFactory(status=Status.REVIEW)
    client = people.client_for(people.publisher())

    page = client.post(
        f"/admin/zones/zone/{zone.pk}/workflow/schedule/",
        {"expected_version": zone.version, "go_live_at": "2020-01-01T09:00"},
    )

    assert page.status_code == 200
    assert "has passed" in page.text
    assert Zone.objects.get(pk=zone.pk).status == Status.REVIEW


def test_a_step_based_on_an_old_version_changes_nothing():
    zone = ZoneFactory(status=Status.REVIEW)
    zone.summary_en = "Changed meanwhile"
    zone.save()
    client = people.client_for(people.publisher())

    page = client.post(
        f"/admin/zones/zone/{zone.pk}/workflow/publish/", {"expected_version": 1}, follow=True
    )

    assert Zone.objects.get(pk=zone.pk).status == Status.REVIEW
    assert "Someone else saved this record" in page.text


def test_bulk_publish_confirms_then_publishes_every_selected_record():
    drafts = [ZoneFactory(status=Status.REVIEW) for _ in range(3)]
    client = people.client_for(people.publisher())
    selection = {"action": "publish_selected", "_selected_action": [z.pk for z in drafts]}

    confirmation = client.post("/admin/zones/zone/", selection)
    assert confirmation.status_code == 200
    assert "Publish now?" in confirmation.text
    assert Zone.objects.published().count() == 0

    done = client.post("/admin/zones/zone/", selection | {"confirm": "yes"}, follow=True)
    assert Zone.objects.published().count() == 3
    assert "Published: 3 zones." in done.text


def test_bulk_schedule_asks_for_a_time_and_skips_what_it_cannot_do():
    review = ZoneFactory(status=Status.REVIEW)
    draft = ZoneFactory(status=Status.DRAFT)
    client = people.client_for(people.publisher())
    moment = (timezone.now() + datetime.timedelta(hours=3)).astimezone(SHANGHAI)

    client.post(
        "/admin/zones/zone/",
        {
            "action": "schedule_selected",
            "_selected_action": [review.pk, draft.pk],
            "confirm": "yes",
            "go_live_at": moment.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )

    assert set(Zone.objects.scheduled().values_list("pk", flat=True)) == {review.pk, draft.pk}


def test_bulk_withdraw_leaves_records_that_are_not_public_with_a_reason():
    public = ZoneFactory(status=Status.PUBLISHED)
    draft = ZoneFactory(status=Status.DRAFT, name_en="Still a draft")
    client = people.client_for(people.publisher())

    done = client.post(
        "/admin/zones/zone/",
        {
            "action": "withdraw_selected",
            "_selected_action": [public.pk, draft.pk],
            "confirm": "yes",
        },
        follow=True,
    )

    assert Zone.objects.get(pk=public.pk).status == Status.WITHDRAWN
    assert Zone.objects.get(pk=draft.pk).status == Status.DRAFT
    assert "Still a draft: Only a published or scheduled record can be withdrawn." in done.text


def test_editors_are_not_offered_publishing_actions():
    ZoneFactory()
    page = people.client_for(people.editor()).get("/admin/zones/zone/")

    actions = [choice[0] for choice in page.context["action_form"].fields["action"].choices]
    assert "submit_selected" in actions
    assert "publish_selected" not in actions
    assert "withdraw_selected" not in actions
    assert "delete_selected" not in actions


def test_an_editors_change_to_a_public_record_waits_while_the_record_stays_public():
    zone = ZoneFactory(status=Status.PUBLISHED, summary_en="The live words")
    client = people.client_for(people.editor())
    form = client.get(f"/admin/zones/zone/{zone.pk}/change/")
    assert "the public keeps seeing the live version" in form.text

    done = client.post(
        f"/admin/zones/zone/{zone.pk}/change/",
        people.changeform_data(form) | {"summary_en": "An editor's words"},
        follow=True,
    )

    zone.refresh_from_db()
    assert zone.summary_en == "The live words"
    assert zone.status == Status.PUBLISHED
    assert Zone.objects.published().filter(pk=zone.pk).exists()
    assert "keeps showing the live version" in done.text


def test_a_publishers_change_to_a_public_record_keeps_it_public():
    zone = ZoneFactory(status=Status.PUBLISHED)
    client = people.client_for(people.publisher())
    form = client.get(f"/admin/zones/zone/{zone.pk}/change/")

    client.post(
        f"/admin/zones/zone/{zone.pk}/change/",
        people.changeform_data(form) | {"summary_en": "A publisher's words"},
    )

    assert Zone.objects.published().get(pk=zone.pk).summary_en == "A publisher's words"


def test_the_index_shows_what_waits_for_review_and_what_is_scheduled():
    PolicyDocumentFactory(title_en="Waiting notice", status=Status.REVIEW)
    ZoneFactory(
        name_en="Tomorrow zone",
        status=Status.PUBLISHED,
        go_live_at=timezone.now() + datetime.timedelta(days=1),
    )
    ZoneFactory(
        name_en="Went live zone",
        status=Status.PUBLISHED,
        go_live_at=timezone.now() - datetime.timedelta(hours=2),
    )
    long_public = ZoneFactory(name_en="Long public zone", status=Status.PUBLISHED)
    record_save(record=long_public, expected_version=None, user=people.publisher())

    page = people.client_for(people.editor()).get("/admin/")
    board = page.context["newsroom"]

    assert [item.label for item in board["waiting"]] == ["Waiting notice"]
    assert [item.label for item in board["scheduled"]] == ["Tomorrow zone"]
    assert [item.label for item in board["went_live"]] == ["Went live zone"]
    assert "Scheduled for" in page.text
    assert "Asia/Shanghai" in page.text
    assert "Long public zone" in page.text  # among the recent changes


def test_the_index_query_count_does_not_grow_with_the_register(django_assert_max_num_queries):
    client = people.client_for(people.publisher())

    def load_index():
        with django_assert_max_num_queries(40):
            return client.get("/admin/")

    for _ in range(3):
        ZoneFactory(status=Status.REVIEW)
    small = load_index()
    for _ in range(30):
        ZoneFactory(status=Status.REVIEW)
        PolicyDocumentFactory(status=Status.PUBLISHED, go_live_at=timezone.now())
    large = load_index()

    assert small.status_code == large.status_code == 200


def test_an_editors_change_to_a_directive_on_its_own_page_goes_to_the_documents_working_copy():
    from tests.factories import DirectiveFactory

    directive = DirectiveFactory(text_en="Build a port.", document__status=Status.PUBLISHED)
    client = people.client_for(people.editor())
    url = f"/admin/policies/directive/{directive.pk}/change/"

    done = client.post(
        url,
        people.changeform_data(client.get(url)) | {"text_en": "Changed by an editor."},
        follow=True,
    )
    again = client.get(url)

    document = PolicyDocument.objects.get(pk=directive.document_id)
    # The document stays public with its live directive; the change waits as its next version.
    assert document.status == Status.PUBLISHED
    assert document.directives.get().text_en == "Build a port."
    assert "saved in the next version of" in done.text
    assert done.resolver_match.url_name == "policies_policydocument_change"
    assert done.context["adminform"].form.instance.__class__ is PolicyDocument
    assert "Changed by an editor." in done.text  # the document's form shows the working copy
    assert again.context["adminform"].form.initial["text_en"] == "Changed by an editor."


def test_a_part_deleted_or_added_on_its_own_page_changes_only_the_working_copy():
    from core.services import working_copy_of, working_copy_publish
    from tests.factories import DirectiveFactory, PrincipleFactory

    directive = DirectiveFactory(document__status=Status.PUBLISHED)
    document = directive.document
    principle = PrincipleFactory(document=document, text_en="Open data.", position=1)
    client = people.client_for(people.editor())
    publisher = people.publisher("lin")
    added = client.post(
        "/admin/policies/principle/add/",
        {"document": document.pk, "position": 2, "text_en": "Safety first.", "text_zh_hans": ""},
    )

    # Once the document has a working copy, a publisher's deletion goes there too.
    deleted = people.client_for(publisher).post(
        f"/admin/policies/directive/{directive.pk}/delete/", {"post": "yes"}
    )

    assert added.status_code == 302, added.context["adminform"].form.errors
    assert deleted.status_code == 302
    assert document.directives.count() == 1
    assert list(document.principles.values_list("text_en", flat=True)) == ["Open data."]
    working_copy_publish(record=document, user=people.publisher(), expected_version=None)
    assert working_copy_of(document) is None
    assert document.directives.count() == 0
    assert sorted(document.principles.values_list("text_en", flat=True)) == [
        "Open data.",
        "Safety first.",
    ]
    assert principle.pk in document.principles.values_list("pk", flat=True)
