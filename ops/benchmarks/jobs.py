"""Every scheduled job over the region-sized dataset, as `run_job` runs it (the same domain
function the task wraps), for today. A job's first run does the day's work and its second finds
it done (every job is idempotent), so each is measured once, on the first run of the day.

`render_pdfs` is left out: its work is one PDF per signed plan that lacks one (thousands in a
fabricated dataset, a handful in real use), and one rendering is measured by the PDF case.
"""

import inspect

from django.utils import timezone
from django.utils.module_loading import import_string

from kob_social.schedules import JOBS

from .measure import Result, once

LEFT_OUT = {"render_pdfs"}


def measure(out=None) -> list[Result]:
    today = timezone.localdate()
    results = []
    for name, schedule in JOBS.items():
        if name in LEFT_OUT:
            continue
        function = import_string(schedule.function)
        call = (lambda f=function: f(today=today)) if "today" in inspect.signature(function).parameters else function
        if out:
            out.write(f"  {name} …\n")
        goal = "< 10 s" if name == "weekly_check" else ""
        results.append(once("jobb", name, call, goal=goal, note=schedule.name))
    return results
