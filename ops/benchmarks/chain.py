"""One approval per step of the chain, on plans waiting at that step in the dataset, through the
one write path (`plans.domain.transitions.transition`), as one of the people who may decide it.
Each measured call approves another plan; the floor is `SELECT 1`."""

from django.db import connection

from plans.domain.deciders import next_deciders
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Plan

from .measure import Floor, Result, interleaved

STEPS = [
    ("godkännande, chefssteget", PlanStatus.HOS_CHEF),
    ("godkännande, kommunikationssteget", PlanStatus.HOS_KOMMUNIKATION),
    ("godkännande, direktörssteget", PlanStatus.HOS_DIREKTOR),
]


def select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def measure(*, pairs: int) -> list[Result]:
    results = []
    for case, status in STEPS:
        waiting = []
        for plan in Plan.objects.filter(status=status).select_related("deciding_chef").order_by("pk")[: 4 * pairs]:
            deciders = next_deciders(plan)
            if deciders:
                waiting.append((plan.pk, deciders[0]))
        if len(waiting) < pairs + 2:
            results.append(
                Result("kedjan", case, "SELECT 1", 0, 0, 0, 0, 0, None, None, None, note="för få väntande planer")
            )
            continue
        queue = iter(waiting)

        def approve(queue=queue):
            plan_id, actor = next(queue)
            return transition(plan_id, Action.APPROVE, actor=actor)

        results.append(interleaved("kedjan", case, approve, Floor("SELECT 1", select_one), pairs=pairs))
    return results
