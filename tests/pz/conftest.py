"""One test IdP (pz.testidp, a real pysaml2 IdP on 127.0.0.1) for the whole test session, and
the settings that point the service provider at it."""

import re
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from pz import saml
from pz.keys import write_key_pair
from pz.testidp import TestIdP

SP_ENTITY_ID = "https://smk.test/pz/metadane/"


@pytest.fixture(scope="session")
def pz_keys(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pz")
    key, cert = write_key_pair(directory, "sp", "SMK test SP")
    return directory, key, cert


@pytest.fixture(scope="session")
def test_idp(pz_keys):
    directory, _key, _cert = pz_keys
    idp = TestIdP(directory / "idp").start()
    yield idp
    idp.stop()


def configure(settings, test_idp, pz_keys, base_url="http://testserver"):
    _directory, key, cert = pz_keys
    settings.PZ_SP_ENTITY_ID = SP_ENTITY_ID
    settings.PZ_SP_BASE_URL = base_url
    settings.PZ_SP_KEY_FILE = str(key)
    settings.PZ_SP_CERT_FILE = str(cert)
    settings.PZ_IDP_METADATA_FILE = str(test_idp.metadata_file)
    settings.PZ_IDP_METADATA_URL = ""
    test_idp.trust_sp(saml.sp_metadata())
    test_idp.mode = None


@pytest.fixture
def pz_on(settings, test_idp, pz_keys):
    configure(settings, test_idp, pz_keys)
    return test_idp


def start_at_idp(client) -> str:
    """Press "Profil Zaufany": the URL of the IdP's page the browser is sent to."""
    response = client.get(reverse("pz:login"))
    assert response.status_code == 302
    return response["Location"]


def idp_answer(idp, location: str, pesel: str, mode: str | None = None) -> str:
    """Log in at the IdP as the person with this PESEL: the ACS path (with the artifact)."""
    page = requests.get(location, timeout=10)
    assert page.status_code == 200, page.text
    ticket = re.search(r'name="ticket" value="([^"]+)"', page.text).group(1)
    idp.mode = mode
    answer = requests.post(
        f"{idp.base_url}/login",
        data={"ticket": ticket, "person": pesel},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    url = urlsplit(answer.headers["Location"])
    return f"{url.path}?{url.query}"


def log_in_with_pz(client, idp, pesel: str, mode: str | None = None):
    """The whole round trip; the SP's answer to the artifact."""
    acs = idp_answer(idp, start_at_idp(client), pesel, mode)
    return client.get(acs)
