"""Issuing a person's API token: one token each, however many requests ask at once."""

import threading

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from newsroom.tokens import token_issue
from tests import people


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_issue_leaves_one_working_token_and_no_error():
    editor = people.editor("double-clicker")
    failures, barrier = [], threading.Barrier(4)

    def click():
        try:
            barrier.wait()
            for _ in range(5):
                token_issue(user=editor)
        except Exception as error:  # any failure is what this test looks for
            failures.append(type(error).__name__)
        finally:
            connection.close()

    clicks = [threading.Thread(target=click) for _ in range(4)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()

    assert failures == []
    assert Token.objects.filter(user=editor).count() == 1
