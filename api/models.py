"""API clients (one institution each, with scopes), idempotency records of writes."""

import secrets

from django.conf import settings
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
