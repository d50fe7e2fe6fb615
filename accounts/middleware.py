from accounts import reminders, sessions
from accounts.profiles import redirect_if_choice_due, resolve_active_profile


class ActiveProfileMiddleware:
    """Sets ``request.profile`` (the active profile or None) and ``request.profiles``.

    Also: the notice after an automatic logout (:mod:`accounts.sessions`), the choice of a
    profile after login when there are several (:mod:`accounts.profiles`) and the reminder
    of requests without an attachment on the first page after login
    (:mod:`accounts.reminders`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.profile, request.profiles = resolve_active_profile(request)
        sessions.process_request(request)
        response = (
            redirect_if_choice_due(request)
            or reminders.redirect_if_due(request)
            or self.get_response(request)
        )
        return sessions.process_response(request, response)
