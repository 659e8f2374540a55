"""SCAFFOLD: being written; every view answers 404 until then."""

from django.http import Http404



def channel_list(request, *args, **kwargs):
    raise Http404


def channel_detail(request, *args, **kwargs):
    raise Http404


def channel_status(request, *args, **kwargs):
    raise Http404


def checklist(request, *args, **kwargs):
    raise Http404


def appoint(request, *args, **kwargs):
    raise Http404


def agreement_create(request, *args, **kwargs):
    raise Http404


def agreement_confirm(request, *args, **kwargs):
    raise Http404


def roster(request, *args, **kwargs):
    raise Http404


def inventory(request, *args, **kwargs):
    raise Http404


def screenshot_create(request, *args, **kwargs):
    raise Http404


def removal_create(request, *args, **kwargs):
    raise Http404


def download(request, *args, **kwargs):
    raise Http404
