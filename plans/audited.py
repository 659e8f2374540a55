"""What this app tells the audit log (the `audit` app, below it): its registered actions and
which subject the `pk` of its views names, for refused requests. Called from apps.ready."""

from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from audit.enums import Kind
from audit.registry import register, register_view_subjects

from . import personal_data
from .enums import Action
from .models import ClosureRequest, Plan

# What a transition did, said of the document ("Handlingsplan godkänd").
DONE = {
    Action.SUBMIT: _("submitted"),
    Action.APPROVE: _("approved"),
    Action.RETURN: _("returned for changes"),
    Action.REJECT: _("rejected"),
    Action.WITHDRAW: _("withdrawn"),
    Action.SUPERSEDE: _("superseded by a new version"),
}


def transition_event(model, action: Action) -> str:
    """The audit action of a transition of the chain: `plans.plan.godkann`."""
    return f"{model._meta.label_lower}.{Action(action).value}"


def rerouted_event(model) -> str:
    """The audit action of a document moved to its unit's new chef: `plans.plan.rerouted`."""
    return f"{model._meta.label_lower}.rerouted"


def register_with_audit() -> None:
    for model in (Plan, ClosureRequest):
        register(
            rerouted_event(model),
            format_lazy("{} {}", capfirst(model._meta.verbose_name), _("moved to the unit's new manager")),
            Kind.DECISION,
        )
        for action, done in DONE.items():
            register(
                transition_event(model, action),
                format_lazy("{} {}", capfirst(model._meta.verbose_name), done),
                Kind.DECISION,
            )
    register("plans.plan.created", _("Plan draft created"), Kind.CHANGE)
    register("plans.plan.saved", _("Plan draft saved"), Kind.CHANGE)
    register("plans.plan.revised", _("New version of the plan started"), Kind.CHANGE)
    register("plans.closurerequest.created", _("Closure request created"), Kind.CHANGE)
    register("plans.closurerequest.saved", _("Closure request saved"), Kind.CHANGE)
    register("plans.signedplan.downloaded", _("Signed plan downloaded"), Kind.READ)
    register("plans.plan.preview_downloaded", _("Plan preview downloaded"), Kind.READ)
    register_view_subjects({"plans:*": "plan", "closures:create": "channel"})
    personal_data.register()
