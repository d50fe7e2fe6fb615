from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse

from accounts import profiles
from accounts.profiles import profiles_of


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # "Rejestracja — jestem nowym użytkownikiem" (seed 002): applicants register
        # themselves; qualification.registration.ApplicantSignupForm gives the new account its
        # personal profile with the Diagnosta role in the same transaction. Clerks and unit
        # staff get their roles through approved role requests.
        return True

    def login(self, request, user):
        super().login(request, user)
        # Seed 003: with several active profiles the person chooses one before working.
        profiles.note_login(request, user)

    def get_login_redirect_url(self, request):
        # Seed 003: someone without a profile to work in starts at "Moje konto", where
        # "Składam wniosek" is; everyone else at the home page.
        if request.user.is_authenticated and not profiles_of(request.user):
            return reverse("accounts:my_account")
        return super().get_login_redirect_url(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # The failed-login limit per account is keyed by allauth as "<site domain>:<e-mail>",
        # the domain being the request's Host with its port, which Django does not check against
        # ALLOWED_HOSTS: "Host: smk.example.gov.pl:1", ":2"… would each start a new count. One
        # installation is one site, so the account's e-mail alone is the key.
        return credentials.get("email", "").lower()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # An external (OpenID Connect) login only logs in to an existing account.
        return False
