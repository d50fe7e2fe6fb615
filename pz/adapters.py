from accounts.adapters import AccountAdapter as BaseAccountAdapter
from pz import saml
from pz.views import logout_redirect_url


class AccountAdapter(BaseAccountAdapter):
    def get_logout_redirect_url(self, request):
        # Single logout: a session that logged in through Profil Zaufany ends at the node too
        # (allauth asks for this address before it ends the session, so the NameID is there).
        if saml.enabled():
            url = logout_redirect_url(request)
            if url:
                return url
        return super().get_logout_redirect_url(request)
