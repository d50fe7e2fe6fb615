"""A SAML identity provider standing in for the national node (login.gov.pl), built with
pysaml2 like the service provider: for the tests (one per test session, on 127.0.0.1) and for
``make demo`` (``manage.py pz_demo_idp``). Never for production.

It speaks what the node speaks: it takes a signed AuthnRequest (HTTP-Redirect), shows a login
form with its people (PESEL, first name, surname), answers with an artifact (HTTP-Artifact),
resolves it once over SOAP (checking the SP's signed ArtifactResolve) into a signed Response
whose signed assertion is encrypted to the SP's certificate, and handles single logout.

Tests steer it through :attr:`TestIdP.mode`: ``"tamper_signature"``, ``"expired"``,
``"wrong_audience"`` or ``"replay"`` make the next answer bad in that way.
"""

import html
import secrets
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from saml2 import BINDING_HTTP_REDIRECT, BINDING_SOAP, class_name, samlp
from saml2.authn_context import PASSWORDPROTECTEDTRANSPORT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.s_utils import rndstr
from saml2.saml import NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.sigver import pre_signature_part
from saml2.soap import parse_soap_enveloped_saml_artifact_resolve

from pz.keys import write_key_pair
from pz.saml import ATTR_FIRST_NAME, ATTR_LAST_NAME, ATTR_PESEL, DIGEST_ALG, SIGN_ALG


@dataclass(frozen=True)
class Person:
    pesel: str
    first_name: str
    last_name: str


#: The demo people (valid PESEL check digits, made-up persons).
DEMO_PEOPLE = (
    Person("90010112318", "Anna", "Zaufana"),
    Person("85050554327", "Piotr", "Węzłowy"),
    Person("02270803624", "Ewa", "Nowa"),
)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        # The request lines hold artifacts and SAML messages; nothing of them in a log.
        pass


class TestIdP:
    __test__ = False  # not a pytest class

    def __init__(self, directory: Path, *, host="127.0.0.1", port=0, people=DEMO_PEOPLE):
        self.directory = Path(directory)
        self.people = {p.pesel: p for p in people}
        self.mode: str | None = None
        self.debug = False
        self._pending: dict[str, dict] = {}
        self._last_artifact_response: str | None = None
        self.sessions: dict[str, str] = {}  # name ID -> PESEL
        self._lock = threading.Lock()
        self.key_file, self.cert_file = write_key_pair(self.directory, "idp", "SMK test IdP")
        self._httpd: WSGIServer = make_server(host, port, self.wsgi, handler_class=_QuietHandler)
        self.base_url = f"http://{host}:{self._httpd.server_port}"
        self.entity_id = self.base_url + "/idp"
        self.server = self._make_server()
        self.metadata_file = self.directory / "idp-metadata.xml"
        self.metadata_file.write_text(self.metadata())
        self._thread: threading.Thread | None = None

    # --- set-up -------------------------------------------------------------------------------

    def _config(self, lifetime_minutes: int = 5) -> dict:
        base = self.base_url
        return {
            "entityid": self.entity_id,
            "key_file": str(self.key_file),
            "cert_file": str(self.cert_file),
            "metadata": {},
            "service": {
                "idp": {
                    "name": "Testowy węzeł krajowy",
                    "endpoints": {
                        "single_sign_on_service": [(base + "/sso", BINDING_HTTP_REDIRECT)],
                        "artifact_resolution_service": [(base + "/ars", BINDING_SOAP)],
                        "single_logout_service": [(base + "/slo", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                    "want_authn_requests_signed": True,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": lifetime_minutes},
                            "attribute_restrictions": None,
                            "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
                        }
                    },
                    "signing_algorithm": SIGN_ALG,
                    "digest_algorithm": DIGEST_ALG,
                }
            },
        }

    def _make_server(self, lifetime_minutes: int = 5, audience: str | None = None) -> Server:
        config = IdPConfig()
        config.load(self._config(lifetime_minutes))
        server = Server(config=config)
        if audience is not None:
            policy = server.config.getattr("policy", "idp")
            conditions = policy.conditions
            policy.conditions = lambda _sp_entity_id: conditions(audience)
        return server

    def metadata(self) -> str:
        return create_metadata_string(
            None, config=self.server.config, valid=24, sign=False
        ).decode()

    def trust_sp(self, sp_metadata: str) -> None:
        """Load the service provider's metadata (its endpoints and certificate)."""
        with self._lock:
            self.server.metadata.load("inline", sp_metadata)
            self._sp_metadata = sp_metadata

    def start(self) -> "TestIdP":
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
        self._httpd.server_close()

    # --- HTTP -------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            if path == "/metadata":
                return self._reply(start_response, "200 OK", self.metadata(), "application/xml")
            if path == "/sso" and method == "GET":
                return self._sso(query, start_response)
            if path == "/login" and method == "POST":
                return self._login(self._form(environ), start_response)
            if path == "/ars" and method == "POST":
                return self._ars(self._body(environ), start_response)
            if path == "/slo" and method == "GET":
                return self._slo(query, start_response)
        except Exception as exc:
            if self.debug:
                traceback.print_exc()
            return self._reply(start_response, "400 Bad Request", f"Błąd: {type(exc).__name__}")
        return self._reply(start_response, "404 Not Found", "Nie znaleziono")

    @staticmethod
    def _body(environ) -> str:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return environ["wsgi.input"].read(length).decode()

    def _form(self, environ) -> dict:
        return {k: v[0] for k, v in parse_qs(self._body(environ)).items()}

    @staticmethod
    def _reply(start_response, status, text, content_type="text/html; charset=utf-8", headers=()):
        body = text.encode()
        start_response(status, [("Content-Type", content_type), *headers])
        return [body]

    def _sso(self, query, start_response):
        request = self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        if request is None or not query.get("Signature"):
            return self._reply(start_response, "400 Bad Request", "Niepodpisane żądanie")
        ticket = secrets.token_urlsafe(16)
        with self._lock:
            self._pending[ticket] = {
                "request": request.message,
                "relay_state": query.get("RelayState", ""),
            }
        options = "".join(
            f'<option value="{p.pesel}">{html.escape(p.first_name)} '
            f"{html.escape(p.last_name)}</option>"
            for p in self.people.values()
        )
        page = (
            '<!doctype html><html lang="pl"><head><meta charset="utf-8">'
            "<title>Testowy Profil Zaufany</title></head><body>"
            "<h1>Testowy Profil Zaufany</h1>"
            "<p>To nie jest login.gov.pl: testowy dostawca tożsamości SMK.</p>"
            f'<form method="post" action="{self.base_url}/login">'
            f'<input type="hidden" name="ticket" value="{ticket}">'
            '<label for="person">Osoba</label> '
            f'<select id="person" name="person">{options}</select>'
            '<button type="submit">Zaloguj się</button></form></body></html>'
        )
        return self._reply(start_response, "200 OK", page)

    def _login(self, form, start_response):
        with self._lock:
            pending = self._pending.pop(form.get("ticket", ""), None)
        person = self.people.get(form.get("person", ""))
        if pending is None or person is None:
            return self._reply(start_response, "400 Bad Request", "Nieznane żądanie")
        request = pending["request"]
        artifact = self._answer(request, person)
        location = request.assertion_consumer_service_url
        query = urlencode({"SAMLart": artifact, "RelayState": pending["relay_state"]})
        return self._reply(
            start_response, "302 Found", "", headers=[("Location", f"{location}?{query}")]
        )

    def _answer(self, request, person: Person) -> str:
        """Sign and encrypt the answer, keep it under a new artifact, return the artifact."""
        mode, self.mode = self.mode, None
        name_id = NameID(format=NAMEID_FORMAT_TRANSIENT, text=rndstr(24))
        self.sessions[name_id.text] = person.pesel
        server = self.server
        if mode == "expired":
            server = self._make_server(lifetime_minutes=-10)
        elif mode == "wrong_audience":
            server = self._make_server(audience="https://inny-serwis.example/")
        if server is not self.server:
            server.metadata = self.server.metadata
        sp_entity_id = request.issuer.text
        sp_cert = self.server.metadata.certs(sp_entity_id, "spsso", "encryption")[0][1]
        response = server.create_authn_response(
            {
                ATTR_PESEL: [person.pesel],
                ATTR_FIRST_NAME: [person.first_name],
                ATTR_LAST_NAME: [person.last_name],
            },
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=sp_entity_id,
            name_id=name_id,
            authn={"class_ref": PASSWORDPROTECTEDTRANSPORT, "authn_auth": self.entity_id},
            sign_response=True,
            sign_assertion=True,
            encrypt_assertion=True,
            encrypt_cert_assertion=sp_cert,
            sign_alg=SIGN_ALG,
            digest_alg=DIGEST_ALG,
        )
        response = str(response)
        if mode == "tamper_signature":
            # Change what was signed after signing: one more second in the IssueInstant.
            start = response.index('IssueInstant="') + len('IssueInstant="')
            second = response[start + 17 : start + 19]
            response = (
                response[: start + 17] + f"{(int(second) + 1) % 60:02d}" + response[start + 19 :]
            )
        artifact = self.server.use_artifact(response, 1)  # the ARS of the metadata
        if mode == "replay":
            self._replay_next = True
        return artifact

    def _artifact_response(self, resolve, inner: str) -> str:
        """A signed ArtifactResponse carrying the (already signed) Response as it is."""
        server = self.server
        response = samlp.ArtifactResponse(
            id=server.message_args()["id"],
            version="2.0",
            issue_instant=server.message_args()["issue_instant"],
            in_response_to=resolve.id,
            issuer=server._issuer(),
            status=samlp.Status(status_code=samlp.StatusCode(value=samlp.STATUS_SUCCESS)),
        )
        response.signature = pre_signature_part(
            # Its own Id: the Response inside has "Signature1".
            response.id,
            server.sec.my_cert,
            9,
            sign_alg=SIGN_ALG,
            digest_alg=DIGEST_ALG,
        )
        xml = response.to_string().decode()
        inner = inner.split("?>", 1)[1] if inner.startswith("<?xml") else inner
        closing = xml.rindex("</")
        xml = xml[:closing] + inner + xml[closing:]
        return server.sec.sign_statement(xml, class_name(response), node_id=response.id)

    def _ars(self, body, start_response):
        # The SP's signature is required and checked against its metadata.
        resolve = self.server.sec.correctly_signed_message(
            parse_soap_enveloped_saml_artifact_resolve(body), "artifact_resolve", must=True
        )
        replay = getattr(self, "_replay_next", False)
        with self._lock:
            inner = self.server.artifact.pop(resolve.artifact.text, None)
        if replay and self._last_artifact_response is not None:
            self._replay_next = False
            inner = self._last_artifact_response
        if inner is None:
            return self._reply(start_response, "400 Bad Request", "Nieznany artefakt")
        self._last_artifact_response = inner
        envelope = self.server.apply_binding(
            BINDING_SOAP, self._artifact_response(resolve, inner), "", "", response=True
        )
        return self._reply(start_response, "200 OK", envelope["data"], "text/xml; charset=utf-8")

    def _slo(self, query, start_response):
        if "SAMLResponse" in query:
            return self._reply(start_response, "200 OK", "<p>Wylogowano z SMK.</p>")
        request = self.server.parse_logout_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        if not query.get("Signature"):
            return self._reply(start_response, "400 Bad Request", "Niepodpisane żądanie")
        self.sessions.pop(request.message.name_id.text, None)
        response = self.server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
        info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            request.message.issuer.text and self._sp_slo(request.message.issuer.text),
            query.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SIGN_ALG,
        )
        return self._reply(start_response, "302 Found", "", headers=list(info["headers"]))

    def _sp_slo(self, sp_entity_id: str) -> str:
        return self.server.metadata.single_logout_service(
            sp_entity_id, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]

    def logout_request_url(self, name_id: str, sp_entity_id: str) -> str:
        """IdP-initiated single logout: where to send the browser with a signed LogoutRequest."""
        destination = self._sp_slo(sp_entity_id)
        _id, request = self.server.create_logout_request(
            destination,
            self.entity_id,
            name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text=name_id),
            sign=False,
        )
        info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True, sigalg=SIGN_ALG
        )
        return dict(info["headers"])["Location"]
