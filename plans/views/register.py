"""SCAFFOLD: being written; every view answers 404 until then."""

from django.http import Http404



def public_register(request, *args, **kwargs):
    raise Http404


def public_register_json(request, *args, **kwargs):
    raise Http404


def public_register_csv(request, *args, **kwargs):
    raise Http404
