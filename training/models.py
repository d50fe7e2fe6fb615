"""What a training unit reports about itself (issue 16 item 3, the seed 004 operations).

The catalogue (:mod:`reference`) is the central administrator's: the unit's name, address,
NIP, REGON and its accreditations. What lives here is the unit's own word, written by its
staff on the "Szkolenie w jednostce" screens or by its system through the API:

- :class:`UnitContact` — contact data and the e-mail addresses for notifications
  (``zapiszDaneMus``);
- :class:`ScheduledStart` — the dates on which the unit can start training in an accredited
  field, with the places each start offers (``zapiszHarmonogram``);
- :class:`Trainee` — the diagnosticians already in training at the unit (``zasilInicjalnie``);
  while in training they hold a place (counted by ``referrals/places.py``);
- :class:`OfferedPlaces` — how many places the unit offers for the coming session
  (``zapiszSloty``);
- :class:`Integration` — whether the unit's integration is active, and since when
  (``aktywujMus``).
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reference.models import Field, TrainingUnit
from reference.validators import validate_pesel
from smk.scoping import ScopedQuerySet

#: At most this many addresses receive the unit's notifications.
MAX_NOTIFICATION_EMAILS = 10


class UnitDataQuerySet(ScopedQuerySet):
    """The unit's own rows: its staff and its API clients see them, the office of its
    voivodeship reads them."""

    voivodeship_lookup = "unit__voivodeship_id"
    unit_lookup = "unit_id"


class UnitContact(models.Model):
    """Dane jednostki: whom to call and where to send the unit's e-mails."""

    unit = models.OneToOneField(
        TrainingUnit,
        models.CASCADE,
        primary_key=True,
        related_name="contact",
        verbose_name=_("jednostka szkoleniowa"),
    )
    contact_person = models.CharField(_("osoba do kontaktu"), max_length=200)
    phone = models.CharField(_("telefon"), max_length=32)
    email = models.EmailField(_("e-mail do kontaktu"))
    #: Where e-mails to the unit go (a referral sent, withdrawn); empty: to its staff's accounts.
    notification_emails = models.JSONField(
        _("adresy e-mail do powiadomień"), default=list, blank=True
    )
    updated_at = models.DateTimeField(_("ostatnia zmiana"), auto_now=True)

    objects = UnitDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("dane jednostki")
        verbose_name_plural = _("dane jednostek")

    def __str__(self):
        return str(self.unit)


class ScheduledStart(models.Model):
    """Harmonogram rozpoczęć: one date on which training can start in one field."""

    unit = models.ForeignKey(
        TrainingUnit,
        models.CASCADE,
        related_name="scheduled_starts",
        verbose_name=_("jednostka szkoleniowa"),
    )
    field = models.ForeignKey(
        Field, models.PROTECT, related_name="scheduled_starts", verbose_name=_("dziedzina")
    )
    starts_on = models.DateField(_("data rozpoczęcia"))
    places = models.PositiveIntegerField(_("liczba miejsc"), validators=[MinValueValidator(1)])

    objects = UnitDataQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "field__name"]
        verbose_name = _("termin rozpoczęcia szkolenia")
        verbose_name_plural = _("harmonogram rozpoczęć")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "field", "starts_on"], name="scheduled_start_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1), name="scheduled_start_places_positive"
            ),
        ]

    def __str__(self):
        return f"{self.unit} — {self.field}: {self.starts_on:%d.%m.%Y}"


class TraineeQuerySet(UnitDataQuerySet):
    def holding_place(self):
        """Trainees still in training: each holds a place of the unit's accreditation."""
        return self.filter(ended_on__isnull=True)


class Trainee(models.Model):
    """A diagnostician already in training at the unit (zasilenie inicjalne). One row per
    PESEL and field: loading the same person again changes the row, never adds one."""

    unit = models.ForeignKey(
        TrainingUnit, models.CASCADE, related_name="trainees", verbose_name=_("jednostka")
    )
    field = models.ForeignKey(
        Field, models.PROTECT, related_name="trainees", verbose_name=_("dziedzina")
    )
    pesel = models.CharField(_("PESEL"), max_length=11, validators=[validate_pesel])
    started_on = models.DateField(_("data rozpoczęcia szkolenia"))
    #: The day the training ended; from then on the trainee holds no place.
    ended_on = models.DateField(_("data zakończenia szkolenia"), null=True, blank=True)
    created_at = models.DateTimeField(_("wprowadzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ostatnia zmiana"), auto_now=True)

    objects = TraineeQuerySet.as_manager()

    class Meta:
        ordering = ["field__name", "started_on", "pesel"]
        verbose_name = _("osoba w trakcie szkolenia")
        verbose_name_plural = _("osoby w trakcie szkolenia")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "field", "pesel"], name="trainee_once_per_unit_and_field"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="trainee_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "field"],
                condition=Q(ended_on__isnull=True),
                name="trainee_holding_place",
            )
        ]

    def __str__(self):
        return f"{self.pesel} — {self.field}"

    @property
    def in_training(self) -> bool:
        return self.ended_on is None


class OfferedPlaces(models.Model):
    """Miejsca oferowane: how many of its accredited places the unit offers in one field for
    the coming session (the office sees the sum when it prepares its slot list)."""

    unit = models.ForeignKey(
        TrainingUnit,
        models.CASCADE,
        related_name="offered_places",
        verbose_name=_("jednostka szkoleniowa"),
    )
    field = models.ForeignKey(
        Field, models.PROTECT, related_name="offered_places", verbose_name=_("dziedzina")
    )
    places = models.PositiveIntegerField(_("oferowane miejsca"))
    updated_at = models.DateTimeField(_("ostatnia zmiana"), auto_now=True)

    objects = UnitDataQuerySet.as_manager()

    class Meta:
        ordering = ["field__name"]
        verbose_name = _("miejsca oferowane")
        verbose_name_plural = _("miejsca oferowane")
        constraints = [
            models.UniqueConstraint(fields=["unit", "field"], name="offered_places_per_field")
        ]

    def __str__(self):
        return f"{self.unit} — {self.field}: {self.places}"


class IntegrationQuerySet(UnitDataQuerySet):
    def active(self):
        return self.filter(activated_at__isnull=False)


class Integration(models.Model):
    """The unit's integration (aktywujMus): active from ``activated_at`` on."""

    unit = models.OneToOneField(
        TrainingUnit,
        models.CASCADE,
        primary_key=True,
        related_name="integration",
        verbose_name=_("jednostka szkoleniowa"),
    )
    activated_at = models.DateTimeField(_("aktywna od"), null=True, blank=True)
    #: Who activated it, as the history names them (a person's institution or an API client).
    activated_by = models.CharField(_("aktywował(a)"), max_length=300, blank=True)

    objects = IntegrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("integracja jednostki")
        verbose_name_plural = _("integracje jednostek")

    def __str__(self):
        return str(self.unit)

    @property
    def is_active(self) -> bool:
        return self.activated_at is not None
