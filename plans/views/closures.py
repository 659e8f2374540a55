"""SCAFFOLD: being written; every view answers 404 until then."""

from django.http import Http404



def closure_create(request, *args, **kwargs):
    raise Http404


def closure_detail(request, *args, **kwargs):
    raise Http404


def closure_edit(request, *args, **kwargs):
    raise Http404


def closure_action(request, *args, **kwargs):
    raise Http404
