"""The qualification procedure (postępowanie kwalifikacyjne): SPEC §3, seed 000 §1 and §4.

One module past 400 lines, as Django keeps an app's models: sessions, procedures, slot lists
and applications refer to one another, and the state machines' conditions sit next to the
fields they read. Each class is short; the services and views live elsewhere.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from reference.validators import validate_pesel
from smk.models import StoredDocument
from smk.scoping import ScopedQuerySet
from smk.uploads import document_path


class SessionQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-applications_from", "-pk")


class Session(models.Model):
    """A session of the qualification procedure; its dates are data set by the administrator."""

    name = models.CharField(_("nazwa"), max_length=100, unique=True)
    applications_from = models.DateField(_("przyjmowanie wniosków od"))
    applications_to = models.DateField(_("przyjmowanie wniosków do"))
    procedure_from = models.DateField(_("postępowanie od"))
    procedure_to = models.DateField(_("postępowanie do"))

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-applications_from", "-pk"]
        verbose_name = _("sesja")
        verbose_name_plural = _("sesje")
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_to__gte=models.F("applications_from"))
                & Q(procedure_from__gt=models.F("applications_to"))
                & Q(procedure_to__gte=models.F("procedure_from")),
                name="session_dates_in_order",
                violation_error_message=_(
                    "Daty sesji muszą następować po sobie: przyjmowanie wniosków, potem "
                    "postępowanie."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def year(self) -> int:
        return self.applications_from.year

    def accepts_applications(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.applications_from <= day <= self.applications_to

    def applications_closed(self, day: datetime.date | None = None) -> bool:
        return (day or timezone.localdate()) > self.applications_to


class Stage(models.TextChoices):
    APPLICATIONS = "przyjmowanie_wnioskow", _("przyjmowanie wniosków")
    FORMAL_EVALUATION = "ocena_formalna", _("ocena formalna")
    COMPETITION = "postepowanie_konkursowe", _("postępowanie konkursowe")
    CLOSED = "zakonczone", _("zakończone")


def _is_office_of(profile, voivodeship_id, roles) -> bool:
    """django-fsm ``permission=`` callables receive the acting profile as their "user"."""
    return (
        profile is not None
        and getattr(profile, "voivodeship_id", None) == voivodeship_id
        and profile.has_role(*roles)
    )


def can_run_procedure(instance, profile) -> bool:
    """UW and Wojewoda of the procedure's voivodeship."""
    from accounts.models import VOIVODESHIP_ROLES

    return _is_office_of(profile, instance.voivodeship_id, VOIVODESHIP_ROLES)


def is_wojewoda_of(instance, profile) -> bool:
    from accounts.models import Role

    return _is_office_of(profile, instance.voivodeship_id, (Role.WOJEWODA,))


def application_window_over(procedure) -> bool:
    return procedure.session.applications_closed()


def all_applications_evaluated(procedure) -> bool:
    return not Application.objects.filter(
        session_id=procedure.session_id,
        voivodeship_id=procedure.voivodeship_id,
        status=ApplicationStatus.APPROVED,
        formal_evaluation="",
    ).exists()


def has_places(slot_list) -> bool:
    return slot_list.items.filter(places__gt=0).exists()


class ProcedureQuerySet(ScopedQuerySet):
    voivodeship_lookup = "voivodeship_id"


class Procedure(ConcurrentTransitionMixin, models.Model):
    """One voivodeship's qualification procedure in one session."""

    session = models.ForeignKey(
        Session, models.PROTECT, related_name="procedures", verbose_name=_("sesja")
    )
    voivodeship = models.ForeignKey(
        "reference.Voivodeship",
        models.PROTECT,
        related_name="procedures",
        verbose_name=_("województwo"),
    )
    stage = FSMField(
        _("etap"),
        max_length=32,
        choices=Stage.choices,
        default=Stage.APPLICATIONS,
        protected=True,
    )
    closed_at = models.DateTimeField(_("zakończono"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zakończył"),
    )

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["-session__applications_from", "voivodeship__name"]
        verbose_name = _("postępowanie kwalifikacyjne")
        verbose_name_plural = _("postępowania kwalifikacyjne")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "voivodeship"], name="procedure_one_per_session_voivodeship"
            ),
        ]

    def __str__(self):
        return f"{self.session} — {self.voivodeship}"

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED

    @transition(
        field=stage,
        source=Stage.APPLICATIONS,
        target=Stage.FORMAL_EVALUATION,
        conditions=[application_window_over],
        permission=can_run_procedure,
        custom={"label": _("Rozpocznij ocenę formalną")},
    )
    def start_formal_evaluation(self):
        """After the application window: the office evaluates the applications."""

    @transition(
        field=stage,
        source=Stage.FORMAL_EVALUATION,
        target=Stage.COMPETITION,
        conditions=[all_applications_evaluated],
        permission=can_run_procedure,
        custom={"label": _("Rozpocznij postępowanie konkursowe")},
    )
    def start_competition(self):
        """Every application evaluated: points and ranking lists."""

    @transition(
        field=stage,
        source=Stage.COMPETITION,
        target=Stage.CLOSED,
        permission=can_run_procedure,
        custom={"label": _("Zakończ postępowanie")},
    )
    def close(self):
        """Only through ``qualification.services.close_procedure``, which checks the rest."""


class SlotListStatus(models.TextChoices):
    DRAFT = "robocza", _("robocza")
    APPROVED = "zatwierdzona", _("zatwierdzona")
    PUBLISHED = "opublikowana", _("opublikowana")


class SlotListQuerySet(ScopedQuerySet):
    voivodeship_lookup = "voivodeship_id"

    def approved(self):
        return self.filter(status__in=[SlotListStatus.APPROVED, SlotListStatus.PUBLISHED])


class SlotList(ConcurrentTransitionMixin, models.Model):
    """Lista miejsc szkoleniowych: places per field and mode in one voivodeship and session."""

    session = models.ForeignKey(
        Session, models.PROTECT, related_name="slot_lists", verbose_name=_("sesja")
    )
    voivodeship = models.ForeignKey(
        "reference.Voivodeship",
        models.PROTECT,
        related_name="slot_lists",
        verbose_name=_("województwo"),
    )
    status = FSMField(
        _("status"),
        max_length=16,
        choices=SlotListStatus.choices,
        default=SlotListStatus.DRAFT,
        protected=True,
    )
    approved_at = models.DateTimeField(_("zatwierdzono"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("opublikowano"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SlotListQuerySet.as_manager()

    class Meta:
        ordering = ["-session__applications_from", "voivodeship__name"]
        verbose_name = _("lista miejsc szkoleniowych")
        verbose_name_plural = _("listy miejsc szkoleniowych")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "voivodeship"], name="slot_list_one_per_session_voivodeship"
            ),
        ]

    def __str__(self):
        return f"{_('Lista miejsc szkoleniowych')} — {self.session}, {self.voivodeship}"

    @property
    def is_editable(self) -> bool:
        return self.status == SlotListStatus.DRAFT

    @transition(
        field=status,
        source=SlotListStatus.DRAFT,
        target=SlotListStatus.APPROVED,
        conditions=[has_places],
        permission=is_wojewoda_of,
        custom={"label": _("Zatwierdź")},
    )
    def approve(self):
        """Only the Wojewoda; an approved list cannot be edited."""

    @transition(
        field=status,
        source=SlotListStatus.APPROVED,
        target=SlotListStatus.PUBLISHED,
        permission=is_wojewoda_of,
        custom={"label": _("Opublikuj")},
    )
    def publish(self):
        """Only the Wojewoda; a published list is visible to applicants."""


class SlotListItem(models.Model):
    slot_list = models.ForeignKey(
        SlotList, models.CASCADE, related_name="items", verbose_name=_("lista miejsc")
    )
    field = models.ForeignKey(
        "reference.Field", models.PROTECT, related_name="+", verbose_name=_("dziedzina")
    )
    mode = models.ForeignKey(
        "reference.Mode", models.PROTECT, related_name="+", verbose_name=_("tryb")
    )
    places = models.PositiveIntegerField(_("liczba miejsc"))

    class Meta:
        ordering = ["field__name", "mode__name"]
        verbose_name = _("pozycja listy miejsc")
        verbose_name_plural = _("pozycje listy miejsc")
        constraints = [
            models.UniqueConstraint(
                fields=["slot_list", "field", "mode"], name="slot_list_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(places__gte=0), name="slot_list_places_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.field} / {self.mode}: {self.places}"


class ApplicationStatus(models.TextChoices):
    """The applicant's side (WORS): a draft, approved ("Zatwierdź"), or made inactive."""

    DRAFT = "robocza", _("wersja robocza")
    APPROVED = "zatwierdzony", _("zatwierdzony")
    INACTIVE = "nieaktywny", _("nieaktywny")


class FormalEvaluation(models.TextChoices):
    POSITIVE = "pozytywna", _("pozytywna")
    NEGATIVE = "negatywna", _("negatywna")


class ApplicationQuerySet(ScopedQuerySet):
    voivodeship_lookup = "voivodeship_id"
    person_lookup = "applicant_id"

    def for_voivodeship(self, voivodeship_id):
        # The office sees an application only once the applicant has approved it.
        return super().for_voivodeship(voivodeship_id).filter(status=ApplicationStatus.APPROVED)

    def ranked(self):
        """Ranking order: points ↓, study result ↓, approved earlier first, then number ↑.

        The last two make the order total and stable: who approved their application earlier
        ranks higher among otherwise equal applications; the number settles the rest.
        """
        return self.order_by(
            models.F("points").desc(nulls_last=True),
            models.F("study_result").desc(nulls_last=True),
            models.F("approved_at").asc(nulls_last=True),
            "number",
        )


#: Points for years of employment in a medical laboratory (SPEC §3).
EMPLOYMENT_POINTS = [(10, 15), (5, 10), (3, 5)]


def employment_points(years: int) -> int:
    for threshold, points in EMPLOYMENT_POINTS:
        if years >= threshold:
            return points
    return 0


class Application(models.Model):
    """Wniosek o rozpoczęcie szkolenia specjalizacyjnego."""

    number = models.CharField(_("numer wniosku"), max_length=32, unique=True)
    session = models.ForeignKey(
        Session, models.PROTECT, related_name="applications", verbose_name=_("sesja")
    )
    voivodeship = models.ForeignKey(
        "reference.Voivodeship",
        models.PROTECT,
        related_name="applications",
        verbose_name=_("województwo"),
    )
    field = models.ForeignKey(
        "reference.Field", models.PROTECT, related_name="applications", verbose_name=_("dziedzina")
    )
    mode = models.ForeignKey(
        "reference.Mode", models.PROTECT, related_name="applications", verbose_name=_("tryb")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("konto wnioskodawcy"),
    )
    # The applicant's data as given on the application (kept even if the account changes).
    first_name = models.CharField(_("imię"), max_length=100)
    last_name = models.CharField(_("nazwisko"), max_length=150)
    pesel = models.CharField(_("PESEL"), max_length=11, validators=[validate_pesel])
    licence_number = models.CharField(
        _("numer wpisu na listę diagnostów laboratoryjnych"), max_length=32
    )
    email = models.EmailField(_("adres e-mail"))
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    address = models.CharField(_("adres korespondencyjny"), max_length=255, blank=True)
    university = models.CharField(_("uczelnia"), max_length=255, blank=True)
    graduation_year = models.PositiveSmallIntegerField(
        _("rok ukończenia studiów"), null=True, blank=True
    )
    study_result = models.DecimalField(
        _("wynik studiów"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("2.00")), MaxValueValidator(Decimal("5.00"))],
        help_text=_("Średnia ocen ze studiów, od 2,00 do 5,00."),
    )
    # Seed 002's statements on the application (shown on the print and to the office).
    limited_licence = models.BooleanField(
        _("posiadam ograniczone prawo wykonywania zawodu"),
        default=False,
        help_text=_(
            "Zaznacz, jeśli Twoje prawo wykonywania zawodu jest ograniczone — wniosek możesz "
            "złożyć, ale musisz to zaznaczyć."
        ),
    )
    preferred_mode = models.ForeignKey(
        "reference.Mode",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferowany tryb (oświadczenie)"),
        help_text=_(
            "Oświadczenie wymagane, gdy składasz wnioski w obu trybach: tryb, w którym chcesz "
            "odbywać szkolenie, jeśli zakwalifikujesz się w obu."
        ),
    )
    #: Set when the applicant was qualified for residency before and the installation only
    #: warns (``SECOND_RESIDENCY_RULE = "warn"``): the office sees the flag.
    repeat_residency = models.BooleanField(_("ponowny wniosek o rezydenturę"), default=False)

    status = models.CharField(
        _("status wniosku"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    approved_at = models.DateTimeField(_("zatwierdzono"), null=True, blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    # Formal evaluation (ocena formalna) by the office.
    formal_evaluation = models.CharField(
        _("ocena formalna"), max_length=16, choices=FormalEvaluation.choices, blank=True
    )
    formal_reason = models.TextField(_("uzasadnienie oceny formalnej"), blank=True)
    evaluated_at = models.DateTimeField(_("oceniono"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Points and their components (punktacja).
    employment_years = models.PositiveSmallIntegerField(
        _("staż pracy w laboratorium (lata)"), null=True, blank=True
    )
    points_employment = models.PositiveSmallIntegerField(
        _("punkty za staż pracy"), null=True, blank=True
    )
    points_publications = models.DecimalField(
        _("punkty za publikacje"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    points_courses = models.DecimalField(
        _("punkty za kursy i szkolenia"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    points_other = models.DecimalField(
        _("inne punkty"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    points = models.DecimalField(_("punkty"), max_digits=6, decimal_places=2, null=True, blank=True)

    # Ranking result, frozen when the procedure is closed (or on manual qualification).
    ranking_position = models.PositiveIntegerField(
        _("pozycja na liście rankingowej"), null=True, blank=True
    )
    qualified = models.BooleanField(_("zakwalifikowany"), null=True, blank=True)
    qualified_manually = models.BooleanField(_("zakwalifikowany ręcznie"), default=False)

    #: Bumped on every change; a form posted with an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("wniosek")
        verbose_name_plural = _("wnioski")
        indexes = [
            models.Index(fields=["session", "voivodeship", "status"]),
            # The office's application list: its count and its filter across all sessions.
            models.Index(
                fields=["voivodeship", "status", "session", "number"], name="application_office"
            ),
            models.Index(
                fields=["session", "voivodeship", "field", "mode", "-points", "-study_result"],
                name="application_ranking",
            ),
            models.Index(fields=["pesel"]),
            models.Index(fields=["last_name", "first_name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0),
                name="application_points_not_negative",
                violation_error_message=_("Liczba punktów nie może być ujemna."),
            ),
            models.CheckConstraint(
                condition=~Q(formal_evaluation=FormalEvaluation.NEGATIVE) | ~Q(formal_reason=""),
                name="application_negative_evaluation_has_reason",
                violation_error_message=_("Negatywna ocena formalna wymaga uzasadnienia."),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def applicant_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_formally_positive(self) -> bool:
        return self.formal_evaluation == FormalEvaluation.POSITIVE


class PreferredUnit(models.Model):
    """A training unit the applicant prefers, in the applicant's order (1 = first choice)."""

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="preferred_units", verbose_name=_("wniosek")
    )
    unit = models.ForeignKey(
        "reference.TrainingUnit",
        models.PROTECT,
        related_name="+",
        verbose_name=_("jednostka szkoleniowa"),
    )
    position = models.PositiveSmallIntegerField(_("kolejność"))

    class Meta:
        ordering = ["application", "position"]
        verbose_name = _("preferowana jednostka szkoleniowa")
        verbose_name_plural = _("preferowane jednostki szkoleniowe")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position"], name="preferred_unit_position_unique"
            ),
            models.UniqueConstraint(fields=["application", "unit"], name="preferred_unit_unique"),
        ]

    def __str__(self):
        return f"{self.position}. {self.unit}"


class AttachmentKind(models.TextChoices):
    """What an applicant attaches to an application (seed 002, "wymagane załączniki")."""

    DIPLOMA = "dyplom", _("dyplom ukończenia studiów")
    EMPLOYMENT = "zatrudnienie", _("zaświadczenie o zatrudnieniu")


def application_attachment_path(instance, filename):
    return document_path("wnioski", instance.application_id, instance.content_type)


class ApplicationAttachmentQuerySet(ScopedQuerySet):
    voivodeship_lookup = "application__voivodeship_id"
    person_lookup = "application__applicant_id"

    def for_voivodeship(self, voivodeship_id):
        # Like the applications themselves: the office sees them once approved.
        return (
            super()
            .for_voivodeship(voivodeship_id)
            .filter(application__status=ApplicationStatus.APPROVED)
        )


class ApplicationAttachment(StoredDocument):
    """A document attached to an application: PDF or JPG, checked (type by content, size,
    malware scan) by ``smk.uploads.validate_document`` before it is kept."""

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="attachments", verbose_name=_("wniosek")
    )
    kind = models.CharField(_("rodzaj załącznika"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("plik"), upload_to=application_attachment_path, max_length=255)

    objects = ApplicationAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "uploaded_at", "pk"]
        verbose_name = _("załącznik wniosku")
        verbose_name_plural = _("załączniki wniosków")
