"""Entering a value by hand: the rules every stored value obeys, corrections kept in the
history and never silent, and who may do it."""

import datetime
from decimal import Decimal

import pytest

from channel_register.domain.channels import channel_transition
from channel_register.enums import ChannelAction, ChannelStatus, Platform
from channel_register.models import Channel
from kob_social.errors import Conflict, Incomplete, NotAllowed
from kob_social.history import update_with_history
from metrics.domain.measurements import record_measurement
from metrics.enums import Period, Source
from metrics.models import Measurement
from plans.enums import Metric

from .factories import measured_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("measuring_day", "swedish")]

SINCE = datetime.date(2026, 1, 1)


@pytest.fixture
def channel(org):
    return measured_channel(org, since=SINCE)


def record(channel, actor, **kwargs):
    values = {"metric": Metric.FOLLOWERS, "on": datetime.date(2027, 3, 1), "value": Decimal("1200")} | kwargs
    return record_measurement(channel.pk, actor=actor, **values)


def test_record_measurement_stores_the_value_with_who_and_when(org, channel):
    measurement = record(channel, org.medarbetare)

    stored = Measurement.objects.get()
    assert (stored.pk, stored.metric, stored.period, stored.on, stored.value) == (
        measurement.pk,
        Metric.FOLLOWERS,
        Period.DAY,
        datetime.date(2027, 3, 1),
        Decimal("1200"),
    )
    assert (stored.source, stored.recorded_by, stored.history.count()) == (Source.MANUAL, org.medarbetare, 1)


def test_record_measurement_same_value_again_changes_nothing(org, channel):
    record(channel, org.medarbetare)

    record(channel, org.chef)

    stored = Measurement.objects.get()
    assert (stored.recorded_by, stored.history.count()) == (org.medarbetare, 1)


def test_record_measurement_other_value_without_confirmation_conflict_nothing_changed(org, channel):
    record(channel, org.medarbetare)

    with pytest.raises(Conflict) as refused:
        record(channel, org.chef, value=Decimal("1250"))

    assert str(refused.value) == "1\xa0200 finns redan för det här datumet. Bekräfta att du ersätter det."
    assert Measurement.objects.get().value == Decimal("1200")


def test_record_measurement_correction_replaces_the_value_and_keeps_the_old_in_history(org, channel):
    record(channel, org.medarbetare)

    record(channel, org.chef, value=Decimal("1250"), replaces=Decimal("1200"))

    stored = Measurement.objects.get()
    assert (stored.value, stored.recorded_by) == (Decimal("1250"), org.chef)
    assert [row.value for row in stored.history.order_by("history_date", "history_id")] == [
        Decimal("1200"),
        Decimal("1250"),
    ]


def test_record_measurement_correction_of_a_value_changed_meanwhile_conflict(org, channel):
    record(channel, org.medarbetare)
    record(channel, org.chef, value=Decimal("1250"), replaces=Decimal("1200"))

    with pytest.raises(Conflict):
        record(channel, org.medarbetare, value=Decimal("1300"), replaces=Decimal("1200"))

    assert Measurement.objects.get().value == Decimal("1250")


def test_record_measurement_count_per_week_is_stored_from_its_monday(org, channel):
    record(channel, org.medarbetare, metric=Metric.VISITS, period=Period.WEEK, on=datetime.date(2027, 3, 4))

    assert Measurement.objects.values_list("period", "on").get() == (Period.WEEK, datetime.date(2027, 3, 1))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"on": datetime.date(2027, 3, 16)}, "Datumet 16 mars 2027 har inte kommit än."),
        ({"on": datetime.date(2025, 12, 31)}, "Kanalen fanns inte i registret före 1 januari 2026."),
        ({"value": Decimal("-1")}, "Ett värde kan inte vara mindre än noll."),
        ({"value": Decimal("1.005")}, "Ange värdet med högst två decimaler."),
        ({"metric": Metric.POSTS}, "Det här måttet kan inte matas in: inlägg räknas från kanalens uppdateringslogg."),
        ({"period": Period.MONTH}, "Följare är en nivå vid ett datum: ange den för en dag."),
    ],
    ids=["future", "before-register", "negative", "decimals", "derived", "level-per-month"],
)
def test_record_measurement_refused_value_incomplete_nothing_saved(org, channel, values, message):
    with pytest.raises(Incomplete) as refused:
        record(channel, org.medarbetare, **values)

    assert refused.value.errors == {"value": [message]}
    assert Measurement.objects.count() == 0


def test_record_measurement_metric_the_platform_cannot_have_incomplete(org):
    blog = measured_channel(org, since=SINCE, platform=Platform.BLOG, channel_name="Bibliotekets blogg")

    with pytest.raises(Incomplete) as refused:
        record(blog, org.medarbetare, metric=Metric.VIDEO_VIEWS, period=Period.DAY)

    assert refused.value.errors == {"value": ["Blogg har inga videovisningar."]}


@pytest.mark.parametrize("actor", ["medarbetare2", "chef2"])
def test_record_measurement_by_someone_of_another_unit_not_allowed(org, channel, actor):
    with pytest.raises(NotAllowed):
        record(channel, getattr(org, actor))

    assert Measurement.objects.count() == 0


@pytest.mark.parametrize("actor", ["chef", "kommunikator", "direktor"])
def test_record_measurement_by_chef_or_overseer_allowed(org, channel, actor):
    record(channel, getattr(org, actor))

    assert Measurement.objects.get().recorded_by == getattr(org, actor)


def test_record_measurement_on_a_closed_channel_not_allowed(org, channel):
    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    record(channel, org.medarbetare)  # paused: still measured

    # arrange: closed, no ceremony
    update_with_history(Channel.objects.filter(pk=channel.pk), status=ChannelStatus.AVSLUTAD)
    with pytest.raises(NotAllowed):
        record(channel, org.medarbetare, on=datetime.date(2027, 3, 2))

    assert Measurement.objects.count() == 1
