"""Signup opened for the tests, as the lead opens it in ``accounts.adapters`` (issue 9)."""

import contextlib

from django.core.cache import cache
from django.test import override_settings

from accounts.adapters import AccountAdapter

#: The adapter and the signup form the settings name once signup is open (issue 9's report).
SIGNUP_SETTINGS = {
    "ACCOUNT_ADAPTER": "tests.applicant.signup.OpenSignupAdapter",
    "ACCOUNT_FORMS": {"signup": "qualification.registration.ApplicantSignupForm"},
}


class OpenSignupAdapter(AccountAdapter):
    def is_open_for_signup(self, request):
        return True


@contextlib.contextmanager
def signup_open():
    # allauth's rate limits (one confirmation e-mail per address every few minutes) live in
    # the cache: start with none used.
    cache.clear()
    with override_settings(**SIGNUP_SETTINGS):
        yield
