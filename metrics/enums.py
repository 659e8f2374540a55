"""The metric catalogue as data: what each metric a goal can be measured in is, and how its
values add up.

The metrics themselves are `plans.enums.Metric` (a goal names one, and goals live in plans,
below this app). What only measuring needs is said here, once per metric:

- `kind`: a LEVEL is a state at a date (followers on 1 March): the latest value counts, values
  never add up. A COUNT happens during a period (visits in March): values add up over the days of
  a period, and a goal in a count metric is read per calendar month (MONTH).
- `higher_is_better`: False only for response time.
- `unit`: what a value is counted in, for labels and charts.
- `platforms`: the platforms that can have the metric, or None for any. A value for a metric
  the channel's platform cannot have is refused (video views of a blog).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from channel_register.enums import Platform
from plans.enums import Metric


class MetricKind(models.TextChoices):
    LEVEL = "niva", _("Level at a date")
    COUNT = "antal", _("Count per period")


class Period(models.TextChoices):
    """What one stored measurement covers: a LEVEL is stored as of a DAY; a COUNT for the DAY,
    WEEK (ISO, from its Monday) or MONTH (from its 1st) starting at the measurement's date."""

    DAY = "dag", _("day")
    WEEK = "vecka", _("week")
    MONTH = "manad", _("month")


class Source(models.TextChoices):
    MANUAL = "manuell", _("Entered by hand")
    IMPORT = "import", _("Imported from a file")


@dataclass(frozen=True)
class MetricSpec:
    metric: Metric
    kind: MetricKind
    unit: str
    higher_is_better: bool = True
    platforms: frozenset[str] | None = None

    @property
    def label(self) -> str:
        return str(self.metric.label)

    def fits(self, platform: str) -> bool:
        """Whether a channel on `platform` can have this metric ("other" platforms can have any)."""
        return self.platforms is None or platform == Platform.OTHER or platform in self.platforms


_VIDEO = frozenset(
    {Platform.YOUTUBE, Platform.FACEBOOK, Platform.INSTAGRAM, Platform.TIKTOK, Platform.LINKEDIN, Platform.X}
)

CATALOGUE: dict[str, MetricSpec] = {
    spec.metric.value: spec
    for spec in [
        MetricSpec(Metric.FOLLOWERS, MetricKind.LEVEL, _("followers")),
        MetricSpec(Metric.VISITS, MetricKind.COUNT, _("visits")),
        MetricSpec(Metric.UNIQUE_VISITORS, MetricKind.COUNT, _("visitors")),
        MetricSpec(Metric.PAGE_VIEWS, MetricKind.COUNT, _("views")),
        MetricSpec(Metric.VIDEO_VIEWS, MetricKind.COUNT, _("views"), platforms=_VIDEO),
        MetricSpec(Metric.COMMENTS, MetricKind.COUNT, _("comments")),
        MetricSpec(Metric.REACTIONS, MetricKind.COUNT, _("reactions")),
        MetricSpec(Metric.SHARES, MetricKind.COUNT, _("shares")),
        MetricSpec(Metric.REGISTRATIONS, MetricKind.COUNT, _("registrations")),
        MetricSpec(Metric.POSTS, MetricKind.COUNT, _("posts")),
        MetricSpec(Metric.RESPONSE_TIME, MetricKind.LEVEL, _("hours"), higher_is_better=False),
    ]
}
# Metric.OTHER is not in the catalogue: a goal measured in "something else" cannot be followed
# up from data, and says so.

# Posts are never stored: they are counted from the channel's update log when asked for.
DERIVED = frozenset({Metric.POSTS.value})

MEASURED_CHOICES = [(value, spec.metric.label) for value, spec in CATALOGUE.items() if value not in DERIVED]


class EvaluationStatus(models.TextChoices):
    """An evaluation is written as a draft (saved as often as the owner likes) and kept once it
    is completed: a completed evaluation is never changed."""

    DRAFT = "utkast", _("Draft")
    DONE = "klar", _("Completed")


class Conclusion(models.TextChoices):
    """What the evaluation concludes for the channel (the strategy: keep, change or close)."""

    CONTINUE = "fortsatt", _("Continue as planned")
    REVISE = "revidera", _("Revise the plan")
    CLOSE = "avveckla", _("Start closing the channel")


# A written answer of an evaluation: a paragraph or a few, as the plan's answers.
EVALUATION_TEXT_MAX_LENGTH = 3000
# A completed evaluation counts for the SMILEY cycle, and postpones the next duty, this long.
EVALUATION_VALID_DAYS = 365
# The owner is reminded when the duty opens; the chef is told this many days later.
EVALUATION_ESCALATION_DAYS = 30
