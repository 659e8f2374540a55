"""The main pages are valid HTML: the Nu Html Checker (vnu-jar from npm, run offline on Java)
finds no error in them.

The pages are rendered with the test client (the demo roles of the `org` fixture, a plan in each
state, a channel, the people pages, the error pages), written to files, and checked in ONE run of
the checker (its start-up costs seconds). Django's own admin is left out: its templates are not ours.
"""

import datetime
import json
import re
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tests.factories import AbsenceFactory, TrainingRecordFactory
from channel_register.models import Channel
from channel_register.tests.channel_factories import active_channel, submitted_closure, trained
from kob_social.history import update_with_history
from metrics.domain import imports
from metrics.domain.evaluations import complete_evaluation, goal_key, start_evaluation
from metrics.domain.measurements import record_measurement
from metrics.enums import Conclusion
from notifications.models import Notification
from plans.domain.transitions import transition
from plans.enums import Action, Metric
from plans.tests.archive_factories import approved_plan, approved_revision, store_pdf
from plans.tests.factories import complete_plan

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker() -> list[str]:
    """The command that runs the checker, or a skip (a failure in CI) naming what is missing."""
    from conftest import skip_or_fail  # the project's rule: skip locally, fail when CI requires it

    java = shutil.which("java")
    if java is None:
        skip_or_fail("java not found (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        skip_or_fail(f"{VNU_JAR} not found (make install runs npm ci, which installs vnu-jar)")
    return [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always", "--stdout"]


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def plans_in_every_state(org) -> dict:
    """One plan of Länsbiblioteket in each state a page shows differently."""
    draft = complete_plan(org.medarbetare)
    with_chef = complete_plan(org.medarbetare)
    transition(with_chef.pk, Action.SUBMIT, actor=org.medarbetare)
    with_director = complete_plan(org.medarbetare)
    transition(with_director.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(with_director.pk, Action.APPROVE, actor=org.chef)
    transition(with_director.pk, Action.APPROVE, actor=org.kommunikator)
    returned = complete_plan(org.medarbetare)
    transition(returned.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(returned.pk, Action.RETURN, actor=org.chef, comment="Förtydliga syftet.")
    rejected = complete_plan(org.medarbetare)
    transition(rejected.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(rejected.pk, Action.REJECT, actor=org.chef, comment="Kanalen behövs inte.")
    withdrawn = complete_plan(org.medarbetare)
    transition(withdrawn.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(withdrawn.pk, Action.WITHDRAW, actor=org.medarbetare)
    superseded = approved_plan(org)
    store_pdf(superseded)
    approved = approved_revision(superseded, org)  # its PDF not made yet: the pages say so
    superseded.refresh_from_db()
    return {
        "draft": draft,
        "with_chef": with_chef,
        "with_director": with_director,
        "returned": returned,
        "rejected": rejected,
        "withdrawn": withdrawn,
        "approved": approved,
        "superseded": superseded,
    }


def main_pages(org) -> dict[str, str]:
    """Each page's name and HTML: every page a person reaches from the menu, in each state."""
    plans = plans_in_every_state(org)
    trained(org.medarbetare)
    channel = active_channel(org, channel_name="Länsbiblioteket på Instagram")
    closure = submitted_closure(org, channel, author=org.chef)
    measured = measurements_and_a_checked_import(channel, org.chef)
    evaluated, evaluating = evaluations(channel, org.chef)
    TrainingRecordFactory(user=org.chef)
    AbsenceFactory(user=org.medarbetare)
    medarbetare, chef, kommunikator, direktor, admin = (
        signed_in(person) for person in (org.medarbetare, org.chef, org.kommunikator, org.direktor, org.admin)
    )
    anonymous = Client()
    notification = Notification.objects.filter(recipient=org.chef).first()
    reset = (
        urlsafe_base64_encode(force_bytes(org.medarbetare.pk)),
        default_token_generator.make_token(org.medarbetare),
    )
    requests = {
        "home-medarbetare": (medarbetare, reverse("home")),
        "home-chef": (chef, reverse("home")),
        "home-kommunikator": (kommunikator, reverse("home")),
        "home-direktor": (direktor, reverse("home")),
        "home-admin": (admin, reverse("home")),
        "plan-list": (kommunikator, reverse("plans:list")),
        "plan-create": (medarbetare, reverse("plans:create")),
        "plan-edit": (medarbetare, reverse("plans:edit", args=[plans["draft"].pk])),
        "plan-preview-pending": (medarbetare, reverse("plans:preview", args=[plans["draft"].pk])),
        "plan-pdf-pending": (medarbetare, reverse("plans:pdf", args=[plans["approved"].pk])),
        "verify": (medarbetare, reverse("plans:verify")),
        "channel-list": (chef, reverse("channel_register:list")),
        "channel-detail": (chef, reverse("channel_register:detail", args=[channel.pk])),
        "channel-roster": (chef, reverse("channel_register:roster", args=[channel.pk])),
        "channel-inventory": (chef, reverse("channel_register:inventory", args=[channel.pk])),
        "channel-appoint": (chef, reverse("channel_register:appoint", args=[channel.pk])),
        "channel-agreement": (chef, reverse("channel_register:agreement_create", args=[channel.pk])),
        "channel-screenshot": (chef, reverse("channel_register:screenshot_create", args=[channel.pk])),
        "channel-removal": (chef, reverse("channel_register:removal_create", args=[channel.pk])),
        "channel-screenshots": (chef, reverse("channel_register:screenshots", args=[channel.pk])),
        "channel-removals": (chef, reverse("channel_register:removals", args=[channel.pk])),
        "channel-updates": (chef, reverse("channel_register:update_log", args=[channel.pk])),
        "channel-update-create": (chef, reverse("channel_register:update_create", args=[channel.pk])),
        "inventory-overdue": (kommunikator, reverse("channel_register:inventory_overdue")),
        "closure-detail": (chef, reverse("closures:detail", args=[closure.pk])),
        "channel-measuring": (chef, reverse("metrics:channel", args=[channel.pk])),
        "measurement-import": (chef, reverse("metrics:import_start", args=[channel.pk])),
        "measurement-import-preview": (chef, reverse("metrics:import_detail", args=[measured.pk])),
        "evaluation-completed": (chef, reverse("metrics:evaluation", args=[evaluated.pk])),
        "evaluation-draft": (chef, reverse("metrics:evaluation", args=[evaluating.pk])),
        "public-register": (anonymous, reverse("public_register")),
        "public-lookup": (anonymous, reverse("public_lookup")),
        "public-lookup-official": (anonymous, reverse("public_lookup") + f"?adress={channel.url}"),
        "public-lookup-unknown": (anonymous, reverse("public_lookup") + "?adress=%40nagon_annan"),
        "public-lookup-unreadable": (anonymous, reverse("public_lookup") + "?adress=två+ord"),
        "accessibility-statement": (anonymous, reverse("accessibility")),
        "notifications": (chef, reverse("notifications:list")),
        "trainings-medarbetare": (medarbetare, reverse("people:trainings")),
        "trainings-chef": (chef, reverse("people:trainings")),
        "absences": (chef, reverse("people:absences")),
        "deputies": (chef, reverse("people:deputies")),
        "calendar": (medarbetare, reverse("overview:calendar")),
        "notification-preferences": (chef, reverse("notifications:preferences")),
        "end-person": (admin, reverse("audit:end_person", args=[org.medarbetare.pk])),
        "login": (anonymous, reverse("login")),
        "password-change": (medarbetare, reverse("password_change")),
        "password-change-done": (medarbetare, reverse("password_change_done")),
        "password-reset": (anonymous, reverse("password_reset")),
        "password-reset-done": (anonymous, reverse("password_reset_done")),
        "password-reset-confirm": (anonymous, reverse("password_reset_confirm", args=reset)),
        "password-reset-invalid": (anonymous, reverse("password_reset_confirm", args=["MQ", "wrong-token"])),
        "password-reset-complete": (anonymous, reverse("password_reset_complete")),
        "forbidden": (medarbetare, reverse("channel_register:appoint", args=[channel.pk])),
        "not-found": (medarbetare, "/finns-inte/"),
    }
    for state, plan in plans.items():
        for role, client in (("author", medarbetare), ("chef", chef)):
            requests[f"plan-{state}-{role}"] = (client, reverse("plans:detail", args=[plan.pk]))
    if notification is not None:
        requests["notification-open"] = (chef, reverse("notifications:open", args=[notification.pk]))

    pages = {}
    for name, (client, url) in requests.items():
        response = client.get(url, follow=True)
        pages[name] = response.content.decode()
    # The fragments htmx swaps in, checked inside a minimal page.
    goal_row = medarbetare.get(reverse("plans:goal_row"), {"goals-TOTAL_FORMS": "2"})
    pages["fragment-goal-row"] = fragment(goal_row.content.decode())
    polled = medarbetare.get(reverse("plans:preview", args=[plans["draft"].pk]), headers={"HX-Request": "true"})
    pages["fragment-preview-status"] = fragment(polled.content.decode())
    pages["bad-request"] = medarbetare.get("/", headers={"host": "inte-var-server.example"}).content.decode()
    pages["csrf-failure"] = Client(enforce_csrf_checks=True).post(reverse("login")).content.decode()
    pages["login-failed"] = anonymous.post(reverse("login"), {"username": "x", "password": "y"}).content.decode()
    pages["plan-create-errors"] = medarbetare.post(reverse("plans:create"), {}).content.decode()
    pages["evaluation-errors"] = chef.post(
        reverse("metrics:evaluation", args=[evaluating.pk]), {"revision": evaluating.revision, "action": "slutfor"}
    ).content.decode()
    pages["password-change-errors"] = medarbetare.post(reverse("password_change"), {}).content.decode()
    return pages


def evaluations(channel, actor):
    """A completed evaluation of the channel, and the draft of its next one."""
    first = start_evaluation(channel.pk, actor=actor)
    complete_evaluation(
        first.pk,
        actor=actor,
        expected_revision=first.revision,
        summary="Kanalen fungerar.",
        answers={goal_key(goal, "went_well"): "Bra." for goal in first.goals.all()},
        conclusion=Conclusion.CONTINUE,
    )
    return first, start_evaluation(channel.pk, actor=actor)


def measurements_and_a_checked_import(channel, person):
    """Two followers values a month apart (so that the goal's chart has a line) and an import
    checked and waiting for its confirmation (the preview)."""
    today = timezone.localdate()
    update_with_history(Channel.objects.filter(pk=channel.pk), created_at=timezone.now() - datetime.timedelta(days=60))
    for days_ago, value in ((40, "1210"), (10, "1260")):
        record_measurement(
            channel.pk,
            actor=person,
            metric=Metric.FOLLOWERS,
            on=today - datetime.timedelta(days=days_ago),
            value=Decimal(value),
        )
    content = f"datum;mått;värde\n{today - datetime.timedelta(days=10)};Följare;1 265\n".encode()
    batch = imports.start_import(channel.pk, actor=person, upload=SimpleUploadedFile("f.csv", content), queued=False)
    imports.check_import(batch.pk)
    return batch


def fragment(html: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>–</title></head><body>{html}</body></html>'
    )


def validate(command: list[str], pages: dict[str, str], directory: Path) -> dict[str, list[str]]:
    """Run the checker once over all pages; return each kind of error with where it occurred."""
    for name, html in pages.items():
        (directory / f"{name}.html").write_text(html, encoding="utf-8")
    files = sorted(str(path) for path in directory.glob("*.html"))
    result = subprocess.run([*command, *files], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    errors = defaultdict(list)
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] in ("error", "non-document-error"):
            page = Path(message.get("url", "?")).stem
            # One group per kind of error: the bad value itself differs from place to place.
            kind = re.sub(r"^Bad value “[^”]*”", "Bad value “…”", message["message"])
            errors[kind].append(f"{page}:{message.get('lastLine', '?')}  {message.get('extract', '')!r}")
    return errors


@pytest.mark.django_db
def test_main_pages_valid_html_no_errors(org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"  # the checked import's file
    command = checker()
    pages = main_pages(org)

    errors = validate(command, pages, tmp_path)

    report = "\n".join(f"{len(where)}× {message}\n    " + "\n    ".join(where[:5]) for message, where in errors.items())
    assert not errors, f"The Nu Html Checker found errors in {len(pages)} pages:\n{report}"
