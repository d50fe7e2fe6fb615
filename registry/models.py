"""Rejestr osób odbywających szkolenie specjalizacyjne, and the EKS (SPEC §6)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from smk.models import AppendOnlyError
from smk.scoping import ScopedQuerySet


class EntryKind(models.TextChoices):
    START = "rozpoczecie", _("Rozpoczęcie szkolenia")
    STRIKE_OFF = "skreslenie", _("Skreślenie z rejestru")
    #: Made when the office verifies the EKS ("Zweryfikuj", issue 17).
    COMPLETION = "ukonczenie", _("Ukończenie szkolenia specjalizacyjnego")


class AppendOnlyQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Register entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("Register entries cannot be deleted")


class RegisterEntryQuerySet(AppendOnlyQuerySet):
    voivodeship_lookup = "voivodeship_id"
    unit_lookup = "unit_id"
    person_lookup = "referral__application__applicant_id"


class RegisterEntry(models.Model):
    """One numbered entry of the register; never changed or deleted once made."""

    number = models.CharField(_("numer wpisu"), max_length=32, unique=True)
    kind = models.CharField(_("rodzaj wpisu"), max_length=16, choices=EntryKind.choices)
    entry_date = models.DateField(_("data wpisu"))
    referral = models.ForeignKey(
        "referrals.Referral",
        models.PROTECT,
        related_name="register_entries",
        verbose_name=_("skierowanie"),
    )
    voivodeship = models.ForeignKey(
        "reference.Voivodeship", models.PROTECT, related_name="+", verbose_name=_("województwo")
    )
    # The person and training as they were at the time of the entry.
    first_name = models.CharField(_("imię"), max_length=100)
    last_name = models.CharField(_("nazwisko"), max_length=150)
    pesel = models.CharField(_("PESEL"), max_length=11)
    field = models.ForeignKey(
        "reference.Field", models.PROTECT, related_name="+", verbose_name=_("dziedzina")
    )
    unit = models.ForeignKey(
        "reference.TrainingUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="register_entries",
        verbose_name=_("jednostka szkoleniowa"),
    )
    reason = models.TextField(_("podstawa wpisu"), blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wpisu dokonał"),
    )

    objects = RegisterEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-entry_date", "-pk"]
        verbose_name = _("wpis w rejestrze")
        verbose_name_plural = _("wpisy w rejestrze")
        constraints = [
            # One start and at most one skreślenie per referral.
            models.UniqueConstraint(
                fields=["referral", "kind"], name="register_entry_one_per_kind"
            ),
        ]
        indexes = [models.Index(fields=["voivodeship", "-entry_date"])]

    def __str__(self):
        return f"{self.number} ({self.get_kind_display()})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Register entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Register entries cannot be deleted")


class EKSStatus(models.TextChoices):
    """Where a card stands (issue 17): the transitions are :class:`eks.models.Card`'s."""

    OPEN = "otwarta", _("otwarta")
    SUBMITTED = "przekazana", _("przekazana do weryfikacji")
    VERIFIED = "zweryfikowana", _("zweryfikowana")


class EKSQuerySet(ScopedQuerySet):
    voivodeship_lookup = "voivodeship_id"
    unit_lookup = "unit_id"
    person_lookup = "referral__application__applicant_id"


class EKS(models.Model):
    """Elektroniczna Karta Specjalizacji: one per accepted referral."""

    number = models.CharField(_("numer EKS"), max_length=32, unique=True)
    referral = models.OneToOneField(
        "referrals.Referral", models.PROTECT, related_name="eks", verbose_name=_("skierowanie")
    )
    #: The referral's (the office that issued it), copied so the office's list of cards reads
    #: its rows from an index of its own instead of joining every referral.
    voivodeship = models.ForeignKey(
        "reference.Voivodeship", models.PROTECT, related_name="+", verbose_name=_("województwo")
    )
    first_name = models.CharField(_("imię"), max_length=100)
    last_name = models.CharField(_("nazwisko"), max_length=150)
    pesel = models.CharField(_("PESEL"), max_length=11)
    field = models.ForeignKey(
        "reference.Field", models.PROTECT, related_name="+", verbose_name=_("dziedzina")
    )
    mode = models.ForeignKey(
        "reference.Mode", models.PROTECT, related_name="+", verbose_name=_("tryb")
    )
    programme = models.ForeignKey(
        "reference.Programme", models.PROTECT, related_name="+", verbose_name=_("program")
    )
    unit = models.ForeignKey(
        "reference.TrainingUnit",
        models.PROTECT,
        related_name="eks_cards",
        verbose_name=_("jednostka szkoleniowa"),
    )
    start_date = models.DateField(_("data rozpoczęcia"))
    planned_end = models.DateField(_("planowana data zakończenia"))
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    #: Bumped by every change of the card's own data (its kierownik, its plan, its status;
    #: not by its entries, which have versions of their own): a form posted from an older
    #: version is refused (the services in :mod:`eks`).
    version = models.PositiveIntegerField(default=1)
    status = FSMField(
        _("status EKS"),
        max_length=16,
        choices=EKSStatus.choices,
        default=EKSStatus.OPEN,
        protected=True,
    )
    #: "Potwierdź zakończenie specjalizacji" by the kierownik: when and who.
    completion_confirmed_at = models.DateTimeField(
        _("zakończenie potwierdzono"), null=True, blank=True
    )
    completion_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zakończenie potwierdził"),
    )
    #: "Zweryfikuj" by the office: when and who.
    verified_at = models.DateTimeField(_("zweryfikowano"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zweryfikował"),
    )
    #: Why the office last returned the card ("Zwróć do poprawy"); the history keeps every one.
    return_reason = models.TextField(_("powód zwrotu do poprawy"), blank=True, default="")

    objects = EKSQuerySet.as_manager()

    class Meta:
        verbose_name = _("Elektroniczna Karta Specjalizacji")
        verbose_name_plural = _("Elektroniczne Karty Specjalizacji")
        indexes = [
            models.Index(fields=["status", "unit"]),
            # The office's list of cards (eks), in its order, with and without a status.
            models.Index(fields=["voivodeship", "last_name", "first_name", "id"], name="eks_list"),
            models.Index(
                fields=["voivodeship", "status", "last_name", "first_name", "id"],
                name="eks_list_status",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def status_label(self) -> str:
        return str(EKSStatus(self.status).label)
