"""What the channel register asks of the plans above it, without importing them.

The register knows nothing of handlingsplaner, yet three of its rules need one: a channel
becomes active only with an approved plan (domain.channels.activation_blockers), the weekly
check judges a channel against the update rhythm of its plan in force (domain.rhythm), and
the channel's page shows the channel's plans and closure requests. The `plans` app answers
these by connecting a `PlanLink` when Django starts (plans.apps.PlansConfig.ready), so that
the import arrow keeps pointing one way: `plans` → `channel_register`.

Without a link (the register on its own, in a test that wants it so) a channel has no plan:
it cannot be activated, no rhythm is checked and its page shows no plans.

The apps above the plans (`metrics`) reach the channel's page the same way: a link to their own
pages (`add_page_links`) or a section of the page itself (`add_page_sections`), registered in
their AppConfig.ready.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanLink:
    # (channel) -> whether an approved plan of the channel exists. One query.
    has_approved_plan: Callable[[object], bool]
    # (channel ids) -> {channel id: (updates required, FrequencyPeriod value)} from the plan in
    # force (the approved version with the highest number) of each channel that has one; the
    # count may be None and the period "" when the plan states none. One query.
    update_rhythms: Callable[[list[int]], dict[int, tuple[int | None, str]]]
    # (request, channel) -> the channel page's context from the plans: "plan_in_force",
    # "required_rhythm" (the rhythm it requires, in words, or ""), and "page_sections":
    # {"plans": template, "closures": template} with the variables those templates read.
    channel_page: Callable[[object, object], dict]


def _no_plan_page(request, channel) -> dict:
    return {"plan_in_force": None, "required_rhythm": "", "page_sections": {}}


NO_PLANS = PlanLink(
    has_approved_plan=lambda channel: False,
    update_rhythms=lambda channel_ids: {},
    channel_page=_no_plan_page,
)

_link: PlanLink = NO_PLANS


def connect(link: PlanLink) -> None:
    """Called once by the plans app at start-up."""
    global _link
    _link = link


def plans() -> PlanLink:
    return _link


# --- Links from the channel's page to the pages of the apps above ---------------------------------

# (request, channel) -> [(label, url)]: pages of an app above the register about the channel
# (the measuring page of `metrics`), linked from the channel's page. Build the URL with
# `reverse` only: the channel's page must not cost a query per app.
PageLinks = Callable[[object, object], list[tuple[str, str]]]

_page_links: list[PageLinks] = []


def add_page_links(links: PageLinks) -> None:
    """Called once by an app above the register at start-up (its AppConfig.ready); adding the
    same callable again changes nothing."""
    if links not in _page_links:
        _page_links.append(links)


def page_links(request, channel) -> list[tuple[str, str]]:
    """Every registered app's links for the channel's page, in the order the apps registered."""
    return [link for links in _page_links for link in links(request, channel)]


# --- Sections of the channel's page from the apps above -------------------------------------------

# (request, channel) -> {"page_sections": {name: template}, **the variables those templates read}:
# a section of the channel's page from an app above the register (where the channel stands in
# the SMILEY cycle, from `metrics`). The page includes each template where it names the section;
# a name the page does not know is not shown. Each callable says in its docstring how many
# queries it costs: the page's count must not grow with the channel's history.
PageSections = Callable[[object, object], dict]

_page_sections: list[PageSections] = []


def add_page_sections(sections: PageSections) -> None:
    """Called once by an app above the register at start-up (its AppConfig.ready); adding the
    same callable again changes nothing."""
    if sections not in _page_sections:
        _page_sections.append(sections)


def page_sections(request, channel) -> dict:
    """Every registered app's sections for the channel's page, merged into one context: the
    variables side by side (a later app's name wins, so apps keep their names distinct), and
    the "page_sections" of all of them in one dict (always present, empty without any)."""
    context: dict = {}
    templates: dict[str, str] = {}
    for sections in _page_sections:
        given = dict(sections(request, channel))
        templates.update(given.pop("page_sections", {}))
        context.update(given)
    return {**context, "page_sections": templates}


# --- What the apps above read with the channel itself ----------------------------------------------

# (queryset of channels) -> the same queryset reading more with each channel (a select_related
# of a row of the app above, or annotations its section reads): the channel's page reads the
# channel once, and a section whose facts came with it costs no query of its own. The section
# must still answer for a channel read without them (as a view answering a failed form does).
PageQuery = Callable[[object], object]

_page_queries: list[PageQuery] = []


def add_page_query(query: PageQuery) -> None:
    """Called once by an app above the register at start-up (its AppConfig.ready); adding the
    same callable again changes nothing."""
    if query not in _page_queries:
        _page_queries.append(query)


def page_query(channels):
    """The channel page's queryset with every registered app's additions."""
    for query in _page_queries:
        channels = query(channels)
    return channels
