from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """Measurements, goals against targets and evaluations (the SMILEY cycle); filled by later issues."""

    name = "metrics"
    verbose_name = _("Measurement and evaluation")

    def ready(self):
        # circular: the register's and the plans' hooks, and the cycle's models, are read once the
        # app registry is ready.
        from channel_register import hooks
        from plans import hooks as plan_hooks

        from .audited import register_with_audit
        from .domain.cycle import channel_page_section, with_facts
        from .domain.goals import first_values

        register_with_audit()
        register_notice_kinds()

        hooks.add_page_links(measuring_page_link)
        # Where the channel stands in the SMILEY cycle, its facts read with the channel.
        hooks.add_page_sections(channel_page_section)
        hooks.add_page_query(with_facts)
        # A revised plan's goal first measured on a day now past starts from the value measured then.
        plan_hooks.connect_first_values(first_values)


def measuring_page_link(request, channel) -> list[tuple[str, str]]:
    """The channel page's link to its measuring page (metrics.views.channel_measurements): a
    reverse only, no query. Everyone who sees the channel's page may read the measuring page."""
    return [(_("Measurements and goals"), reverse("metrics:channel", args=[channel.pk]))]


def register_notice_kinds() -> None:
    from notifications.kinds import register

    register("evaluation_due", _("A channel's yearly evaluation is due"))
    register("evaluation_overdue", _("To the manager: a channel's evaluation is overdue"), always_mail=True)
    register("first_measurement_due", _("A goal is to be measured for the first time"))
