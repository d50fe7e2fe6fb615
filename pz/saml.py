"""The service provider's side of SAML 2.0 towards the national node (login.gov.pl), with
pysaml2: a signed AuthnRequest (HTTP-Redirect), the answer by the HTTP-Artifact binding and
its resolution over the back channel (a signed SOAP ArtifactResolve), the assertion encrypted
to our key, single logout (HTTP-Redirect).

Configured by the ``PZ_*`` settings (environment variables, README "Logowanie przez Profil
Zaufany"); :func:`enabled` is false while ``PZ_SP_ENTITY_ID`` is unset and the login page says
nothing about Profil Zaufany then.
"""

import shutil
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from lxml import etree
from saml2 import (
    BINDING_HTTP_ARTIFACT,
    BINDING_HTTP_REDIRECT,
    SAMLError,
    xmldsig,
)
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.response import StatusError, UnsolicitedResponse, VerificationError
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.sigver import SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

#: The natural-person attributes the node sends (eIDAS names, as login.gov.pl uses them).
ATTR_PESEL = "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier"
ATTR_FIRST_NAME = "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName"
ATTR_LAST_NAME = "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName"

SIGN_ALG = xmldsig.SIG_RSA_SHA256
DIGEST_ALG = xmldsig.DIGEST_SHA256


class LoginRefused(Exception):
    """The node's answer was not accepted; ``message`` says why, for the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


REFUSED_SIGNATURE = _(
    "Podpis odpowiedzi z Profilu Zaufanego jest nieprawidłowy. Nie zalogowano — spróbuj ponownie."
)
REFUSED_EXPIRED = _("Odpowiedź z Profilu Zaufanego straciła ważność. Zaloguj się ponownie.")
REFUSED_AUDIENCE = _(
    "Odpowiedź z Profilu Zaufanego była przeznaczona dla innego serwisu. Nie zalogowano."
)
REFUSED_REPLAYED = _(
    "Ta odpowiedź z Profilu Zaufanego została już wykorzystana. Zaloguj się ponownie."
)
REFUSED_STATUS = _("Profil Zaufany nie potwierdził tożsamości. Nie zalogowano.")
REFUSED_OTHER = _("Logowanie przez Profil Zaufany nie powiodło się. Spróbuj ponownie.")
REFUSED_ATTRIBUTES = _("Profil Zaufany nie przekazał numeru PESEL, imienia i nazwiska.")


def enabled() -> bool:
    return bool(settings.PZ_SP_ENTITY_ID)


def _base_url() -> str:
    return (settings.PZ_SP_BASE_URL or settings.SITE_URL).rstrip("/")


def sp_config_dict() -> dict:
    if not enabled():
        raise ImproperlyConfigured("Profil Zaufany is off: PZ_SP_ENTITY_ID is not set")
    key, cert = settings.PZ_SP_KEY_FILE, settings.PZ_SP_CERT_FILE
    if not key or not cert:
        raise ImproperlyConfigured("PZ_SP_KEY_FILE and PZ_SP_CERT_FILE are required")
    if settings.PZ_IDP_METADATA_FILE:
        metadata = {"local": [settings.PZ_IDP_METADATA_FILE]}
    elif settings.PZ_IDP_METADATA_URL:
        remote = {"url": settings.PZ_IDP_METADATA_URL}
        if settings.PZ_IDP_METADATA_CERT:
            remote["cert"] = settings.PZ_IDP_METADATA_CERT
        metadata = {"remote": [remote]}
    else:
        raise ImproperlyConfigured("PZ_IDP_METADATA_FILE or PZ_IDP_METADATA_URL is required")
    xmlsec = settings.PZ_XMLSEC_BINARY or shutil.which("xmlsec1")
    if not xmlsec:
        raise ImproperlyConfigured("xmlsec1 is not installed (apt-get install xmlsec1)")
    base = _base_url()
    return {
        "entityid": settings.PZ_SP_ENTITY_ID,
        "xmlsec_binary": xmlsec,
        "key_file": key,
        "cert_file": cert,
        "encryption_keypairs": [{"key_file": key, "cert_file": cert}],
        "metadata": metadata,
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.PZ_CLOCK_SKEW_SECONDS,
        # The node's answers carry personal data: pysaml2 logs whole messages at DEBUG.
        "logging": None,
        "service": {
            "sp": {
                "name": "SMK",
                "endpoints": {
                    "assertion_consumer_service": [
                        (base + reverse("pz:acs"), BINDING_HTTP_ARTIFACT)
                    ],
                    "single_logout_service": [(base + reverse("pz:slo"), BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_response_signed": False,
                "want_assertions_signed": True,
                "want_assertions_or_response_signed": True,
                "allow_unsolicited": False,
                "signing_algorithm": SIGN_ALG,
                "digest_algorithm": DIGEST_ALG,
            }
        },
    }


def _config_key() -> tuple:
    return (
        settings.PZ_SP_ENTITY_ID,
        settings.PZ_SP_KEY_FILE,
        settings.PZ_SP_CERT_FILE,
        settings.PZ_IDP_METADATA_FILE,
        settings.PZ_IDP_METADATA_URL,
        _base_url(),
    )


@cache
def _client(key: tuple) -> Saml2Client:
    config = SPConfig()
    config.load(sp_config_dict())
    return Saml2Client(config=config)


def client() -> Saml2Client:
    """One client per configuration (reading the node's metadata is slow)."""
    return _client(_config_key())


def reset() -> None:
    """Forget the clients (the test IdP's metadata changes between test sessions)."""
    _client.cache_clear()


def sp_metadata() -> str:
    return create_metadata_string(None, config=client().config, valid=24 * 7, sign=False).decode()


def idp_entity_id() -> str:
    idps = list(client().metadata.identity_providers())
    if len(idps) != 1:
        raise ImproperlyConfigured(f"the node's metadata must name one IdP, not {len(idps)}")
    return idps[0]


def authn_redirect(relay_state: str) -> tuple[str, str]:
    """(request ID, URL to send the browser to) for a signed AuthnRequest."""
    sp = client()
    request_id, info = sp.prepare_for_authenticate(
        entityid=idp_entity_id(),
        relay_state=relay_state,
        binding=BINDING_HTTP_REDIRECT,
        response_binding=BINDING_HTTP_ARTIFACT,
        sign=True,
        sigalg=SIGN_ALG,
        digest_alg=DIGEST_ALG,
    )
    return request_id, dict(info["headers"])["Location"]


@dataclass(frozen=True)
class Identity:
    pesel: str
    first_name: str
    last_name: str
    name_id: str
    session_index: str
    assertion_id: str


def _session_index(response) -> str:
    statements = response.assertion.authn_statement or []
    return (statements[0].session_index or "") if statements else ""


def _raw_attributes(assertion) -> dict[str, list[str]]:
    """The attributes by their SAML names, whatever attribute maps pysaml2 carries."""
    values: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement or []:
        for attribute in statement.attribute or []:
            values.setdefault(attribute.name, []).extend(
                (value.text or "") for value in attribute.attribute_value or []
            )
    return values


def _first(ava: dict, name: str) -> str:
    values = ava.get(name) or []
    return str(values[0]).strip() if values else ""


def _unpack_artifact_response(soap: str) -> tuple[str, str]:
    """(the ArtifactResponse, the Response inside it), each as the IdP wrote it."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(soap.encode(), parser=parser)
    protocol = "{urn:oasis:names:tc:SAML:2.0:protocol}"
    outer = root.findall(f".//{protocol}ArtifactResponse")
    inner = outer[0].findall(f"{protocol}Response") if len(outer) == 1 else []
    if len(inner) != 1:
        raise ValueError("the ArtifactResponse must carry one Response")
    return etree.tostring(outer[0]).decode(), etree.tostring(inner[0]).decode()


def resolve_artifact(artifact: str, outstanding: dict) -> Identity:
    """Resolve the artifact over the back channel, check and decrypt the answer.

    Refuses (:class:`LoginRefused`) a bad signature, an expired answer, another audience, an
    answer to no request of this session, and a failed status."""
    sp = client()
    try:
        soap = sp.artifact2message(artifact, "idpsso", sign=True)
        # Both signatures are checked on the XML as it came: pysaml2's own SOAP unpacking
        # re-serialises it, which breaks a signature made by anyone writing other prefixes.
        outer, inner = _unpack_artifact_response(soap.text)
        sp.sec.correctly_signed_message(outer, "artifact_response", must=True)
        response = sp.parse_authn_request_response(inner, None, outstanding=outstanding)
    except SignatureError as exc:
        raise LoginRefused(REFUSED_SIGNATURE) from exc
    except (ResponseLifetimeExceed, ToEarly) as exc:
        raise LoginRefused(REFUSED_EXPIRED) from exc
    except VerificationError as exc:
        # "Condition not OK": the assertion's validity window (NotBefore / NotOnOrAfter).
        if "Condition" in str(exc):
            raise LoginRefused(REFUSED_EXPIRED) from exc
        raise LoginRefused(REFUSED_OTHER) from exc
    except UnsolicitedResponse as exc:
        raise LoginRefused(REFUSED_REPLAYED) from exc
    except StatusError as exc:
        raise LoginRefused(REFUSED_STATUS) from exc
    except (SAMLError, ValueError, Exception) as exc:
        if "AudienceRestrictions" in str(exc):
            raise LoginRefused(REFUSED_AUDIENCE) from exc
        if "Signature" in type(exc).__name__ or "signature" in str(exc).lower():
            raise LoginRefused(REFUSED_SIGNATURE) from exc
        raise LoginRefused(REFUSED_OTHER) from exc
    if response is None or response.assertion is None:
        raise LoginRefused(REFUSED_OTHER)
    ava = _raw_attributes(response.assertion)
    identity = Identity(
        pesel=_first(ava, ATTR_PESEL),
        first_name=_first(ava, ATTR_FIRST_NAME),
        last_name=_first(ava, ATTR_LAST_NAME),
        name_id=response.name_id.text if response.name_id is not None else "",
        session_index=_session_index(response),
        assertion_id=response.assertion.id,
    )
    if not identity.pesel or not identity.first_name or not identity.last_name:
        raise LoginRefused(REFUSED_ATTRIBUTES)
    return identity
