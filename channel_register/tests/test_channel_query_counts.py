"""Exact query counts for the channel list, the channel page, the training page and the public
register, at 1 and 3 items.

The count is the same at both sizes: nothing is read once per channel, plan version,
agreement, roster week, screenshot, file, removal entry, closure request or person.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.tests.factories import AbsenceFactory, make_user
from channel_register.domain.channels import appoint, assign_roster, log_removal, propose_agreement, record_screenshot
from channel_register.domain.updates import log_update
from channel_register.enums import ChannelStatus, ChecklistItem, Platform, RemovalCategory
from channel_register.models import Channel
from channel_register.views.common import PAGE_SIZE
from metrics.enums import Conclusion, EvaluationStatus, Source
from metrics.models import Evaluation, Measurement
from plans.domain import closures
from plans.domain.drafts import revise
from plans.domain.transitions import transition
from plans.enums import Action, Metric
from plans.tests.factories import submitted_plan

from .channel_factories import (
    ANALYSIS,
    ANSWERED,
    CHAIN_APPROVAL,
    active_channel,
    png_upload,
    trained,
)
from .channel_upkeep_factories import feed_entry, feed_state, past_halves, past_weekly_checks, screenshot_duty

# Every signed-in count includes four queries: the three of the frame (the session, the user
# and the user's role groups) and the unread badge. Whether the user may read the channel is
# no query of its own: the readable units are a subquery of the channel's (channels_visible_to).

# The frame, the paginator's COUNT, the units of the filter, and the page of channels (unit and
# owner joined). The readable units are a subquery of the COUNT and the page.
LIST_QUERIES = {"medarbetare": 7, "kommunikator": 7}
# The frame (4), and:
# 1. the channel: the unit's chef chain, owner, screenshot responsible, feed state and standing
#    (overview, through hooks.page_query) joined; the readable units a subquery; and as
#    subqueries (queries.with_page_summary) the last inventory confirmation, the last checked
#    period, the checklist's ticks, the latest update, the number and latest of the screenshot
#    records and removal entries; and (metrics, through hooks.page_query) the SMILEY cycle's
#    facts and the fields of the channel's plan;
# 2. the other people (asked by four rules: read once here),
# 3. the plans (unit and author joined),
# 4. the closure requests (authors joined),
# 5. the latest evaluations (authors joined),
# 6. the agreements (owner and chef joined),
# 7. the roster weeks (monitors joined),
# 8. the absences that make gaps.
# Who may evaluate costs nothing more for the owner, the unit's chef or an overseer; a person who
# is neither the owner nor the chef costs nothing more either. The screenshot duties and records
# and the removal log are on pages of their own, the rhythm strip and the updates on the update log.
DETAIL_QUERIES = {"medarbetare": 12, "chef": 12, "kommunikator": 12, "other person": 12}
# The frame, the channel (as on its page), the paginator's COUNT, the page of updates (who
# logged them joined), and the last checked periods. Who may delete which row costs nothing
# more: the unit's chef chain came with the channel, and is asked once.
UPDATE_LOG_QUERIES = {"medarbetare": 8, "chef": 8}
# The frame, the channel, the screenshot duties (their fulfilment a subquery), the paginator's
# COUNT, the page of records (takers joined) and their files (one prefetch).
SCREENSHOTS_QUERIES = {"medarbetare": 9, "chef": 9}
# The frame, the channel, the paginator's COUNT and the page of entries (registrars joined).
REMOVALS_QUERIES = {"medarbetare": 7, "chef": 7}
# The frame, the people in scope with their training annotated, the people the viewer may
# register for (the rule asked once per unit: the unit's chef chain), the viewer's own
# records, the choices of the form, and the unread badge. The kommunikationsansvarig
# registers for anyone without asking for a chef.
TRAINING_QUERIES = {"chef": 8, "kommunikator": 8}
# The frame, the paginator's COUNT, the page of overdue channels (unit and owner joined, read by
# the index on the stored due day), and the unread badge. A medarbetare's readable units are a
# subquery of the COUNT and the page; the kommunikationsansvarig reads all.
OVERDUE_QUERIES = {"medarbetare": 6, "kommunikator": 6}
# No session for an anonymous visitor: only the register itself (units joined).
PUBLIC_QUERIES = {"public_register": 1, "public_register_json": 1, "public_register_csv": 1}
# The lookup: one indexed query for the keys asked, however many channels share them (a handle on
# every platform), and none for the same question again (the cached answer).
LOOKUP_QUERIES = {"public_lookup": 1, "public_lookup_json": 1}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def library_people(org, n: int) -> list:
    """`n` trained Länsbiblioteket staff besides `medarbetare`."""
    return [
        trained(make_user(Role.MEDARBETARE, unit=org.library, username=f"person{i}", full_name=f"Person {i}"))
        for i in range(n)
    ]


def listed_channels(org, n: int) -> None:
    """`n` planned Länsbiblioteket channels, each with its own owner."""
    for i, owner in enumerate(library_people(org, n)):
        channel = submitted_plan(org.medarbetare, channel_name=f"Kanal {i}").channel
        appoint(channel.pk, actor=org.chef, owner=owner, screenshot_responsible=owner)


def channel_with_history(org, n: int):
    """An active channel with `n` of everything its page lists: plan versions, other people,
    agreements, assigned roster weeks (one with an absence of its monitor), screenshot
    records of `n` files each, removal entries, closure requests (`n - 1` withdrawn,
    one drafted), updates logged by hand, checked weeks, screenshot duties, measurements and
    completed evaluations; and a feed whose last read failed."""
    channel = active_channel(org)
    plan = channel.plans.get()
    for _ in range(n - 1):
        plan = revise(plan.pk, actor=org.medarbetare)
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
        for actor, action in CHAIN_APPROVAL:
            transition(plan.pk, action, actor=getattr(org, actor))
    trained(org.medarbetare)
    others = library_people(org, n)
    channel = appoint(
        channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare, others=others
    )
    today = timezone.localdate()
    for i, person in enumerate(others):
        propose_agreement(channel.pk, actor=org.chef, owner=person, tasks=f"Uppgift {i}", hours_per_week=Decimal(2))
        year, week, _ = (today + timedelta(weeks=i + 1)).isocalendar()
        assign_roster(channel.pk, actor=org.chef, first=(year, week), last=(year, week), primary=person)
        record_screenshot(
            channel.pk,
            actor=org.medarbetare,
            taken_on=today,
            url="https://example.se/",
            **ANSWERED,
            uploads=[png_upload(f"bild{i}-{j}.png") for j in range(n)],
        )
        log_removal(
            channel.pk,
            actor=org.medarbetare,
            removed_on=today,
            category=RemovalCategory.ADVERTISING,
            description=f"Reklam {i}",
            upload=png_upload(f"bevis{i}.png"),
        )
        closure = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis=ANALYSIS)
        if i < n - 1:
            closures.transition(closure.pk, Action.WITHDRAW, actor=org.medarbetare)
        log_update(channel, org.medarbetare, published_on=today - timedelta(days=i), note=f"Inlägg {i}")
        Measurement.objects.create(
            channel=channel,
            metric=Metric.FOLLOWERS,
            on=today - timedelta(days=i),
            value=Decimal(100 + i),
            source=Source.MANUAL,
            recorded_by=org.medarbetare,
            recorded_at=timezone.now(),
        )
        Evaluation.objects.create(
            channel=channel,
            plan=plan,
            author=org.medarbetare,
            status=EvaluationStatus.DONE,
            conclusion=Conclusion.CONTINUE,
            completed_at=timezone.now() - timedelta(days=i),
            completed_by=org.medarbetare,
        )
    for year, half in past_halves(today, n):
        screenshot_duty(channel, year, half)
    past_weekly_checks(channel, n, today)
    channel.feed_url = "https://example.se/flode.xml"
    channel.save(update_fields=["feed_url"])
    feed_state(channel, checked_at=timezone.now(), error="HTTP 404")
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    AbsenceFactory(user=others[0], starts_on=monday, ends_on=monday + timedelta(days=2))
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.AKTIV
    return channel


@pytest.mark.parametrize("viewer", ["medarbetare", "kommunikator"])
@pytest.mark.parametrize("n", [1, 3])
def test_channel_list_query_count_same_for_one_and_three_channels(client, org, django_assert_num_queries, viewer, n):
    listed_channels(org, n)
    client.force_login(getattr(org, viewer))

    with django_assert_num_queries(LIST_QUERIES[viewer]):
        response = client.get(reverse("channel_register:list"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("viewer", ["medarbetare", "chef", "kommunikator", "other person"])
@pytest.mark.parametrize("n", [1, 3])
def test_channel_page_query_count_same_for_one_and_three_of_everything(
    client, org, django_assert_num_queries, viewer, n
):
    channel = channel_with_history(org, n)
    # "other person": one of the channel's other people (library_people's first), who may keep
    # the roster but does not manage the channel.
    client.force_login(channel.others.get(username="person0") if viewer == "other person" else getattr(org, viewer))

    with django_assert_num_queries(DETAIL_QUERIES[viewer]):
        response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert response.status_code == 200
    context = response.context
    listed = ["plans", "others", "closures", "evaluations"]
    assert [len(context[name]) for name in listed] == [n] * len(listed)
    assert len(context["agreements"]) == n + 1  # and the one the channel went live with
    # (Besides the weeks the channel went live with, by its factory's own monitor.)
    assert sum(row["week"].primary in context["others"] for row in context["roster"]) == n
    summary = context["summary"]
    assert (summary.screenshot_count, summary.removal_count, summary.update_count) == (n, n, n)
    assert (context["last_rhythm"]["check"].actual, context["last_rhythm"]["check"].met) == (2, True)
    assert [bool(entry["tick"]) for entry in context["checklist"]] == [True] * len(ChecklistItem)
    assert [step.done for step in context["cycle"].steps] == [True] * 8
    assert context["feed"].error == "HTTP 404"


@pytest.mark.parametrize("viewer", ["medarbetare", "chef"])
@pytest.mark.parametrize("n", [1, 3])
def test_screenshots_page_query_count_same_for_one_and_three_records(client, org, django_assert_num_queries, viewer, n):
    channel = channel_with_history(org, n)
    client.force_login(getattr(org, viewer))

    with django_assert_num_queries(SCREENSHOTS_QUERIES[viewer]):
        response = client.get(reverse("channel_register:screenshots", args=[channel.pk]))

    assert response.status_code == 200
    records = response.context["page"].object_list
    assert [len(record.files.all()) for record in records] == [n] * n
    # The half years, and at 3 one duty after a change: the plan versions 2 and 3 approved the same
    # day are one change (duties.open_change_duty).
    assert len(response.context["duties"]) == n + (n > 1)


@pytest.mark.parametrize("viewer", ["medarbetare", "chef"])
@pytest.mark.parametrize("n", [1, 3])
def test_removals_page_query_count_same_for_one_and_three_entries(client, org, django_assert_num_queries, viewer, n):
    channel = channel_with_history(org, n)
    client.force_login(getattr(org, viewer))

    with django_assert_num_queries(REMOVALS_QUERIES[viewer]):
        response = client.get(reverse("channel_register:removals", args=[channel.pk]))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == n


def overdue_channels(org, n: int) -> None:
    """`n` active Länsbiblioteket channels, activated seven months ago or earlier and never
    inventoried (created as rows: the list reads nothing else of them)."""
    now = timezone.now()
    for i in range(n):
        Channel.objects.create(
            platform=Platform.FACEBOOK,
            name=f"Kanal {i:02d}",
            unit=org.library,
            status=ChannelStatus.AKTIV,
            activated_at=now - timedelta(days=213 + i),
            owner=org.medarbetare,
        )


@pytest.mark.parametrize("viewer", ["medarbetare", "kommunikator"])
@pytest.mark.parametrize("n", [1, 3, 50])
def test_inventory_overdue_query_count_same_for_one_three_and_fifty_channels(
    client, org, django_assert_num_queries, viewer, n
):
    overdue_channels(org, n)
    client.force_login(getattr(org, viewer))

    with django_assert_num_queries(OVERDUE_QUERIES[viewer]):
        response = client.get(reverse("channel_register:inventory_overdue"))

    assert response.status_code == 200
    assert (response.context["page"].paginator.count, len(response.context["rows"])) == (n, min(n, PAGE_SIZE))


def channel_with_updates(org, n: int):
    """An active channel owned by `medarbetare` with `n` updates logged by hand and `n` read
    from its feed."""
    channel = active_channel(org)
    trained(org.medarbetare)
    channel = appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    now = timezone.now()
    for i in range(n):
        log_update(channel, org.medarbetare, published_on=timezone.localdate() - timedelta(days=i), note=f"{i}")
        feed_entry(channel, now - timedelta(hours=i + 1), link=f"https://example.se/{i}")
    return channel


@pytest.mark.parametrize("viewer", ["medarbetare", "chef"])
@pytest.mark.parametrize("n", [1, 3])
def test_update_log_query_count_same_for_one_and_three_updates_of_each_source(
    client, org, django_assert_num_queries, viewer, n
):
    channel = channel_with_updates(org, n)
    client.force_login(getattr(org, viewer))

    with django_assert_num_queries(UPDATE_LOG_QUERIES[viewer]):
        response = client.get(reverse("channel_register:update_log", args=[channel.pk]))

    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [update.can_delete for update in rows].count(True) == n
    assert len(rows) == 2 * n


@pytest.mark.parametrize("viewer", ["chef", "kommunikator"])
@pytest.mark.parametrize("n", [1, 3])
def test_training_page_query_count_same_for_one_and_three_people(client, org, django_assert_num_queries, viewer, n):
    library_people(org, n)
    client.force_login(getattr(org, viewer))

    with django_assert_num_queries(TRAINING_QUERIES[viewer]):
        response = client.get(reverse("people:trainings"))

    assert response.status_code == 200
    shown = {row.person.username for row in response.context["page"].object_list}
    assert {f"person{i}" for i in range(n)} <= shown


@pytest.mark.parametrize("endpoint", ["public_register", "public_register_json", "public_register_csv"])
@pytest.mark.parametrize("n", [1, 3])
def test_public_register_query_count_same_for_one_and_three_active_channels(
    client, org, django_assert_num_queries, endpoint, n
):
    for i in range(n):
        active_channel(org, channel_name=f"Aktiv kanal {i}")

    with django_assert_num_queries(PUBLIC_QUERIES[endpoint]):
        response = client.get(reverse(endpoint))

    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("Aktiv kanal") == n


@pytest.mark.parametrize("endpoint", ["public_lookup", "public_lookup_json"])
@pytest.mark.parametrize("n", [1, 3])
def test_public_lookup_query_count_same_for_one_and_three_matching_channels(
    client, org, django_assert_num_queries, endpoint, n
):
    platforms = [Platform.INSTAGRAM, Platform.TIKTOK, Platform.THREADS][:n]
    for platform in platforms:
        host = {"instagram": "www.instagram.com/", "tiktok": "www.tiktok.com/@", "threads": "www.threads.net/@"}
        active_channel(
            org, channel_name=f"KoB {platform}", platform=platform, channel_url=f"https://{host[platform]}kob"
        )

    with django_assert_num_queries(LOOKUP_QUERIES[endpoint]):
        response = client.get(reverse(endpoint), {"adress": "@kob"})
    with django_assert_num_queries(0):
        cached = client.get(reverse(endpoint), {"adress": "kob"})

    def found(answer) -> int:
        if endpoint == "public_lookup_json":
            return len(answer.json()["channels"])
        return answer.content.decode().count('<dl class="lookup-channel">')

    assert (response.status_code, cached.status_code) == (200, 200)
    assert (found(response), found(cached)) == (n, n)
