from accounts.profiles import resolve_active_profile


class ActiveProfileMiddleware:
    """Sets ``request.profile`` (the active profile or None) and ``request.profiles``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.profile, request.profiles = resolve_active_profile(request)
        return self.get_response(request)
