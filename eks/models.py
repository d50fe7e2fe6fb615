"""The Elektroniczna Karta Specjalizacji as the training is kept in it (issue 17, seed 001).

The card itself, :class:`registry.models.EKS`, is made when the unit accepts the referral, by
the referral services, inside their transaction: it stays in ``registry``, below
``referrals``, so that acceptance keeps calling it as an ordinary import downwards. What
happens to the card afterwards lives here, on the floor above ``referrals``: :class:`Card`
is the same row seen through a proxy model carrying the card's state machine (its status
column is ``registry.EKS.status``), the kierownik's appointments, the yearly training plan
and the entries, each with a state machine of its own.

django-fsm passes the acting *profile* as the transitions' "user" argument, as for referrals.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from eks.progress import CardProgress, amount_of, card_progress, weeks_between
from eks.statuses import EntryStatus
from reference.models import ProgrammeModule
from registry.models import EKS, EKSQuerySet, EKSStatus
from smk.scoping import Scope, ScopedQuerySet
from smk.uploads import document_path


def only_kierownik(profile) -> bool:
    """A training unit's profile that keeps EKS cards but does not handle the unit's
    referrals: it sees the cards of its own trainees only."""
    from accounts.models import Role

    return (
        profile is not None
        and profile.scope[0] == Scope.UNIT
        and profile.has_role(Role.KIEROWNIK)
        and not profile.has_role(Role.UNIT_STAFF)
    )


def current_appointment(card) -> "Appointment | None":
    """The card's current kierownik's appointment, read once per card object."""
    if "_current_appointment" not in card.__dict__:
        card.__dict__["_current_appointment"] = (
            Appointment.objects.filter(card_id=card.pk, until__isnull=True)
            .select_related("kierownik__user")
            .first()
        )
    return card.__dict__["_current_appointment"]


# ---- Who may act: the acting profile against the card --------------------------------------


def is_trainee_of(card, profile) -> bool:
    """The diagnostician whose card it is, working in their personal profile."""
    from accounts.models import Role

    return (
        profile is not None
        and profile.scope == (Scope.PERSON, card.referral.application.applicant_id)
        and profile.has_role(Role.APPLICANT)
    )


def is_kierownik_of(card, profile) -> bool:
    """The card's current kierownik specjalizacji."""
    from accounts.models import Role

    appointment = current_appointment(card)
    return (
        profile is not None
        and appointment is not None
        and appointment.kierownik_id == profile.pk
        and getattr(profile, "unit_id", None) == card.unit_id
        and profile.has_role(Role.KIEROWNIK)
    )


def is_office_of(card, profile) -> bool:
    """The voivodeship office (UW, Wojewoda) that issued the referral."""
    from accounts.models import VOIVODESHIP_ROLES

    return (
        profile is not None
        and getattr(profile, "voivodeship_id", None) == card.referral.voivodeship_id
        and profile.has_role(*VOIVODESHIP_ROLES)
    )


# ---- The card's conditions -----------------------------------------------------------------


def every_element_confirmed(card) -> bool:
    return card.progress.complete


def nothing_waiting(card) -> bool:
    return not card.progress.counts.get(EntryStatus.SUBMITTED)


class CardQuerySet(EKSQuerySet):
    def for_profile(self, profile):
        cards = super().for_profile(profile)
        if only_kierownik(profile):
            cards = cards.filter(appointments__kierownik=profile, appointments__until__isnull=True)
        return cards


class Card(ConcurrentTransitionMixin, EKS):
    """An EKS with its training: the kierownik, the plan, the entries, the state machine."""

    objects = CardQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("Elektroniczna Karta Specjalizacji")
        verbose_name_plural = _("Elektroniczne Karty Specjalizacji")

    @property
    def current_appointment(self) -> "Appointment | None":
        return current_appointment(self)

    @property
    def kierownik(self):
        """The profile of the current kierownik specjalizacji, or None."""
        appointment = current_appointment(self)
        return appointment.kierownik if appointment else None

    @property
    def is_open(self) -> bool:
        return self.status == EKSStatus.OPEN

    @property
    def status_is_final(self) -> bool:
        return self.status == EKSStatus.VERIFIED

    def modules(self):
        return (
            ProgrammeModule.objects.filter(programme_id=self.programme_id)
            .order_by("number", "pk")
            .prefetch_related("elements")
        )

    @cached_property
    def progress(self) -> CardProgress:
        entries = self.entries.select_related("element", "decided_by").order_by("date_from", "pk")
        plan = dict(self.plan_items.values_list("element_id", "year"))
        return card_progress(self.modules(), entries, plan)

    def year_starts(self, year: int):
        """The first day of the training's ``year`` (1, 2, …)."""
        start = self.start_date
        try:
            return start.replace(year=start.year + year - 1)
        except ValueError:  # 29 February in a year that has none
            return start.replace(year=start.year + year - 1, day=28)

    def year_started(self, year: int, today=None) -> bool:
        return self.year_starts(year) <= (today or timezone.localdate())

    # ---- Transitions (labels are the buttons'); effects in eks/services/card.py ------------

    @transition(
        field="status",
        source=EKSStatus.OPEN,
        target=EKSStatus.SUBMITTED,
        conditions=[every_element_confirmed, nothing_waiting],
        permission=is_kierownik_of,
        custom={"label": _("Potwierdź zakończenie specjalizacji"), "action": "complete"},
    )
    def confirm_completion(self):
        """The kierownik confirms the end: the card goes to the office for verification."""

    @transition(
        field="status",
        source=EKSStatus.SUBMITTED,
        target=EKSStatus.VERIFIED,
        permission=is_office_of,
        custom={"label": _("Zweryfikuj"), "action": "verify"},
    )
    def verify(self):
        """The office verifies: a register entry of the completed specialization."""

    @transition(
        field="status",
        source=EKSStatus.SUBMITTED,
        target=EKSStatus.OPEN,
        permission=is_office_of,
        custom={"label": _("Zwróć do poprawy"), "action": "return"},
    )
    def return_for_correction(self):
        """The office returns the card (with a reason) to the diagnostician and kierownik."""


class Appointment(models.Model):
    """The kierownik specjalizacji of one card for a period. A change closes the current
    appointment on the day of the change and opens the next one on that day, so every
    kierownik the training had, and since when, stays on record."""

    card = models.ForeignKey(
        EKS, models.PROTECT, related_name="appointments", verbose_name=_("EKS")
    )
    kierownik = models.ForeignKey(
        "accounts.Profile",
        models.PROTECT,
        related_name="eks_appointments",
        verbose_name=_("kierownik specjalizacji"),
    )
    since = models.DateField(_("kierownik od"))
    until = models.DateField(_("kierownik do"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wyznaczył"),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        ordering = ["card", "since", "pk"]
        verbose_name = _("kierownik specjalizacji EKS")
        verbose_name_plural = _("kierownicy specjalizacji EKS")
        constraints = [
            models.UniqueConstraint(
                fields=["card"], condition=Q(until__isnull=True), name="eks_one_current_kierownik"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="eks_appointment_until_after_since",
            ),
        ]

    def __str__(self):
        return f"{self.card_id}: {self.kierownik_id} ({self.since}–{self.until or ''})"


class PlanItem(models.Model):
    """Roczny plan szkolenia: in which year of the training the kierownik plans an element."""

    card = models.ForeignKey(EKS, models.CASCADE, related_name="plan_items", verbose_name=_("EKS"))
    element = models.ForeignKey(
        "reference.ProgrammeElement",
        models.PROTECT,
        related_name="+",
        verbose_name=_("element programu"),
    )
    year = models.PositiveSmallIntegerField(_("rok szkolenia"))

    class Meta:
        ordering = ["card", "year", "pk"]
        verbose_name = _("pozycja rocznego planu szkolenia")
        verbose_name_plural = _("roczne plany szkolenia")
        constraints = [
            models.UniqueConstraint(fields=["card", "element"], name="eks_plan_one_year_each"),
            models.CheckConstraint(condition=Q(year__gte=1), name="eks_plan_year_positive"),
        ]

    def __str__(self):
        return f"{self.element_id}: {self.year}"


def certificate_path(instance, filename):
    return document_path("eks", instance.card_id, instance.certificate_type)


class EntryQuerySet(ScopedQuerySet):
    def for_profile(self, profile):
        """The entries of the cards the profile sees (a kierownik: of their trainees)."""
        return self.filter(card__in=Card.objects.for_profile(profile).values("pk"))


# ---- The entries' permissions and condition ------------------------------------------------


def entry_card_is_open(entry) -> bool:
    return entry.card.status == EKSStatus.OPEN


def is_entry_trainee(entry, profile) -> bool:
    return is_trainee_of(entry.card, profile)


def is_entry_kierownik(entry, profile) -> bool:
    return is_kierownik_of(entry.card, profile)


class Entry(ConcurrentTransitionMixin, models.Model):
    """A course, an internship or procedures the diagnostician did, as entered in the card,
    with the certificate (PDF or JPG, checked and scanned like every upload)."""

    card = models.ForeignKey(EKS, models.PROTECT, related_name="entries", verbose_name=_("EKS"))
    element = models.ForeignKey(
        "reference.ProgrammeElement",
        models.PROTECT,
        related_name="+",
        verbose_name=_("element programu"),
    )
    status = FSMField(
        _("status wpisu"),
        max_length=16,
        choices=EntryStatus.choices,
        default=EntryStatus.ENTERED,
        protected=True,
    )
    date_from = models.DateField(_("data rozpoczęcia"))
    date_to = models.DateField(_("data zakończenia"))
    place = models.CharField(_("miejsce odbycia"), max_length=255)
    #: How many procedures this entry records (procedures only).
    count = models.PositiveSmallIntegerField(_("liczba wykonanych procedur"), null=True)
    certificate = models.FileField(
        _("zaświadczenie"), upload_to=certificate_path, max_length=255, blank=True
    )
    certificate_name = models.CharField(_("nazwa pliku"), max_length=255, blank=True)
    certificate_size = models.PositiveBigIntegerField(_("rozmiar"), null=True, blank=True)
    certificate_type = models.CharField(_("typ pliku"), max_length=64, blank=True)
    rejection_reason = models.TextField(_("powód odrzucenia"), blank=True)
    submitted_at = models.DateTimeField(_("przekazano do potwierdzenia"), null=True, blank=True)
    decided_at = models.DateTimeField(_("data decyzji"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("potwierdził / odrzucił"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("wprowadził")
    )
    created_at = models.DateTimeField(_("wprowadzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)
    #: Bumped on every change; a form posted from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["card", "date_from", "pk"]
        verbose_name = _("wpis w EKS")
        verbose_name_plural = _("wpisy w EKS")
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")),
                name="eks_entry_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__gte=1), name="eks_entry_count_positive"
            ),
        ]
        indexes = [models.Index(fields=["card", "status"])]

    def __str__(self):
        return f"{self.element} ({self.date_from:%d.%m.%Y})"

    @property
    def status_label(self) -> str:
        return str(EntryStatus(self.status).label)

    @property
    def weeks(self) -> int:
        return weeks_between(self.date_from, self.date_to)

    @property
    def amount(self) -> int:
        return amount_of(self)

    @property
    def certificate_label(self) -> str:
        return "PDF" if self.certificate_type == "application/pdf" else "JPG"

    # ---- Transitions; effects in eks/services/entries.py ----------------------------------

    @transition(
        field=status,
        source=EntryStatus.ENTERED,
        target=EntryStatus.SUBMITTED,
        conditions=[entry_card_is_open],
        permission=is_entry_trainee,
        custom={"label": _("Przekaż do potwierdzenia")},
    )
    def submit(self):
        """To the kierownik's queue."""

    @transition(
        field=status,
        source=EntryStatus.SUBMITTED,
        target=EntryStatus.CONFIRMED,
        conditions=[entry_card_is_open],
        permission=is_entry_kierownik,
        custom={"label": _("Potwierdź")},
    )
    def confirm(self):
        """The kierownik confirms: the entry counts towards its element."""

    @transition(
        field=status,
        source=[EntryStatus.SUBMITTED, EntryStatus.CONFIRMED],
        target=EntryStatus.REJECTED,
        conditions=[entry_card_is_open],
        permission=is_entry_kierownik,
        custom={"label": _("Odrzuć")},
    )
    def reject(self):
        """The kierownik rejects, with a reason (also a confirmed entry, while the card is
        open: after the office returned it, say)."""

    @transition(
        field=status,
        source=[EntryStatus.ENTERED, EntryStatus.REJECTED],
        target=EntryStatus.ENTERED,
        conditions=[entry_card_is_open],
        permission=is_entry_trainee,
        custom={"label": _("Popraw")},
    )
    def correct(self):
        """The diagnostician changes the entry (a rejected one comes back as entered)."""
