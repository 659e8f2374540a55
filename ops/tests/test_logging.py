"""The console says what is wrong and nothing else: an expected refusal (403) is one line without
a traceback, a crash (500) keeps its traceback, and what a worker's task prints (the console
e-mail backend prints every mail) is logged at INFO, not as a warning."""

import logging

import pytest
from celery.utils.log import LoggingProxy, get_logger
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend
from django.urls import path

from kob_social.celery import app as celery_app
from kob_social.errors import NotAllowed


def refuse(request):
    try:
        raise NotAllowed("Only the author can submit it.")
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc


def crash(request):
    raise RuntimeError("a real error")


urlpatterns = [path("refuse/", refuse), path("crash/", crash)]

pytestmark = [pytest.mark.urls("ops.tests.test_logging"), pytest.mark.django_db]


def request_records(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def test_permission_refusal_logs_one_line_without_traceback(client, caplog):
    caplog.set_level(logging.INFO)

    response = client.get("/refuse/")

    assert response.status_code == 403
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in request_records(caplog)] == [
        ("WARNING", "Forbidden (Permission denied): /refuse/", None)
    ]


def test_server_error_keeps_its_traceback(client, caplog):
    caplog.set_level(logging.INFO)
    client.raise_request_exception = False

    response = client.get("/crash/")

    records = request_records(caplog)
    assert response.status_code == 500
    assert [(r.levelname, r.exc_info[0]) for r in records] == [("ERROR", RuntimeError)]


def test_worker_logs_a_printed_mail_at_info(caplog):
    # The stream a worker puts in place of stdout, at the level the settings give it.
    caplog.set_level(logging.DEBUG)
    stdout = LoggingProxy(get_logger("celery.redirected"), celery_app.conf.worker_redirect_stdouts_level)

    EmailBackend(stream=stdout).send_messages([EmailMessage("Ämne", "Text", "a@example.org", ["b@example.org"])])

    levels = {record.levelname for record in caplog.records if record.name == "celery.redirected"}
    assert levels == {"INFO"}
