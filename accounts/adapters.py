from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from accounts.profiles import profiles_of


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts of clerks and unit staff come from approved role requests; self-service
        # registration of applicants arrives with the applicant portal.
        return False

    def get_login_redirect_url(self, request):
        # Seed 003: someone without a profile to work in starts at "Moje konto", where
        # "Składam wniosek" is; everyone else at the home page.
        if request.user.is_authenticated and not profiles_of(request.user):
            return reverse("accounts:my_account")
        return super().get_login_redirect_url(request)
