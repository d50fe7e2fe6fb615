"""The referral (skierowanie) to specialization training (SPEC §4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from smk.scoping import ScopedQuerySet


class ReferralStatus(models.TextChoices):
    DRAFT = "wersja_robocza", _("Wersja robocza")
    ASSIGNED = "przydzielone", _("Przydzielone")
    ISSUED = "wystawione", _("Wystawione")
    STARTED = "specjalizacja_rozpoczeta", _("Specjalizacja rozpoczęta")
    NOT_STARTED = "specjalizacja_nierozpoczeta", _("Specjalizacja nierozpoczęta")
    REJECTED = "odrzucone", _("Odrzucone")


#: A referral in one of these statuses holds one training place of its unit in its field.
HOLDING_PLACE = (ReferralStatus.ASSIGNED, ReferralStatus.ISSUED, ReferralStatus.STARTED)

#: Statuses a training unit can see: the referral was sent to it.
VISIBLE_TO_UNIT = (
    ReferralStatus.ISSUED,
    ReferralStatus.STARTED,
    ReferralStatus.NOT_STARTED,
    ReferralStatus.REJECTED,
)


class ReferralQuerySet(ScopedQuerySet):
    voivodeship_lookup = "voivodeship_id"
    unit_lookup = "unit_id"

    def for_unit(self, unit_id):
        # A unit sees only what was sent to it; a withdrawn referral is back in Wersja robocza.
        return super().for_unit(unit_id).filter(status__in=VISIBLE_TO_UNIT)

    def holding_place(self):
        return self.filter(status__in=HOLDING_PLACE)


class Referral(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("numer skierowania"), max_length=32, unique=True)
    application = models.ForeignKey(
        "qualification.Application",
        models.PROTECT,
        related_name="referrals",
        verbose_name=_("wniosek"),
    )
    session = models.ForeignKey(
        "qualification.Session",
        models.PROTECT,
        related_name="referrals",
        verbose_name=_("sesja"),
    )
    #: The rejected referral this one was created to replace (seed 000 §4).
    replaces = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("zastępuje skierowanie"),
    )
    voivodeship = models.ForeignKey(
        "reference.Voivodeship",
        models.PROTECT,
        related_name="referrals",
        verbose_name=_("województwo"),
    )
    field = models.ForeignKey(
        "reference.Field", models.PROTECT, related_name="referrals", verbose_name=_("dziedzina")
    )
    mode = models.ForeignKey(
        "reference.Mode", models.PROTECT, related_name="referrals", verbose_name=_("tryb")
    )
    status = FSMField(
        _("status"),
        max_length=32,
        choices=ReferralStatus.choices,
        default=ReferralStatus.DRAFT,
        protected=True,
    )
    unit = models.ForeignKey(
        "reference.TrainingUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("jednostka szkoleniowa"),
    )
    programme = models.ForeignKey(
        "reference.Programme",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("program specjalizacji"),
    )
    planned_start = models.DateField(_("planowana data rozpoczęcia"), null=True, blank=True)
    planned_end = models.DateField(_("planowana data zakończenia"), null=True, blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utworzył"),
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("skierowanie")
        verbose_name_plural = _("skierowania")
        indexes = [
            models.Index(fields=["unit", "field", "status"], name="referral_place_holding"),
            models.Index(fields=["voivodeship", "status"]),
            models.Index(fields=["session", "voivodeship"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=HOLDING_PLACE) | models.Q(unit__isnull=False),
                name="referral_holding_place_has_unit",
            ),
        ]

    def __str__(self):
        return self.number
