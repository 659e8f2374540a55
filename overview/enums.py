"""The overview's columns and the lights of its cells."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    """A cell's state. NONE: the column does not apply to the channel (a planned channel has no
    roster to keep yet), or there is nothing to judge."""

    GREEN = "gron", _("Good")
    AMBER = "gul", _("Needs attention")
    RED = "rod", _("Problem")
    NONE = "ingen", _("Not applicable")


class Column(models.TextChoices):
    """The overview's columns, in their order on the page."""

    PLAN = "plan", _("Plan")
    RHYTHM = "rhythm", _("Update rhythm")
    ROSTER = "roster", _("Roster")
    SCREENSHOTS = "screenshots", _("Screenshots")
    INVENTORY = "inventory", _("Inventory")
    TRAINING = "training", _("Training")
    GOALS = "goals", _("Goals")
    EVALUATION = "evaluation", _("Evaluation")


# How bad a light is, for sorting worst first: a red outweighs any number of ambers.
WEIGHT = {Light.RED: 100, Light.AMBER: 1, Light.GREEN: 0, Light.NONE: 0}
