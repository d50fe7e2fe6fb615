"""Reference data maintained by the central administrator (SPEC §2)."""

import calendar
import datetime
import math

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip, regon

from reference.accreditations import AccreditationState, AccreditationStateQuerySet
from reference.validators import validate_nip, validate_regon
from smk.scoping import ScopedQuerySet


class Voivodeship(models.Model):
    teryt = models.CharField(_("kod TERYT"), max_length=2, unique=True)
    name = models.CharField(_("nazwa"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("województwo")
        verbose_name_plural = _("województwa")

    def __str__(self):
        return self.name


class Field(models.Model):
    """Dziedzina medycyny laboratoryjnej."""

    code = models.SlugField(_("kod"), max_length=64, unique=True)
    name = models.CharField(_("nazwa"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("dziedzina")
        verbose_name_plural = _("dziedziny")

    def __str__(self):
        return self.name


class Mode(models.Model):
    """Tryb odbywania szkolenia: rezydentura / poza rezydenturą."""

    RESIDENCY = "rezydentura"
    NON_RESIDENCY = "poza-rezydentura"

    code = models.SlugField(_("kod"), max_length=32, unique=True)
    name = models.CharField(_("nazwa"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tryb")
        verbose_name_plural = _("tryby")

    def __str__(self):
        return self.name


def _in_force_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class ProgrammeQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date | None = None):
        return self.filter(_in_force_on(day or timezone.localdate()))


class Programme(models.Model):
    """Program specjalizacji for one field and mode."""

    field = models.ForeignKey(
        Field, models.PROTECT, related_name="programmes", verbose_name=_("dziedzina")
    )
    mode = models.ForeignKey(
        Mode, models.PROTECT, related_name="programmes", verbose_name=_("tryb")
    )
    name = models.CharField(_("nazwa programu"), max_length=255)
    duration_months = models.PositiveSmallIntegerField(_("czas trwania (miesiące)"))
    valid_from = models.DateField(_("obowiązuje od"))
    valid_to = models.DateField(_("obowiązuje do"), null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["field__name", "mode__name", "-valid_from"]
        verbose_name = _("program specjalizacji")
        verbose_name_plural = _("programy specjalizacji")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="programme_valid_to_after_from",
                violation_error_message=_(
                    "Data końca obowiązywania jest wcześniejsza niż początek."
                ),
            ),
            models.CheckConstraint(
                condition=Q(duration_months__gte=1), name="programme_duration_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def is_in_force(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def duration_years(self) -> int | None:
        """The programme's years of training (a 42-month programme has 4): the yearly
        training plan ("roczny plan szkolenia") has one year for each. None while the months
        are not given yet (the admin's page of a new programme shows it empty)."""
        if self.duration_months is None:
            return None
        return math.ceil(self.duration_months / 12)

    def planned_end_from(self, start: datetime.date) -> datetime.date:
        """The day before ``start`` + the programme's duration (a 48-month programme starting
        on 1 October 2026 ends on 30 September 2030)."""
        months = start.month - 1 + self.duration_months
        year, month = start.year + months // 12, months % 12 + 1
        last_day = calendar.monthrange(year, month)[1]
        return datetime.date(year, month, min(start.day, last_day)) - datetime.timedelta(days=1)


class ProgrammeModule(models.Model):
    """A part of a programme (moduł podstawowy, moduł specjalistyczny…) grouping its
    elements."""

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="modules", verbose_name=_("program")
    )
    number = models.PositiveSmallIntegerField(_("kolejność"), default=1)
    name = models.CharField(_("nazwa modułu"), max_length=255)

    class Meta:
        ordering = ["programme", "number", "pk"]
        verbose_name = _("moduł programu")
        verbose_name_plural = _("moduły programów")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="programme_module_unique_name",
                violation_error_message=_("Program ma już moduł o tej nazwie."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.name}"


class ElementKind(models.TextChoices):
    """What a programme asks the diagnostician to do (seed 001: "procedur, kursów i staży
    kierunkowych")."""

    COURSE = "kurs", _("kurs specjalizacyjny")
    INTERNSHIP = "staz", _("staż kierunkowy")
    PROCEDURE = "procedura", _("procedura")


class ProgrammeElement(models.Model):
    """One element of a programme's module: a course, an internship of some weeks, or a
    procedure to perform a number of times."""

    module = models.ForeignKey(
        ProgrammeModule, models.CASCADE, related_name="elements", verbose_name=_("moduł")
    )
    number = models.PositiveSmallIntegerField(_("kolejność"), default=1)
    kind = models.CharField(_("rodzaj"), max_length=16, choices=ElementKind.choices)
    name = models.CharField(_("nazwa"), max_length=255)
    weeks = models.PositiveSmallIntegerField(
        _("czas trwania stażu (tygodnie)"), null=True, blank=True
    )
    required_count = models.PositiveSmallIntegerField(
        _("wymagana liczba wykonań"), null=True, blank=True
    )

    class Meta:
        ordering = ["module", "number", "pk"]
        verbose_name = _("element programu")
        verbose_name_plural = _("elementy programów")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "name"],
                name="programme_element_unique_name",
                violation_error_message=_("Moduł ma już element o tej nazwie."),
            ),
            # "IS NOT NULL" spelled out: a NULL would make the check unknown, which passes.
            models.CheckConstraint(
                condition=(
                    Q(kind=ElementKind.INTERNSHIP, weeks__isnull=False, weeks__gte=1)
                    | (~Q(kind=ElementKind.INTERNSHIP) & Q(weeks__isnull=True))
                ),
                name="programme_element_weeks_of_internships",
                violation_error_message=_(
                    "Podaj czas trwania stażu w tygodniach (tylko dla staży kierunkowych)."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=ElementKind.PROCEDURE,
                        required_count__isnull=False,
                        required_count__gte=1,
                    )
                    | (~Q(kind=ElementKind.PROCEDURE) & Q(required_count__isnull=True))
                ),
                name="programme_element_count_of_procedures",
                violation_error_message=_("Podaj wymaganą liczbę wykonań (tylko dla procedur)."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def requirement(self) -> str:
        """What the element asks for, as the card shows it ("4 tyg.", "20 wykonań")."""
        if self.kind == ElementKind.INTERNSHIP:
            return _("%(weeks)s tyg.") % {"weeks": self.weeks}
        if self.kind == ElementKind.PROCEDURE:
            return _("%(count)s wykonań") % {"count": self.required_count}
        return _("ukończenie kursu")


class TrainingUnitQuerySet(ScopedQuerySet):
    voivodeship_lookup = "voivodeship_id"
    unit_lookup = "pk"


class TrainingUnit(models.Model):
    """Jednostka szkoleniowa."""

    name = models.CharField(_("nazwa"), max_length=255)
    #: The street ("ul. Banacha"); older rows may still carry the number here too.
    street = models.CharField(_("ulica"), max_length=255)
    building_number = models.CharField(_("numer budynku"), max_length=16, blank=True)
    postal_code = models.CharField(
        _("kod pocztowy"),
        max_length=6,
        validators=[RegexValidator(r"^\d{2}-\d{3}$", _("Podaj kod pocztowy w formacie 00-000."))],
    )
    city = models.CharField(_("miejscowość"), max_length=128)
    voivodeship = models.ForeignKey(
        Voivodeship, models.PROTECT, related_name="units", verbose_name=_("województwo")
    )
    # The registry data the role request's PDF prints (seed 003), as in RPWDL / TERYT.
    teryt = models.CharField(
        _("kod TERYT"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{7}$", _("Kod TERYT gminy ma 7 cyfr."))],
        help_text=_("Kod TERYT gminy (7 cyfr, np. 1465011)."),
    )
    county = models.CharField(_("powiat"), max_length=128, blank=True)
    commune = models.CharField(_("gmina"), max_length=128, blank=True)
    register_book_number = models.CharField(
        _("numer księgi rejestrowej"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("Numer księgi rejestrowej (RPWDL) ma 12 cyfr."))],
    )
    krs = models.CharField(
        _("numer KRS"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{10}$", _("Numer KRS ma 10 cyfr."))],
    )
    nip = models.CharField(_("NIP"), max_length=10, unique=True, validators=[validate_nip])
    regon = models.CharField(_("REGON"), max_length=14, unique=True, validators=[validate_regon])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)

    objects = TrainingUnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("jednostka szkoleniowa")
        verbose_name_plural = _("jednostki szkoleniowe")
        indexes = [models.Index(fields=["voivodeship", "name"])]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Store the compact form, so "123-456-32-18" and "1234563218" are the same NIP;
        # before the field validators run, or the dashes would break the length limit.
        if self.nip:
            self.nip = nip.compact(self.nip)
        if self.regon:
            self.regon = regon.compact(self.regon)
        super().clean_fields(exclude=exclude)

    @property
    def street_address(self) -> str:
        return f"{self.street} {self.building_number}".strip()

    @property
    def address(self) -> str:
        return f"{self.street_address}, {self.postal_code} {self.city}"


class AccreditationQuerySet(AccreditationStateQuerySet):
    """``.active()``: in force (:mod:`reference.accreditations`)."""


class Accreditation(AccreditationState):
    """A unit's accreditation to train in one field, with its number of training places;
    granted, changed, suspended and withdrawn by the accrediting body
    (:mod:`reference.accreditations`, the ``accreditation`` app)."""

    unit = models.ForeignKey(
        TrainingUnit,
        models.PROTECT,
        related_name="accreditations",
        verbose_name=_("jednostka szkoleniowa"),
    )
    field = models.ForeignKey(
        Field, models.PROTECT, related_name="accreditations", verbose_name=_("dziedzina")
    )
    number = models.CharField(_("numer akredytacji"), max_length=64, blank=True)
    valid_from = models.DateField(_("ważna od"))
    valid_to = models.DateField(_("ważna do"), null=True, blank=True)
    places = models.PositiveIntegerField(_("liczba miejsc szkoleniowych"))

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name", "field__name"]
        verbose_name = _("akredytacja")
        verbose_name_plural = _("akredytacje")
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=0),
                name="accreditation_places_not_negative",
                violation_error_message=_("Liczba miejsc nie może być ujemna."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="accreditation_valid_to_after_from",
                violation_error_message=_("Data końca ważności jest wcześniejsza niż początek."),
            ),
            models.UniqueConstraint(
                fields=["unit", "field", "valid_from"],
                name="accreditation_unique_unit_field_start",
                violation_error_message=_(
                    "Ta jednostka ma już akredytację w tej dziedzinie od tego dnia."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.unit} — {self.field}"

    def clean(self):
        # Places are held per unit and field, so two accreditations of one unit in one field
        # must not be valid at the same time (one withdrawn by then no longer is).
        if not (self.unit_id and self.field_id and self.valid_from):
            return
        overlapping = Accreditation.objects.filter(
            unit_id=self.unit_id, field_id=self.field_id
        ).exclude(withdrawn_from__lte=self.valid_from)
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if overlapping.exclude(pk=self.pk).exists():
            raise ValidationError(
                _("Okres ważności nakłada się na inną akredytację tej jednostki w tej dziedzinie.")
            )
