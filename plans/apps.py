from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Handlingsplaner and the decision chain: a plan and its versions, goals and decisions, the
    chain shared by plans and closure requests (domain/chain.py: who may approve a step is
    rules.decidable_step), diarienummer, the waiting-decision reminder and the signed PDF
    (domain/archive.py, pdf.py, signing.py).

    Above the channel register: plans import `channel_register`, never the reverse. What the
    register needs to know of plans it asks through channel_register.hooks, connected here.
    """

    name = "plans"
    verbose_name = _("Action plans")

    def ready(self):
        # circular: the link reads plans' queries, which need the app registry ready.
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Deputy, Unit, User
        from channel_register import hooks

        from . import leaving
        from .audited import register_with_audit
        from .channel_link import LINK
        from .domain import escalation, routing

        hooks.connect(LINK)
        register_with_audit()
        leaving.register()
        register_notice_kinds()
        post_save.connect(routing.unit_saved, sender=Unit, dispatch_uid="plans.routing.unit_saved")
        post_save.connect(routing.person_saved, sender=User, dispatch_uid="plans.routing.person_saved")
        for signal, sender, name in [
            (post_save, Deputy, "deputy"),
            (post_delete, Deputy, "deputy_deleted"),
            (post_save, User, "person"),
        ]:
            signal.connect(escalation.organisation_changed, sender=sender, dispatch_uid=f"plans.escalation.{name}")


def register_notice_kinds() -> None:
    from notifications.kinds import register

    for name, label in [
        ("plan_waiting", _("A plan or closure request waits for my decision")),
        ("waiting_reminder", _("Reminder: a decision has waited more than a week")),
        ("waiting_escalation", _("Escalated: nobody can decide a document, or it has waited too long")),
        ("plan_withdrawn", _("A document I was to decide was withdrawn")),
        ("plan_moved", _("A document moved to another manager")),
        ("plan_skicka_in", _("My plan was submitted")),
        ("plan_godkann", _("My plan or closure request was approved at a step")),
        ("plan_atersand", _("My plan or closure request was returned for changes")),
        ("plan_avsla", _("My plan or closure request was rejected")),
    ]:
        register(name, label)
