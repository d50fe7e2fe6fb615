"""The Profil Zaufany screens: the round trip to the node, the first login ("Migracja danych do
UEOZ", "Zaktualizuj informacje konta", "Aktywuj konto"), single logout.

The PESEL travels only in the session (stored server-side) and in the database: never in a URL,
a redirect or a log line.
"""

import logging
import secrets

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import record_authentication
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from saml2 import BINDING_HTTP_REDIRECT
from saml2.saml import NAMEID_FORMAT_TRANSIENT, NameID

from pz import saml, services
from pz.forms import AccountInformationForm, MigrationChoiceForm
from pz.models import Identity

logger = logging.getLogger(__name__)

OUTSTANDING_KEY = "pz_outstanding"
RELAY_KEY = "pz_relay_state"
PENDING_KEY = "pz_pending"
NAME_ID_KEY = "pz_name_id"
SESSION_INDEX_KEY = "pz_session_index"
LOGOUT_CACHE_PREFIX = "pz-logout:"


def _enabled_or_404():
    if not saml.enabled():
        raise Http404


# --- the round trip -----------------------------------------------------------------------


@require_GET
def metadata(request):
    _enabled_or_404()
    return HttpResponse(saml.sp_metadata(), content_type="application/samlmetadata+xml")


@require_GET
def login(request):
    """ "Profil Zaufany": a signed AuthnRequest, the browser sent to the node. A GET (the
    button is a link): a form's redirect to the node's origin would break the CSP's
    form-action, and starting a login changes nothing here."""
    _enabled_or_404()
    relay_state = secrets.token_urlsafe(16)
    request_id, location = saml.authn_redirect(relay_state)
    request.session[OUTSTANDING_KEY] = {request_id: "/"}
    request.session[RELAY_KEY] = relay_state
    return redirect(location)


def _refuse(request, message):
    messages.error(request, message)
    return redirect("account_login")


@require_GET
def assertion_consumer(request):
    """The node sends the browser back with an artifact; the answer is fetched over the back
    channel, checked, decrypted, and the person logged in (or led through the first login)."""
    _enabled_or_404()
    artifact = request.GET.get("SAMLart", "")
    outstanding = request.session.pop(OUTSTANDING_KEY, None) or {}
    relay_state = request.session.pop(RELAY_KEY, None)
    if not artifact or not outstanding or request.GET.get("RelayState") != relay_state:
        # No login of this browser is under way: a link replayed, or made up.
        return _refuse(request, saml.REFUSED_REPLAYED)
    try:
        identity = saml.resolve_artifact(artifact, outstanding)
        services.use_assertion(identity.assertion_id)
    except saml.LoginRefused as refusal:
        cause = refusal.__cause__
        # The reason and the kind of fault only: nothing of the message (it names a person).
        logger.warning(
            "Profil Zaufany answer refused: %s (%s)",
            refusal.message,
            type(cause).__name__ if cause else "-",
        )
        return _refuse(request, refusal.message)
    bound = services.active_identity(identity.pesel)
    if bound is not None and bound.is_active and bound.user.is_active:
        return _log_in(request, bound.user, identity.name_id, identity.session_index)
    if request.user.is_authenticated:
        django_logout(request)
    request.session[PENDING_KEY] = {
        "pesel": identity.pesel,
        "first_name": identity.first_name,
        "last_name": identity.last_name,
        "name_id": identity.name_id,
        "session_index": identity.session_index,
        "identity_id": bound.pk if bound is not None else None,
    }
    if bound is not None:
        return redirect("pz:activation_pending")
    return redirect("pz:migration")


def _log_in(request, user, name_id: str, session_index: str):
    request.smk_auth_method = services.METHOD_PZ
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    record_authentication(request, user, method=services.METHOD_PZ)
    request.session.pop(PENDING_KEY, None)
    request.session[NAME_ID_KEY] = name_id
    request.session[SESSION_INDEX_KEY] = session_index
    return redirect(get_adapter(request).get_login_redirect_url(request))


def logout_redirect_url(request) -> str | None:
    """Where logging out sends a Profil Zaufany session: the node's single logout, with a
    signed LogoutRequest (the session is still there when allauth asks)."""
    name_id = request.session.get(NAME_ID_KEY)
    if services.session_method(request) != services.METHOD_PZ or not name_id:
        return None
    client = saml.client()
    idp = saml.idp_entity_id()
    destination = client.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")[0][
        "location"
    ]
    _id, logout_request = client.create_logout_request(
        destination,
        idp,
        name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text=name_id),
        session_indexes=[index] if (index := request.session.get(SESSION_INDEX_KEY)) else None,
        sign=False,
    )
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(logout_request),
        destination,
        "",
        sign=True,
        sigalg=saml.SIGN_ALG,
    )
    # Logging out is a form; the CSP's form-action would stop its redirect to the node, so a
    # page of ours goes on there. The session ends before that page: the address waits in the
    # cache under a random key.
    key = secrets.token_urlsafe(24)
    cache.set(LOGOUT_CACHE_PREFIX + key, dict(info["headers"])["Location"], 300)
    return reverse("pz:logout_continue", args=[key])


@require_GET
def logout_continue(request, key):
    location = cache.get(LOGOUT_CACHE_PREFIX + key)
    if location is None:
        return redirect("account_login")
    cache.delete(LOGOUT_CACHE_PREFIX + key)
    return render(request, "pz/logout_continue.html", {"location": location})


@require_GET
def single_logout(request):
    """The node's side of single logout: its answer to ours, or its own LogoutRequest."""
    _enabled_or_404()
    client = saml.client()
    if "SAMLResponse" in request.GET:
        messages.success(request, _("Wylogowano z SMK i z Profilu Zaufanego."))
        return redirect("account_login")
    if "SAMLRequest" not in request.GET or "Signature" not in request.GET:
        return HttpResponse(_("Niepodpisane żądanie wylogowania."), status=400)
    try:
        logout_request = client.parse_logout_request(
            request.GET["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=request.GET.get("RelayState"),
            sigalg=request.GET.get("SigAlg"),
            signature=request.GET.get("Signature"),
        )
    except Exception:  # any fault in the message is a refusal
        logout_request = None
    if logout_request is None:
        return HttpResponse(_("Nieprawidłowe żądanie wylogowania."), status=400)
    message = logout_request.message
    if message.name_id is not None and message.name_id.text == request.session.get(NAME_ID_KEY):
        django_logout(request)
    response = client.create_logout_response(message, [BINDING_HTTP_REDIRECT])
    destination = client.metadata.single_logout_service(
        saml.idp_entity_id(), BINDING_HTTP_REDIRECT, "idpsso"
    )[0]["location"]
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        destination,
        request.GET.get("RelayState", ""),
        response=True,
        sign=True,
        sigalg=saml.SIGN_ALG,
    )
    return redirect(dict(info["headers"])["Location"])


# --- the first login ----------------------------------------------------------------------


def _pending(request) -> dict | None:
    return request.session.get(PENDING_KEY) if saml.enabled() else None


def _masked(pesel: str) -> str:
    return pesel[:2] + "\u2022" * (len(pesel) - 2)


@require_http_methods(["GET", "POST"])
def migration(request):
    """ "Migracja danych do UEOZ" — "Wyszukiwanie Twojego konta"."""
    pending = _pending(request)
    if pending is None:
        return redirect("account_login")
    candidate = services.migration_candidate(pending["pesel"])
    if request.method == "POST":
        form = MigrationChoiceForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            if action == MigrationChoiceForm.ABORT:
                request.session.pop(PENDING_KEY, None)
                messages.info(request, _("Przerwano proces migracji. Nie zalogowano."))
                return redirect("account_login")
            if action == MigrationChoiceForm.MIGRATE and candidate is None:
                messages.error(request, _("Nie odnaleziono konta o podanym numerze PESEL."))
                return redirect("pz:migration")
            pending["migrate_user_id"] = (
                candidate.pk if action == MigrationChoiceForm.MIGRATE else None
            )
            pending["chosen"] = True
            request.session[PENDING_KEY] = pending
            return redirect("pz:account_information")
        messages.error(request, _("Wybierz jedną z opcji."))
    return render(
        request,
        "pz/migration.html",
        {"pending": pending, "masked_pesel": _masked(pending["pesel"]), "candidate": candidate},
    )


@require_http_methods(["GET", "POST"])
def account_information(request):
    """ "Zaktualizuj informacje konta"."""
    pending = _pending(request)
    if pending is None:
        return redirect("account_login")
    identity = Identity.objects.select_related("user").filter(pk=pending.get("identity_id")).first()
    if identity is None and not pending.get("chosen"):
        return redirect("pz:migration")
    migrate_user = None
    if identity is not None and identity.migrated:
        migrate_user = identity.user
    elif identity is None and pending.get("migrate_user_id"):
        migrate_user = services.migration_candidate(pending["pesel"])
        if migrate_user is None or migrate_user.pk != pending["migrate_user_id"]:
            return redirect("pz:migration")
    initial = {}
    if migrate_user is not None:
        initial = {"email": migrate_user.email, "email_repeat": migrate_user.email}
    elif identity is not None:
        initial = {"email": identity.user.email, "email_repeat": identity.user.email}
    form = AccountInformationForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            identity = services.bind_account(
                pesel=pending["pesel"],
                first_name=pending["first_name"],
                last_name=pending["last_name"],
                email=form.cleaned_data["email"],
                migrate_user_id=migrate_user.pk if migrate_user is not None else None,
            )
        except services.AccountError as error:
            form.add_error(error.field, error.message)
        else:
            pending["identity_id"] = identity.pk
            request.session[PENDING_KEY] = pending
            return redirect("pz:activation_pending")
    return render(
        request,
        "pz/account_information.html",
        {"form": form, "pending": pending, "migrate_user": migrate_user},
    )


@require_GET
def activation_pending(request):
    """ "Aktywuj konto": the e-mail was sent; "Chcę dostać nowy e-mail"."""
    pending = _pending(request)
    if pending is None or not pending.get("identity_id"):
        return redirect("account_login")
    return render(request, "pz/activation_pending.html")


@require_POST
def resend_activation(request):
    pending = _pending(request)
    if pending is None or not pending.get("identity_id"):
        return redirect("account_login")
    identity = Identity.objects.select_related("user").filter(pk=pending["identity_id"]).first()
    if identity is None or identity.is_active:
        return redirect("account_login")
    if not ratelimit.consume(request, action="pz_activation_email", key=str(identity.pk)):
        messages.error(request, _("Wysłaliśmy już kilka wiadomości. Spróbuj za kilka minut."))
        return redirect("pz:activation_pending")
    services.send_activation_email(identity, identity.user)
    messages.success(request, _("Wysłaliśmy nową wiadomość z linkiem aktywacyjnym."))
    return redirect("pz:activation_pending")


@require_http_methods(["GET", "POST"])
def activate(request, key):
    """The link from the e-mail: GET shows the button (a mail scanner following links
    activates nothing), POST activates and — in the browser that came from Profil Zaufany —
    logs in."""
    _enabled_or_404()
    identity = services.identity_from_token(key)
    if identity is None:
        return render(request, "pz/activation_invalid.html", status=400)
    if request.method == "GET":
        return render(request, "pz/activate.html", {"identity": identity})
    identity = services.activate(identity.pk, identity.version)
    if identity is None:
        return render(request, "pz/activation_invalid.html", status=400)
    pending = _pending(request)
    if pending is not None and pending.get("pesel") == identity.pesel:
        messages.success(request, _("Konto zostało aktywowane."))
        return _log_in(request, identity.user, pending["name_id"], pending["session_index"])
    messages.success(request, _("Konto zostało aktywowane. Zaloguj się przez Profil Zaufany."))
    return redirect("account_login")


@require_GET
def required(request):
    """ "PZ_REQUIRED_ROLES": the active profile needs a Profil Zaufany session."""
    return render(request, "pz/required.html")
