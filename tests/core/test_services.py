import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied

from core.models import Status
from core.services import (
    StaleVersionError,
    record_publish,
    record_save,
    record_submit,
    record_withdraw,
)
from policies.models import PolicyDocument
from tests.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db


def user_with(*codenames):
    user = User.objects.create_user(username="-".join(codenames) or "nobody", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def test_a_save_based_on_an_old_version_is_refused_and_changes_nothing():
    document = PolicyDocumentFactory(summary_en="First")
    mine = PolicyDocument.objects.get(pk=document.pk)
    theirs = PolicyDocument.objects.get(pk=document.pk)
    theirs.summary_en = "Theirs"
    record_save(record=theirs, expected_version=1)

    mine.summary_en = "Mine"
    with pytest.raises(StaleVersionError) as refused:
        record_save(record=mine, expected_version=1)

    assert refused.value.current.summary_en == "Theirs"
    assert PolicyDocument.objects.get(pk=document.pk).summary_en == "Theirs"


def test_an_editor_submits_but_cannot_publish():
    editor = user_with("change_policydocument")
    document = PolicyDocumentFactory(status=Status.DRAFT)

    record_submit(record=document, user=editor)
    assert document.status == Status.REVIEW
    with pytest.raises(PermissionDenied):
        record_publish(record=document, user=editor)
    with pytest.raises(PermissionDenied):
        record_withdraw(record=document, user=editor)


def test_a_publisher_publishes_and_withdraws():
    publisher = user_with("change_policydocument", "publish_policydocument")
    document = PolicyDocumentFactory(status=Status.REVIEW)

    record_publish(record=document, user=publisher)
    assert PolicyDocument.objects.published().filter(pk=document.pk).exists()
    record_withdraw(record=document, user=publisher)
    assert not PolicyDocument.objects.published().filter(pk=document.pk).exists()


def test_staff_who_may_view_see_drafts_and_the_public_does_not():
    PolicyDocumentFactory(slug="draft", status=Status.DRAFT)
    viewer = user_with("view_policydocument")
    outsider = user_with()

    assert PolicyDocument.objects.visible_to(viewer).filter(slug="draft").exists()
    assert not PolicyDocument.objects.visible_to(outsider).filter(slug="draft").exists()
