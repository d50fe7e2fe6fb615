"""API clients (one institution each, with scopes), idempotency records of writes, webhook
endpoints and their deliveries."""

import base64
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.scopes import OFFICE_SCOPES, SCOPES, UNIT_SCOPES
from smk.scoping import ScopedQuerySet


class ClientStatus(models.TextChoices):
    ACTIVE = "aktywny", _("aktywny")
    SUSPENDED = "zawieszony", _("zawieszony")
    REVOKED = "odwolany", _("odwołany")


class ApiClientQuerySet(ScopedQuerySet):
    voivodeship_lookup = "voivodeship_id"
    unit_lookup = "unit_id"


class ApiClient(models.Model):
    """A system of one institution (a training unit or a voivodeship office) that calls the API
    with OAuth 2.0 client credentials. Its secret is stored hashed by django-oauth-toolkit and
    shown once, when it is made."""

    name = models.CharField(_("nazwa systemu"), max_length=200)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        models.PROTECT,
        related_name="api_client",
        editable=False,
    )
    unit = models.ForeignKey(
        "reference.TrainingUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name=_("jednostka szkoleniowa"),
    )
    voivodeship = models.ForeignKey(
        "reference.Voivodeship",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name=_("urząd wojewódzki (województwo)"),
    )
    scopes = models.JSONField(_("uprawnienia (zakresy)"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    status_reason = models.TextField(_("powód zmiany statusu"), blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    status_changed_at = models.DateTimeField(_("zmiana statusu"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("ostatnie użycie"), null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("klient API")
        verbose_name_plural = _("klienci API")
        constraints = [
            models.CheckConstraint(
                name="api_client_one_institution",
                condition=Q(unit__isnull=False, voivodeship__isnull=True)
                | Q(unit__isnull=True, voivodeship__isnull=False),
                violation_error_message=_(
                    "Klient API należy do jednej instytucji: jednostki szkoleniowej albo urzędu "
                    "wojewódzkiego."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.institution_name})"

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def is_active(self) -> bool:
        return self.status == ClientStatus.ACTIVE

    @property
    def institution_name(self) -> str:
        if self.unit_id:
            return str(self.unit)
        return str(_("Urząd Wojewódzki — %(voivodeship)s") % {"voivodeship": self.voivodeship})

    def clean(self):
        from django.core.exceptions import ValidationError

        wrong = [name for name in self.scopes or [] if name not in self.allowed_scopes()]
        if wrong:
            raise ValidationError(
                {
                    "scopes": _("Te zakresy nie są dostępne dla tej instytucji: %(scopes)s.")
                    % {"scopes": ", ".join(wrong)}
                }
            )

    def allowed_scopes(self) -> tuple[str, ...]:
        return UNIT_SCOPES if self.unit_id else OFFICE_SCOPES

    def scope_labels(self) -> list[str]:
        return [f"{name} — {SCOPES[name]}" for name in self.scopes if name in SCOPES]


def new_secret() -> str:
    """A client secret: 48 URL-safe characters (288 bits)."""
    return secrets.token_urlsafe(36)


class IdempotencyRecord(models.Model):
    """The answer to a write sent with ``Idempotency-Key`` (pretix ``IdempotencyMiddleware``):
    a retry with the same key gets the same answer and changes nothing; while the first call
    runs, a retry answers 409."""

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=512)
    body_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    response_content_type = models.CharField(max_length=128, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_per_client")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.key} ({self.method} {self.path})"


# ---- Webhooks (README "Webhooks") ------------------------------------------------------------

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def validate_webhook_url(value: str) -> None:
    """HTTPS only; plain HTTP only to this machine (tests and the demo), so events never
    cross a network unencrypted."""
    try:
        parts = urlsplit(value)
        scheme, host = parts.scheme, (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError as error:  # an unclosed "[" of an IPv6 address, a port over 65535
        raise ValidationError(_("Niepoprawny adres URL."), code="invalid") from error
    if scheme == "https" and host:
        return
    if scheme == "http" and host in LOOPBACK_HOSTS:
        return
    raise ValidationError(
        _(
            "Adres powiadomień musi zaczynać się od https://. Zwykłe http:// jest dozwolone "
            "tylko dla adresów tego komputera (127.0.0.1, ::1, localhost) — do testów i "
            "demonstracji."
        ),
        code="insecure_url",
    )


class WebhookEventType(models.TextChoices):
    REFERRAL_SENT = "referral.sent", _("Skierowanie wysłane do jednostki")
    REFERRAL_WITHDRAWN = "referral.withdrawn", _("Skierowanie wycofane z jednostki")
    REFERRAL_ACCEPTED = "referral.accepted", _("Jednostka zaakceptowała skierowanie")
    REFERRAL_REJECTED = "referral.rejected", _("Jednostka odrzuciła skierowanie")
    REFERRAL_UNIT_NOT_STARTED = (
        "referral.unit_not_started",
        _("Jednostka zgłosiła niepodjęcie szkolenia"),
    )
    PING = "webhook.ping", _("Zdarzenie próbne")


#: The events an endpoint of each kind of institution may ask for: the unit hears what is sent
#: to it or taken back, the office hears the unit's decisions (the e-mails' rule too).
UNIT_WEBHOOK_EVENTS = (WebhookEventType.REFERRAL_SENT, WebhookEventType.REFERRAL_WITHDRAWN)
OFFICE_WEBHOOK_EVENTS = (
    WebhookEventType.REFERRAL_ACCEPTED,
    WebhookEventType.REFERRAL_REJECTED,
    WebhookEventType.REFERRAL_UNIT_NOT_STARTED,
)


def new_webhook_secret() -> str:
    """A signing secret as Standard Webhooks writes it: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


#: Endpoints one client may have registered at a time.
MAX_ENDPOINTS = 10


class WebhookEndpointQuerySet(models.QuerySet):
    def live(self):
        """Not removed by its client."""
        return self.filter(removed_at__isnull=True)

    def listening(self):
        """Endpoints that get events now: live, switched on, of an active client."""
        return self.live().filter(is_active=True, client__status=ClientStatus.ACTIVE)


class WebhookEndpoint(models.Model):
    """An address of an API client's system that SMK posts signed events to."""

    client = models.ForeignKey(
        ApiClient, models.CASCADE, related_name="webhook_endpoints", verbose_name=_("klient API")
    )
    url = models.URLField(
        _("adres powiadomień (URL)"), max_length=500, validators=[validate_webhook_url]
    )
    # Kept readable: every delivery is signed with it (HMAC needs the key itself).
    secret = models.CharField(_("sekret podpisu"), max_length=100, editable=False)
    event_types = models.JSONField(_("zdarzenia"), default=list)
    is_active = models.BooleanField(
        _("aktywny"),
        default=True,
        help_text=_("Wyłączony adres nie dostaje zdarzeń (administrator może go włączyć)."),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    removed_at = models.DateTimeField(_("usunięty przez klienta"), null=True, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["client", "pk"]
        verbose_name = _("adres powiadomień (webhook)")
        verbose_name_plural = _("adresy powiadomień (webhooki)")

    def __str__(self):
        return self.url

    def clean(self):
        if not self.client_id:
            return
        if self.pk is None and self.client.webhook_endpoints.live().count() >= MAX_ENDPOINTS:
            # Each event is posted to every endpoint: a cap keeps one client from multiplying it.
            raise ValidationError(
                {
                    "url": _("Klient może mieć najwyżej %(count)s adresów powiadomień.")
                    % {"count": MAX_ENDPOINTS}
                }
            )
        wrong = [name for name in self.event_types or [] if name not in self.allowed_events()]
        if wrong:
            raise ValidationError(
                {
                    "event_types": _("Te zdarzenia nie są dostępne dla tej instytucji: %(events)s.")
                    % {"events": ", ".join(wrong)}
                }
            )

    def allowed_events(self) -> tuple[str, ...]:
        return UNIT_WEBHOOK_EVENTS if self.client.unit_id else OFFICE_WEBHOOK_EVENTS

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEventType.choices)
        return [f"{name} — {labels[name]}" for name in self.event_types if name in labels]


class DeliveryStatus(models.TextChoices):
    PENDING = "oczekuje", _("oczekuje na doręczenie")
    DELIVERED = "doreczono", _("doręczono")
    FAILED = "niedoreczono", _("nie doręczono")


class WebhookDelivery(models.Model):
    """One event for one endpoint, and how its sending went (the call log)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        models.CASCADE,
        related_name="deliveries",
        verbose_name=_("adres powiadomień"),
    )
    #: ``webhook-id``: the same for every attempt, so the receiver can drop repeats.
    event_id = models.CharField(_("identyfikator zdarzenia"), max_length=64)
    event_type = models.CharField(_("zdarzenie"), max_length=64, choices=WebhookEventType.choices)
    payload = models.JSONField(_("treść"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("próby"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("ostatni kod odpowiedzi"), null=True, blank=True
    )
    last_response = models.CharField(
        _("ostatnia odpowiedź (fragment) lub błąd"), max_length=500, blank=True
    )
    next_attempt_at = models.DateTimeField(_("następna próba"), null=True, blank=True)
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("ostatnia próba"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("doręczono"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("doręczenie webhooka")
        verbose_name_plural = _("doręczenia webhooków")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_one_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"
