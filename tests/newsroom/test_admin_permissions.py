"""Who may do what in the newsroom: every role against every action, through the admin as a
person would use it, judged by what ended up in the database."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import ChangeStatus, Comment, Status, WorkingCopy
from core.services import working_copy_save
from policies.models import PolicyDocument
from tests import people
from tests.factories import AuthorityFactory, PolicyDocumentFactory, ProgramFactory, ZoneFactory
from zones.models import Province, Zone

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": lambda: None,
    "staff without permissions": people.staff_without_permissions,
    "viewer": lambda: people.make_user("viewer", codenames=["view_zone", "view_policydocument"]),
    "editor": people.editor,
    "publisher": people.publisher,
    "superuser": people.superuser,
}
ACTIONS = [
    "add",
    "change",
    "submit",
    "publish",
    "schedule",
    "withdraw",
    "delete",
    "import",
    "revert",
    "change live",
    "submit change",
    "request changes",
    "schedule change",
    "discard change",
    "comment",
]
# An editor may discard a change of their own; here the change is another editor's.
EDITOR_MAY = {
    "add",
    "change",
    "submit",
    "import",
    "revert",
    "change live",
    "submit change",
    "comment",
}
EXPECTED = {
    "anonymous": set(),
    "staff without permissions": set(),
    "viewer": set(),
    "editor": EDITOR_MAY,
    "publisher": set(ACTIONS),
    "superuser": set(ACTIONS),
}
MODELS = {
    "zone": (Zone, "/admin/zones/zone/"),
    "document": (PolicyDocument, "/admin/policies/policydocument/"),
}


def record_of(kind, status):
    if kind == "zone":
        return ZoneFactory(slug="matrix-zone", status=status, summary_en="First words")
    return PolicyDocumentFactory(slug="matrix-document", status=status, summary_en="First words")


def form_data(kind, record):
    """The change form as a superuser sees it, posted back."""
    _model, url = MODELS[kind]
    response = people.client_for(people.superuser("form-reader")).get(f"{url}{record.pk}/change/")
    return people.changeform_data(response)


def try_add(kind, client):
    model, url = MODELS[kind]
    if kind == "zone":
        template = ZoneFactory(slug="template-zone")
        data = {
            "name_en": "Added zone",
            "slug": "added-record",
            "program": template.program_id,
            "province": template.province_id,
            "approved": "2021-02",
        }
    else:
        data = {
            "title_en": "Added document",
            "slug": "added-record",
            "doc_type": "notice",
            "validity": "in_force",
            "authorities": [AuthorityFactory().pk],
            "issued": "2021-02-19",
        }
        for prefix in ("principles", "directives", "relations_out", "attachments"):
            data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    client.post(f"{url}add/", data)
    return model.objects.filter(slug="added-record").exists()


def try_change(kind, client):
    model, url = MODELS[kind]
    record = record_of(kind, Status.DRAFT)
    data = form_data(kind, record) | {"summary_en": "Changed words"}
    client.post(f"{url}{record.pk}/change/", data)
    return model.objects.get(pk=record.pk).summary_en == "Changed words"


def try_transition(kind, client, transition, start_status, data=None):
    model, url = MODELS[kind]
    record = record_of(kind, start_status)
    client.post(
        f"{url}{record.pk}/workflow/{transition}/",
        {"expected_version": record.version} | (data or {}),
    )
    return model.objects.get(pk=record.pk)


def try_submit(kind, client):
    return try_transition(kind, client, "submit", Status.DRAFT).status == Status.REVIEW


def try_publish(kind, client):
    record = try_transition(kind, client, "publish", Status.REVIEW)
    return record.status == Status.PUBLISHED and record.go_live_at is None


def try_schedule(kind, client):
    moment = timezone.now() + datetime.timedelta(days=2)
    local = timezone.localtime(moment).replace(tzinfo=None, microsecond=0)
    record = try_transition(
        kind, client, "schedule", Status.REVIEW, {"go_live_at": local.isoformat()}
    )
    return record.status == Status.PUBLISHED and record.go_live_at is not None


def try_withdraw(kind, client):
    return try_transition(kind, client, "withdraw", Status.PUBLISHED).status == Status.WITHDRAWN


def try_delete(kind, client):
    model, url = MODELS[kind]
    record = record_of(kind, Status.DRAFT)
    client.post(f"{url}{record.pk}/delete/", {"post": "yes"})
    return not model.objects.filter(pk=record.pk).exists()


def try_import(kind, client):
    model, url = MODELS[kind]
    if kind == "zone":
        ProgramFactory(slug="imported-program")
        Province.objects.create(slug="imported-province", name_en="Imported province")
        content = (
            "slug,name_en,program,province,approved_on,status\n"
            "imported-record,Imported zone,imported-program,imported-province,2021-02,draft\n"
        )
    else:
        AuthorityFactory(slug="imported-authority")
        content = (
            "slug,title_en,doc_type,validity,authorities,issued_on,status\n"
            "imported-record,Imported notice,notice,in_force,imported-authority,2021-02,draft\n"
        )
    people.admin_import(client, url, content.encode(), "rows.csv", 0)
    return model.objects.filter(slug="imported-record").exists()


def try_revert(kind, client):
    model, url = MODELS[kind]
    record = record_of(kind, Status.DRAFT)
    record.summary_en = "Second words"
    record.save()
    client.post(f"{url}{record.pk}/history/1/revert/", {"expected_version": record.version})
    return model.objects.get(pk=record.pk).summary_en == "First words"


def working_copy_of(kind, status):
    """A published record with a change by another editor, waiting in ``status``."""
    record = record_of(kind, Status.PUBLISHED)
    author = people.editor("change-author")
    record.summary_en = "Next words"
    working_copy_save(record=record, user=author, expected_version=None)
    WorkingCopy.objects.update(status=status)
    return record


def try_working_copy_step(kind, client, transition, status, data=None):
    _model, url = MODELS[kind]
    record = working_copy_of(kind, status)
    client.post(
        f"{url}{record.pk}/workflow/{transition}/",
        {"expected_version": record.version} | (data or {}),
    )
    return WorkingCopy.objects.first()


def try_change_live(kind, client):
    model, url = MODELS[kind]
    record = record_of(kind, Status.PUBLISHED)
    data = form_data(kind, record) | {"summary_en": "Changed words"}
    client.post(f"{url}{record.pk}/change/", data)
    live = model.objects.get(pk=record.pk)
    working_copy = WorkingCopy.objects.first()
    changed = working_copy is not None or live.summary_en == "Changed words"
    # Whoever may change it, the public never loses the record.
    assert model.objects.published().filter(pk=record.pk).exists()
    return changed


def try_submit_change(kind, client):
    working_copy = try_working_copy_step(kind, client, "submit", ChangeStatus.DRAFT)
    return working_copy.status == ChangeStatus.REVIEW


def try_request_changes(kind, client):
    working_copy = try_working_copy_step(
        kind, client, "request_changes", ChangeStatus.REVIEW, {"reason": "Cite the source."}
    )
    return working_copy.status == ChangeStatus.CHANGES_REQUESTED


def try_schedule_change(kind, client):
    moment = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    working_copy = try_working_copy_step(
        kind,
        client,
        "schedule",
        ChangeStatus.REVIEW,
        {"go_live_at": moment.replace(tzinfo=None, microsecond=0).isoformat()},
    )
    return working_copy.status == ChangeStatus.SCHEDULED


def try_discard_change(kind, client):
    return try_working_copy_step(kind, client, "discard", ChangeStatus.REVIEW) is None


def try_comment(kind, client):
    record = record_of(kind, Status.REVIEW)
    content_type = ContentType.objects.get_for_model(type(record))
    client.post(f"/admin/comments/{content_type.pk}/{record.pk}/", {"text": "Looks right."})
    return Comment.objects.for_record(record).exists()


TRIES = {
    "change live": try_change_live,
    "submit change": try_submit_change,
    "request changes": try_request_changes,
    "schedule change": try_schedule_change,
    "discard change": try_discard_change,
    "add": try_add,
    "change": try_change,
    "submit": try_submit,
    "publish": try_publish,
    "schedule": try_schedule,
    "withdraw": try_withdraw,
    "delete": try_delete,
    "import": try_import,
    "revert": try_revert,
    "comment": try_comment,
}


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_may_do_exactly_what_its_role_allows(role, action, kind):
    user = ROLES[role]()
    client = people.client_for(user)

    succeeded = TRIES[action](kind, client)

    assert succeeded == (action in EXPECTED[role]), (
        f"{role} {'could' if succeeded else 'could not'} {action} a {kind}"
    )


# Whoever may use the admin manages their own API token there; nobody else reaches the page.
TOKEN_ROLES = {
    **ROLES,
    "editor who is not staff": lambda: people.editor("outsider", staff=False),
}
MAY_HAVE_A_TOKEN = {"staff without permissions", "viewer", "editor", "publisher", "superuser"}


@pytest.mark.parametrize("role", list(TOKEN_ROLES))
def test_only_members_of_the_newsroom_reach_their_api_token_page(role):
    from rest_framework.authtoken.models import Token

    user = TOKEN_ROLES[role]()
    client = people.client_for(user)

    page = client.get("/admin/my-api-token/")
    client.post("/admin/my-api-token/", {"action": "issue"})

    reached = page.status_code == 200
    issued = user is not None and Token.objects.filter(user=user).exists()
    assert (reached, issued) == ((role in MAY_HAVE_A_TOKEN),) * 2, role
    if not reached:
        assert page.status_code == 302
        assert page["Location"].startswith("/admin/login/")
