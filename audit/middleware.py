"""Each request's audit context (who, from which address, one group for its events), and the
refusals: a request for an object answered 403 or 404 becomes an event with the object it was
about (the URL's `pk`, and the subject the app registered for the view)."""

from kob_social.client_ip import client_ip

from . import domain, registry
from .context import Context, opened

REFUSED = (403, 404)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with opened(Context(request=request, address=client_ip(request) or None)):
            response = self.get_response(request)
            if response.status_code in REFUSED:
                _record_refusal(request, response)
        return response


def _record_refusal(request, response) -> None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return
    # Our views name their object `pk`; the admin's, `object_id`.
    pk = match.kwargs.get("pk", match.kwargs.get("object_id"))
    if response.status_code == 404 and pk is None:
        return
    subject = registry.view_subject(match.view_name)
    subjects = {subject: int(pk)} if subject in registry.SUBJECTS and str(pk).isdigit() else {}
    domain.record(
        "access.refused",
        object_type=match.view_name,
        object_id=str(pk) if pk is not None else "",
        object_label=f"{match.view_name} {pk}" if pk is not None else match.view_name,
        reason=f"{response.status_code} {request.method} {request.path}",
        **subjects,
    )
