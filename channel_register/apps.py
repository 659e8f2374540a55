from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ChannelRegisterConfig(AppConfig):
    """The channel register: a channel and everything that hangs off it.

    Here: the channel's life (enums.ChannelStatus and its transitions), its people and
    agreements, the go-live checklist, the supervision roster and what a roster gap is
    (queries.roster_gaps), the update log and feeds (fetch.py reads them safely), the weekly
    update-rhythm results, screenshots and the half-yearly screenshot duty (when one is overdue:
    queries.screenshot_escalates_on), the half-yearly inventory (queries.inventory_due), the
    append-only removal log, uploads checked by parsing (uploads.py) and the public register.

    Below it: `accounts` and `notifications`. Above it: `plans`, which may import this app,
    never the reverse. What the register needs to know of plans (does the channel have an
    approved plan, what update rhythm does its plan in force require, the plans and closure
    requests shown on the channel's page) it asks through `hooks.py`, which `plans` fills in
    at start-up.

    Closure requests (avvecklingsbegäran) live in `plans`, not here: they travel the plans'
    decision chain (plans.domain.chain), share its states, rules and Decision rows, and the
    chain must not depend on the register's internals. When one is approved, the chain calls
    this app's one write path for a channel's status, `domain.channels.channel_transition`.
    """

    name = "channel_register"
    verbose_name = _("Channel register")

    def ready(self):
        # circular: the actions name the app's enums, and the models, read once the app registry is ready.
        from accounts.models import Unit

        from . import leaving, public
        from .audited import register_with_audit
        from .models import Channel

        register_with_audit()
        leaving.register()
        register_notice_kinds()
        # The public register is cached (public.py): any change to a channel or a unit's name
        # forgets it.
        for model in (Channel, Unit):
            post_save.connect(public.forget, sender=model, dispatch_uid=f"public-register:{model._meta.label}:save")
            post_delete.connect(public.forget, sender=model, dispatch_uid=f"public-register:{model._meta.label}:delete")


def register_notice_kinds() -> None:
    from notifications.kinds import register

    for name, label, always_mail in [
        ("rhythm_missed", _("A channel of mine missed its update rhythm"), False),
        ("rhythm_escalated", _("To the manager: a channel missed its update rhythm twice in a row"), True),
        ("screenshot_due", _("The half year's screenshots of a channel are due"), False),
        ("screenshot_overdue", _("To the manager: a channel's screenshots are overdue"), True),
        ("roster_gap", _("To the manager: a week without supervision is coming"), False),
        ("inventory_overdue", _("A channel's inventory is overdue"), False),
        ("inventory_escalated", _("To the manager: a channel's inventory is long overdue"), True),
    ]:
        register(name, label, always_mail=always_mail)
