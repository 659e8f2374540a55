"""The password-reset limit (issue 11, finding 4): anyone could send 15 reset mails to one person
in a few seconds. Now at most PER_ACCOUNT mails per account and PER_ADDRESS requests per client
address in an hour; over the limit nothing is sent and the answer is the one of a sent mail."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.domain.password_reset import PER_ACCOUNT, admit_password_reset
from accounts.enums import Role
from accounts.models import PasswordResetRequest
from kob_social.testing.race import race

from .factories import make_user

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.20"
PROXY = "172.18.0.2"
CSRF_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


def request_reset(client, email, remote_addr=ADDRESS, **headers):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=remote_addr, follow=True, **headers)


def answer(response) -> tuple:
    """What the asker sees: status, redirects, templates and the page's text (with the CSRF
    tokens, new on every page, blanked)."""
    return (
        response.status_code,
        response.redirect_chain,
        [template.name for template in response.templates],
        CSRF_TOKEN.sub("TOKEN", response.text),
    )


def test_password_reset_fourth_request_for_an_account_within_the_hour_sends_no_mail_and_looks_the_same(client, caplog):
    make_user(Role.MEDARBETARE, username="maja", email="maja@example.se")

    # From four addresses, so that only the account's limit applies.
    answers = [answer(request_reset(client, "maja@example.se", remote_addr=f"203.0.113.{n}")) for n in range(4)]

    assert len(mail.outbox) == 3
    assert [message.to for message in mail.outbox] == [["maja@example.se"]] * 3
    assert answers[3] == answers[0]
    assert answers[0][:2] == (200, [(reverse("password_reset_done"), 302)])
    assert "Kontrollera din e-post" in answers[3][3]
    assert [record.levelname for record in caplog.records if "maja" in record.getMessage()] == ["WARNING"]


def test_password_reset_mails_the_account_again_after_the_hour(client):
    make_user(Role.MEDARBETARE, username="maja", email="maja@example.se")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(3):
            request_reset(client, "maja@example.se", remote_addr=f"203.0.113.{n}")

    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        request_reset(client, "maja@example.se")
        within_the_hour = len(mail.outbox)
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        request_reset(client, "maja@example.se")
        after_the_hour = len(mail.outbox)

    assert (within_the_hour, after_the_hour) == (3, 4)


def test_password_reset_per_address_limit_spans_accounts(client, caplog):
    people = [make_user(Role.MEDARBETARE, email=f"person{n}@example.se") for n in range(11)]

    answers = [answer(request_reset(client, person.email)) for person in people]
    from_another_address = request_reset(client, people[10].email, remote_addr=OTHER_ADDRESS)

    assert [message.to for message in mail.outbox] == [[person.email] for person in people]
    assert answers[10] == answers[0]
    assert from_another_address.status_code == 200
    assert [record.levelname for record in caplog.records if ADDRESS in record.getMessage()] == ["WARNING"]


def test_password_reset_for_an_unknown_address_answers_the_same(client):
    make_user(Role.MEDARBETARE, username="maja", email="maja@example.se")

    known = answer(request_reset(client, "maja@example.se"))
    unknown = answer(request_reset(client, "nobody@example.se"))

    assert unknown == known
    assert len(mail.outbox) == 1


def test_password_reset_unknown_addresses_count_against_the_address(client):
    make_user(Role.MEDARBETARE, username="maja", email="maja@example.se")

    unknown = [answer(request_reset(client, f"nobody{n}@example.se")) for n in range(10)]
    known_over_the_limit = answer(request_reset(client, "maja@example.se"))

    assert mail.outbox == []
    assert known_over_the_limit == unknown[0]


def test_password_reset_requests_keep_no_email_address(client):
    maja = make_user(Role.MEDARBETARE, username="maja", email="maja@example.se")

    request_reset(client, "maja@example.se")
    request_reset(client, "nobody@example.se")

    rows = list(PasswordResetRequest.objects.order_by("pk").values())
    assert [(row["mailed_to_id"], row["client_address"]) for row in rows] == [(maja.pk, ADDRESS), (None, ADDRESS)]
    assert [value for row in rows for value in row.values() if "@" in str(value)] == []


def test_password_reset_requests_older_than_a_day_are_pruned(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        request_reset(client, "nobody@example.se")
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        request_reset(client, "nobody@example.se")

    with time_machine.travel(start + timedelta(hours=24, seconds=1), tick=False):
        request_reset(client, "nobody@example.se")

    assert PasswordResetRequest.objects.count() == 2


def test_password_reset_limit_counts_the_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(Role.MEDARBETARE, username="maja", email="maja@example.se")
    for n in range(10):
        request_reset(client, f"nobody{n}@example.se", remote_addr=PROXY, HTTP_X_FORWARDED_FOR=ADDRESS)

    # The client that used up its requests, with a made-up hop in front of its address.
    limited = request_reset(
        client, "maja@example.se", remote_addr=PROXY, HTTP_X_FORWARDED_FOR=f"{OTHER_ADDRESS}, {ADDRESS}"
    )
    another_client = request_reset(client, "maja@example.se", remote_addr=PROXY, HTTP_X_FORWARDED_FOR=OTHER_ADDRESS)

    assert (limited.status_code, another_client.status_code) == (200, 200)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_password_reset_two_simultaneous_requests_for_the_last_mail_one_is_admitted():
    """Count and insert cannot interleave: of two requests for the account's last mail of the
    hour, one is admitted, on SQLite (IMMEDIATE transactions) and PostgreSQL (table lock)."""
    maja = make_user(Role.MEDARBETARE, username="maja", email="maja@example.se")
    admitted = []
    for trial in range(10):
        PasswordResetRequest.objects.all().delete()
        for n in range(PER_ACCOUNT - 1):
            admit_password_reset(maja, f"203.0.113.{n}")

        outcomes = race(
            lambda trial=trial: admit_password_reset(maja, f"198.51.100.{trial}"),
            lambda trial=trial: admit_password_reset(maja, f"192.0.2.{trial}"),
        )
        admitted.append(sorted(outcomes))

    assert admitted == [[False, True]] * 10
