"""SCAFFOLD: being written; every view answers 404 until then."""

from django.http import Http404



def inventory_overdue(request, *args, **kwargs):
    raise Http404


def trainings(request, *args, **kwargs):
    raise Http404


def absences(request, *args, **kwargs):
    raise Http404
