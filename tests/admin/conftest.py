import time

import pytest
from django.test import Client


@pytest.fixture
def mfa_admin_client(administrator):
    """The central administrator, logged in with the password and the second factor."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(administrator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(administrator)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": administrator.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session.save()
    return client
