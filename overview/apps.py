from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The overview of every channel's state for the communications officer, a chef and staff:
    the top of the apps, reading all below it."""

    name = "overview"
    verbose_name = _("Overview")

    def ready(self):
        # circular: the models of the apps below, and the receivers that read them, once the registry is ready.
        from accounts.models import Absence, TrainingRecord
        from channel_register import hooks
        from channel_register.models import (
            Agreement,
            Channel,
            ChannelUpdate,
            InventoryConfirmation,
            RhythmCheck,
            RosterWeek,
            Screenshot,
            ScreenshotDuty,
        )
        from metrics.domain.imports import measurements_imported
        from metrics.models import Evaluation, Measurement
        from plans.models import Goal, Plan

        from . import signals
        from .audited import register_with_audit

        register_with_audit()
        from .views import channel_page_section, with_standing

        # Every write that can alter a light refreshes the standing of the channels it touches,
        # once per transaction, on commit (signals.py).
        receivers = [
            (signals.channel_changed, [Channel]),
            (signals.plan_changed, [Plan]),
            (signals.goal_changed, [Goal]),
            (
                signals.channel_row_changed,
                [
                    Agreement,
                    RhythmCheck,
                    RosterWeek,
                    Screenshot,
                    ScreenshotDuty,
                    InventoryConfirmation,
                    ChannelUpdate,
                    Measurement,
                    Evaluation,
                ],
            ),
            (signals.person_row_changed, [TrainingRecord, Absence]),
        ]
        for receiver, models in receivers:
            for model in models:
                uid = f"overview:{receiver.__name__}:{model._meta.label}"
                post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}:save")
                post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}:delete")
        m2m_changed.connect(signals.others_changed, sender=Channel.others.through, dispatch_uid="overview:others")
        measurements_imported.connect(signals.measurements_imported, dispatch_uid="overview:imported")
        # What needs attention, on the channel's page: the same cells and reasons as the overview.
        hooks.add_page_sections(channel_page_section)
        hooks.add_page_query(with_standing)
