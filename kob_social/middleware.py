from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin


class SwedishFirstLocaleMiddleware(MiddlewareMixin):
    """Swedish unless the person chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a colleague
    whose computer is set up in English would get the English interface without asking
    for it. Here only the language cookie (set by the switch) changes the language.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class PrivatePagesMiddleware:
    """Every response to a signed-in person is `Cache-Control: private, no-store`.

    A page shows what this person may see now; a shared proxy must not keep it, and the
    browser must not show it again from its cache after sign-out or on a shared computer.
    Anything a view said about caching is replaced: no page for a signed-in person is cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
            patch_vary_headers(response, ("Cookie",))
        return response
