"""The signed PDF's section of the plan page reads its record here, without the bytes."""

from django import template

from ..models import SignedPlan

register = template.Library()


@register.simple_tag
def signed_record(plan):
    """The plan's signed record, or None. The PDF and the snapshot stay in the database: the
    page shows only the fingerprints and the state, and a PDF may be hundreds of kilobytes."""
    return SignedPlan.objects.defer("pdf", "snapshot").filter(plan=plan).first()
