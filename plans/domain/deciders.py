"""Who may decide the step a waiting plan or closure request is at now: the holders of the
step's role and their deputies, where rules.authority lets them (never the author, never an
inactive person, never someone who decided another step of the round)."""

from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from accounts.queries import arrangements_for, users_with_role

from .. import rules
from ..enums import STEP_ROLE, Step


def next_deciders(document) -> list[User]:
    """Everyone who may decide the step the plan (or closure request) now waits at: the holders
    of the step's role and their deputies, where rules.decidable_step lets them."""
    return deciders_reader()(document)


def deciders_reader():
    """`next_deciders` for many documents (the daily reminder): each role's holders and deputy
    arrangements are read once rather than once per document."""
    holders: dict[Role, list[User]] = {}
    deputies: dict[Role, list[User]] = {}
    today = timezone.localdate()

    def deciders(document) -> list[User]:
        step = document.current_step
        if step is None:
            return []
        role = STEP_ROLE[step]
        if step == Step.CHEF:
            candidates = [document.deciding_chef] if document.deciding_chef else []
        else:
            if role not in holders:
                holders[role] = list(users_with_role(role).order_by("pk"))
            candidates = holders[role]
        if role not in deputies:
            deputies[role] = [arrangement.deputy for arrangement in arrangements_for(role, today)]
        found, seen = [], set()
        for person in [*candidates, *deputies[role]]:
            if person.pk not in seen and rules.decidable_step(person, document) == step:
                found.append(person)
            seen.add(person.pk)
        return found

    return deciders
