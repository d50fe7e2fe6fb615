from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts of clerks and unit staff come from approved role requests; self-service
        # registration of applicants arrives with the applicant portal.
        return False
