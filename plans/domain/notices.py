"""Who hears about a plan's transition, and what they are told (in Swedish, the default)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.domain import notify

from ..enums import PENDING, Action, PlanStatus
from ..models import Decision, Plan
from . import escalation
from .deciders import next_deciders


def plan_transitioned(plan: Plan, action: Action, actor: User, previous_status: str, decision: Decision | None) -> None:
    document_transitioned(plan, action, actor, previous_status, decision)


def document_transitioned(plan, action: Action, actor: User, previous_status: str, decision: Decision | None) -> None:
    """Tell the next deciders and the author about a transition of a plan or closure request.

    (The variable is called `plan` for the common case; closure requests read the same.)"""
    is_plan = isinstance(plan, Plan)
    with translation.override(settings.LANGUAGE_CODE):
        title = str(plan)
        url = plan.get_absolute_url()
        told: set[int] = set()

        def tell(person: User, kind: str, subject: str, body: str) -> None:
            if person.pk in told or not person.is_active:
                return
            told.add(person.pk)
            notify(
                recipient=person,
                kind=kind,
                key=f"{plan._meta.model_name}:{plan.pk}:r{plan.revision}:{kind}:{person.pk}",
                subject=subject,
                body=body,
                url=url,
            )

        deciders = next_deciders(plan) if plan.status in PENDING else []
        escalation.judge(plan, deciders)
        if plan.status in PENDING:
            waiting_subject = (
                _("A plan is waiting for your decision: %(plan)s")
                if is_plan
                else _("A closure request is waiting for your decision: %(plan)s")
            )
            for person in deciders:
                tell(
                    person,
                    "plan_waiting",
                    waiting_subject % {"plan": title},
                    _("%(plan)s (%(unit)s) is waiting for your decision at the step “%(step)s”.")
                    % {"plan": title, "unit": plan.unit, "step": plan.get_status_display()},
                )

        if action == Action.WITHDRAW:
            if previous_status in PENDING:
                previous = Plan(
                    status=previous_status, deciding_chef=plan.deciding_chef, author=plan.author, unit=plan.unit
                )
                for person in next_deciders(previous):
                    tell(
                        person,
                        "plan_withdrawn",
                        _("A plan was withdrawn: %(plan)s") % {"plan": title},
                        _("%(author)s withdrew %(plan)s. You no longer need to decide on it.")
                        % {"author": plan.author, "plan": title},
                    )
            return

        body = {
            Action.SUBMIT: _("Your plan %(plan)s has been submitted and is now %(status)s."),
            Action.APPROVE: _("%(actor)s approved %(plan)s. It is now: %(status)s."),
            Action.RETURN: _("%(actor)s returned %(plan)s to you for changes: “%(comment)s”"),
            Action.REJECT: _("%(actor)s rejected %(plan)s: “%(comment)s”"),
        }[action] % {
            "plan": title,
            "status": plan.get_status_display().lower(),
            "actor": actor,
            "comment": decision.comment if decision else "",
        }
        if is_plan:
            subject = {
                PlanStatus.GODKAND: _("Your plan has been approved: %(plan)s"),
                PlanStatus.ATERSAND: _("Your plan has been returned: %(plan)s"),
                PlanStatus.AVSLAGEN: _("Your plan has been rejected: %(plan)s"),
            }.get(plan.status, _("News about your plan: %(plan)s")) % {"plan": title}
        else:
            subject = {
                PlanStatus.GODKAND: _("Closure approved: %(plan)s"),
                PlanStatus.ATERSAND: _("Closure request returned: %(plan)s"),
                PlanStatus.AVSLAGEN: _("Closure request rejected: %(plan)s"),
            }.get(plan.status, _("News about your closure request: %(plan)s")) % {"plan": title}
        tell(plan.author, f"plan_{action}", subject, body)


def chef_changed(document, previous: User | None) -> None:
    """Tell the chef a waiting plan or closure request left, and whoever may decide it now, that
    the unit's chef changed (domain.routing, after the move is saved). Once each: the key carries
    the revision the move gave the document."""
    is_plan = isinstance(document, Plan)
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "plan": str(document),
            "unit": document.unit,
            "chef": document.deciding_chef,
            "step": document.get_status_display(),
        }

        def tell(person: User, kind: str, subject: str, body: str) -> None:
            notify(
                recipient=person,
                kind=kind,
                key=f"{document._meta.model_name}:{document.pk}:r{document.revision}:{kind}:{person.pk}",
                subject=subject % values,
                body=body % values,
                url=document.get_absolute_url(),
            )

        deciders = next_deciders(document)
        escalation.judge(document, deciders)
        if previous is not None and previous.is_active and previous not in deciders:
            tell(
                previous,
                "plan_moved",
                _("A plan no longer waits for you: %(plan)s")
                if is_plan
                else _("A closure request no longer waits for you: %(plan)s"),
                _("The manager of %(unit)s has changed: %(plan)s is now decided by %(chef)s.")
                if document.deciding_chef
                else _("The manager of %(unit)s has changed: %(plan)s waits until the unit has a manager again."),
            )
        for person in deciders:
            tell(
                person,
                "plan_waiting",
                _("A plan is waiting for your decision: %(plan)s")
                if is_plan
                else _("A closure request is waiting for your decision: %(plan)s"),
                _("The manager of %(unit)s has changed: %(plan)s now waits for your decision at the step “%(step)s”."),
            )
