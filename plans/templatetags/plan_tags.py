from django import template

register = template.Library()

STATUS_TONE = {
    "utkast": "neutral",
    "atersand": "amber",
    "hos_chef": "amber",
    "hos_kommunikation": "amber",
    "hos_direktor": "amber",
    "godkand": "green",
    "avslagen": "red",
    "aterkallad": "neutral",
    "ersatt": "neutral",
}


@register.filter
def get(mapping, key):
    """`{{ errors|get:field.name }}`: a dict lookup by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.inclusion_tag("plans/includes/status.html")
def plan_status(plan):
    return {"label": plan.get_status_display(), "tone": STATUS_TONE.get(plan.status, "neutral")}
