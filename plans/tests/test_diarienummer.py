"""The diarienummer: given at the first submission, sequential per year, format from settings."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kob_social.errors import Incomplete
from plans.domain.diarienummer import next_diarienummer
from plans.domain.drafts import revise
from plans.domain.transitions import transition
from plans.enums import Action
from plans.models import DiarieCounter, Plan

from .factories import complete_plan

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SPRING_2026 = datetime(2026, 3, 2, 10, 0, tzinfo=STOCKHOLM)


def submit_new(org) -> Plan:
    plan = complete_plan(org.medarbetare)
    return transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)


def test_diarienummer_draft_has_none(org):
    plan = complete_plan(org.medarbetare)

    assert (plan.diarienummer, plan.reference) == ("", "v1")
    assert DiarieCounter.objects.count() == 0


def test_diarienummer_default_format_at_first_submission(org, time_machine):
    time_machine.move_to(SPRING_2026, tick=False)

    plan = submit_new(org)

    assert plan.diarienummer == "KOB-2026-0001"
    assert Plan.objects.get(pk=plan.pk).diarienummer == "KOB-2026-0001"
    assert plan.reference == "KOB-2026-0001 v1"


def test_diarienummer_sequential_within_year(org, time_machine):
    time_machine.move_to(SPRING_2026, tick=False)

    numbers = [submit_new(org).diarienummer for _ in range(3)]

    assert numbers == ["KOB-2026-0001", "KOB-2026-0002", "KOB-2026-0003"]
    assert list(DiarieCounter.objects.values_list("year", "last")) == [(2026, 3)]


def test_diarienummer_restarts_in_new_year(org, time_machine):
    time_machine.move_to(SPRING_2026, tick=False)
    for _ in range(2):
        submit_new(org)
    time_machine.move_to(datetime(2027, 1, 4, 9, 0, tzinfo=STOCKHOLM), tick=False)

    numbers = [submit_new(org).diarienummer for _ in range(2)]

    assert numbers == ["KOB-2027-0001", "KOB-2027-0002"]
    assert sorted(DiarieCounter.objects.values_list("year", "last")) == [(2026, 2), (2027, 2)]


def test_diarienummer_year_follows_swedish_date_at_midnight(org, time_machine):
    # 23:30 UTC on New Year's Eve is already 00:30 on 1 January in Uppsala.
    time_machine.move_to(datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False)

    plan = submit_new(org)

    assert plan.diarienummer == "KOB-2027-0001"


def test_diarienummer_format_from_settings(org, time_machine, settings):
    settings.DIARIENUMMER_FORMAT = "RS {year}/{seq:03d}-KOB"
    time_machine.move_to(SPRING_2026, tick=False)

    numbers = [submit_new(org).diarienummer for _ in range(2)]

    assert numbers == ["RS 2026/001-KOB", "RS 2026/002-KOB"]


def test_diarienummer_next_number_function_formats_year_and_sequence(db, settings):
    settings.DIARIENUMMER_FORMAT = "{year}-{seq}"

    numbers = [next_diarienummer(datetime(2030, 5, 1).date()) for _ in range(2)]

    assert numbers == ["2030-1", "2030-2"]


def test_diarienummer_refused_submission_uses_no_number(org, time_machine):
    time_machine.move_to(SPRING_2026, tick=False)
    incomplete = complete_plan(org.medarbetare, goals=[])
    with pytest.raises(Incomplete):
        transition(incomplete.pk, Action.SUBMIT, actor=org.medarbetare)

    plan = submit_new(org)

    assert plan.diarienummer == "KOB-2026-0001"
    assert Plan.objects.get(pk=incomplete.pk).diarienummer == ""


def test_diarienummer_kept_on_resubmission(org, time_machine):
    time_machine.move_to(SPRING_2026, tick=False)
    plan = submit_new(org)
    transition(plan.pk, Action.RETURN, actor=org.chef, comment="Komplettera målen.")

    resubmitted = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert resubmitted.diarienummer == "KOB-2026-0001"
    assert list(DiarieCounter.objects.values_list("year", "last")) == [(2026, 1)]


def test_diarienummer_v2_keeps_v1_number(org, time_machine):
    time_machine.move_to(SPRING_2026, tick=False)
    v1 = submit_new(org)
    for action, actor in [
        (Action.APPROVE, org.chef),
        (Action.APPROVE, org.kommunikator),
        (Action.APPROVE, org.direktor),
    ]:
        transition(v1.pk, action, actor=actor)
    time_machine.move_to(datetime(2027, 2, 1, 9, 0, tzinfo=STOCKHOLM), tick=False)
    v2 = revise(v1.pk, actor=org.medarbetare)

    v2 = transition(v2.pk, Action.SUBMIT, actor=org.medarbetare)

    assert (v2.version_number, v2.diarienummer, v2.reference) == (2, "KOB-2026-0001", "KOB-2026-0001 v2")
    assert list(DiarieCounter.objects.values_list("year", "last")) == [(2026, 1)]
    assert submit_new(org).diarienummer == "KOB-2027-0001"
