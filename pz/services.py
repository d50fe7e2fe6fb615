"""Profil Zaufany accounts: the first login bound to the PESEL (migration of an existing
account or a new one), "Zaktualizuj informacje konta", "Aktywuj konto", and the record of how
each session logged in."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pz.models import Identity, UsedAssertion
from pz.saml import REFUSED_REPLAYED, LoginRefused
from qualification.models import Application
from qualification.services.applicant.registration import REGISTERED
from smk.audit import log_event, register_actions
from smk.models import Event
from smk.notifications import absolute_url, queue_email

BOUND = "pz.account_bound"
ACTIVATED = "pz.account_activated"
UNBOUND = "pz.account_unbound"
LOGGED_IN = "auth.logged_in"

register_actions(
    {
        BOUND: gettext_lazy("Powiązano konto z Profilem Zaufanym (oczekuje na aktywację)"),
        ACTIVATED: gettext_lazy("Aktywowano konto logowane Profilem Zaufanym"),
        UNBOUND: gettext_lazy("Odłączono konto od Profilu Zaufanego"),
        LOGGED_IN: gettext_lazy("Zalogowano"),
    }
)

#: How a session logged in, as the audit trail names it.
METHOD_PZ = "profil_zaufany"
METHOD_PASSWORD = "haslo"  # noqa: S105 - the name of a login method, not a password
METHOD_EXTERNAL = "openid_connect"
SESSION_METHOD_KEY = "smk_auth_method"

ACTIVATION_SALT = "pz.activation"
ACTIVATION_MAX_AGE = 3 * 24 * 3600


class AccountError(Exception):
    """A refusal with a message for the person; ``field`` names the form field, if one."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- the assertion ------------------------------------------------------------------------


def use_assertion(assertion_id: str) -> None:
    """Remember the assertion; one seen before is refused (a replay)."""
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(assertion_id=assertion_id)
    except IntegrityError:
        raise LoginRefused(REFUSED_REPLAYED) from None


# --- the first login ------------------------------------------------------------------------


def active_identity(pesel: str) -> Identity | None:
    return Identity.objects.select_related("user").filter(pesel=pesel).first()


def migration_candidate(pesel: str):
    """ "Wyszukiwanie Twojego konta": an account with this PESEL that is bound to no Profil
    Zaufany yet — an applicant who registered with it or applied with it."""
    user_model = get_user_model()
    registered = Event.objects.filter(
        target_type=ContentType.objects.get_for_model(user_model, for_concrete_model=False),
        action=REGISTERED,
        data__pesel=pesel,
    ).values("target_id")
    applied = Application.objects.filter(pesel=pesel).values("applicant_id")
    return (
        user_model.objects.filter(pz_identity__isnull=True)
        .filter(pk__in=registered.union(applied))
        .order_by("pk")
        .first()
    )


def _email_taken(email: str, *, except_user=None) -> bool:
    users = get_user_model().objects.filter(email__iexact=email)
    if except_user is not None:
        users = users.exclude(pk=except_user.pk)
    return users.exists()


@transaction.atomic(durable=True)
def bind_account(
    *, pesel: str, first_name: str, last_name: str, email: str, migrate_user_id: int | None
) -> Identity:
    """ "Zaktualizuj informacje konta" → "Zapisz": bind the PESEL to the account being
    migrated, or to a new account (inactive until "Aktywuj konto"); send the activation
    e-mail after commit. Saving again before activation changes the address and sends anew."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).lower()
    identity = Identity.objects.select_for_update().filter(pesel=pesel).first()
    if identity is not None and identity.is_active:
        raise AccountError(_("Konto z tym numerem PESEL jest już aktywne. Zaloguj się."))
    if identity is not None:
        user = user_model.objects.select_for_update().get(pk=identity.user_id)
    elif migrate_user_id is not None:
        user = user_model.objects.select_for_update().filter(pk=migrate_user_id).first()
        if user is None or Identity.objects.filter(user=user).exists():
            raise AccountError(_("Konta do migracji już nie ma albo zostało powiązane."))
    else:
        user = None
    migrated = identity.migrated if identity is not None else migrate_user_id is not None
    if migrated and email != user.email.lower():
        # The activation link then proves that the person holds the migrated account.
        raise AccountError(
            _("Podaj adres e-mail konta, które przenosisz: na niego wyślemy link aktywacyjny."),
            field="email",
        )
    if _email_taken(email, except_user=user):
        raise AccountError(_("Konto z tym adresem e-mail już istnieje."), field="email")
    if user is None:
        user = user_model(email=email, first_name=first_name, last_name=last_name, is_active=False)
        user.set_unusable_password()
        user.save()
    else:
        user.first_name, user.last_name = first_name, last_name
        if not migrated:
            user.email = email
        user.save(update_fields=["first_name", "last_name", "email"])
    if identity is None:
        try:
            with transaction.atomic():
                identity = Identity.objects.create(user=user, pesel=pesel, migrated=migrated)
        except IntegrityError:
            raise AccountError(_("Konto z tym numerem PESEL zostało właśnie utworzone.")) from None
        log_event(user, BOUND, user=user, data={"migrated": migrated})
    else:
        # Saved again before activation: the links sent before stop working (the address
        # they went to may have been mistyped).
        identity.version += 1
        Identity.objects.filter(pk=identity.pk).update(version=identity.version)
    send_activation_email(identity, user)
    return identity


def activation_token(identity: Identity) -> str:
    # The identity's number and version only: a signed value is readable, and the PESEL stays
    # out of URLs. Saving the account information again bumps the version: older links die.
    return signing.dumps(
        {"identity": identity.pk, "version": identity.version}, salt=ACTIVATION_SALT
    )


def send_activation_email(identity: Identity, user) -> None:
    queue_email(
        [user.email],
        _("Aktywuj konto"),
        template="pz/email/activation.txt",
        context={
            "user": user,
            "url": absolute_url("pz:activate", activation_token(identity)),
        },
        reason="pz.activation",
    )


def identity_from_token(token: str) -> Identity | None:
    try:
        data = signing.loads(token, salt=ACTIVATION_SALT, max_age=ACTIVATION_MAX_AGE)
    except signing.BadSignature:
        return None
    identity = Identity.objects.select_related("user").filter(pk=data.get("identity")).first()
    if identity is None or not _link_holds(identity, data.get("version")):
        return None
    return identity


def _link_holds(identity: Identity, version) -> bool:
    """A link of the current version, or of an account already active (opened again, it
    activates nothing)."""
    return identity.is_active or identity.version == version


@transaction.atomic(durable=True)
def activate(identity_id: int, version: int) -> Identity | None:
    """The activation link: the e-mail is confirmed, the account works. None when the link's
    version is no longer the identity's (the account information was saved again meanwhile)."""
    from allauth.account.models import EmailAddress

    identity = Identity.objects.select_for_update().select_related("user").get(pk=identity_id)
    if identity.is_active:
        return identity
    if not _link_holds(identity, version):
        return None
    user = identity.user
    identity.activated_at = timezone.now()
    identity.version += 1
    identity.save(update_fields=["activated_at", "version"])
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    log_event(user, ACTIVATED, user=user, data={"migrated": identity.migrated})
    return identity


@transaction.atomic
def unbind(identity_id: int, *, by) -> None:
    """The administrator's "Usuń" on a binding (a PESEL bound to the wrong account): the
    account stays as it is, and the person's next login with Profil Zaufany binds anew
    ("Migracja danych do UEOZ")."""
    identities = Identity.objects.select_for_update().select_related("user")
    identity = identities.filter(pk=identity_id).first()
    if identity is None:
        return  # unbound meanwhile
    user = identity.user
    identity.delete()
    log_event(user, UNBOUND, user=by, data={"was_active": identity.is_active})


# --- how each session logged in -------------------------------------------------------------


def login_method(request) -> str:
    explicit = getattr(request, "smk_auth_method", None)
    if explicit:
        return explicit
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    if records and records[-1].get("method") == "socialaccount":
        return METHOD_EXTERNAL
    return METHOD_PASSWORD


def record_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the session remembers its method, the account's history too."""
    if request is None:
        return
    method = login_method(request)
    request.session[SESSION_METHOD_KEY] = method
    log_event(user, LOGGED_IN, user=user, data={"method": method})


def session_method(request) -> str:
    return request.session.get(SESSION_METHOD_KEY, "")
