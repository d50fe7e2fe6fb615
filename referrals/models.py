"""The referral (skierowanie) to specialization training (SPEC §4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

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


class DecisionKind(models.TextChoices):
    ACCEPTED = "akceptacja", _("Akceptacja skierowania")
    REJECTED = "odrzucenie", _("Odrzucenie skierowania")
    NOT_STARTED = "niepodjecie", _("Niepodjęcie szkolenia")


class DecidedBy(models.TextChoices):
    UNIT = "jednostka", _("Jednostka szkoleniowa")
    OFFICE = "urzad", _("Urząd Wojewódzki")


# Permissions: django-fsm passes the acting *profile* as its "user" argument.
def is_office_of(referral, profile) -> bool:
    from accounts.models import VOIVODESHIP_ROLES

    return (
        profile is not None
        and getattr(profile, "voivodeship_id", None) == referral.voivodeship_id
        and profile.has_role(*VOIVODESHIP_ROLES)
    )


def is_unit_of(referral, profile) -> bool:
    from accounts.models import Role

    return (
        profile is not None
        and referral.unit_id is not None
        and getattr(profile, "unit_id", None) == referral.unit_id
        and profile.has_role(Role.UNIT_STAFF)
    )


# Conditions: small named checks on the referral as saved.
def has_unit(referral) -> bool:
    return referral.unit_id is not None


def is_complete_for_sending(referral) -> bool:
    return bool(
        referral.unit_id
        and referral.programme_id
        and referral.planned_start
        and referral.planned_end
        and referral.planned_end > referral.planned_start
    )


def is_not_struck_off(referral) -> bool:
    return not referral.is_struck_off


def is_decided_by_unit_and_not_struck_off(referral) -> bool:
    return referral.decided_by_kind == DecidedBy.UNIT and not referral.is_struck_off


#: The office's list order: the ranking's (points ↓, study result ↓), then the number.
LIST_ORDER = ("-rank_points", "-rank_study_result", "number")


#: The application's values a referral copies when it is created (see ``Referral.rank_points``
#: and ``Referral.applicant_name``), in the order :func:`copied_from_application` takes them.
COPIED_FROM_APPLICATION = ("points", "study_result", "first_name", "last_name")


def copied_from_application(points, study_result, first_name, last_name) -> dict:
    """The referral's copies of its application's values: the list's sort keys (0 for a
    missing value, which sorts last) and the name its search looks for."""
    return {
        "rank_points": points or 0,
        "rank_study_result": study_result or 0,
        "applicant_name": f"{first_name} {last_name}",
    }


def copies_of(application) -> dict:
    """:func:`copied_from_application` for an application object."""
    return copied_from_application(*(getattr(application, f) for f in COPIED_FROM_APPLICATION))


class ReferralQuerySet(ScopedQuerySet):
    voivodeship_lookup = "voivodeship_id"
    unit_lookup = "unit_id"

    def for_unit(self, unit_id):
        # A unit sees only what was sent to it: a withdrawn referral is back in Wersja robocza
        # (and its sent_at cleared); one closed by the office before sending never was sent.
        return super().for_unit(unit_id).filter(status__in=VISIBLE_TO_UNIT, sent_at__isnull=False)

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
    # Sort keys of the office's list, copied from the application when the referral is
    # created (its points are final by then): the list reads its first page from an index
    # instead of joining and sorting every application. A missing value is stored as 0, which
    # sorts last, as NULLS LAST does in the ranking.
    rank_points = models.DecimalField(
        _("punkty"), max_digits=6, decimal_places=2, default=0, editable=False
    )
    rank_study_result = models.DecimalField(
        _("wynik studiów"), max_digits=3, decimal_places=2, default=0, editable=False
    )
    #: The applicant's "first last" name, copied with the sort keys (the application's names
    #: are final once it is approved): the search by name reads it from the referral's own
    #: row instead of joining every application of the session.
    applicant_name = models.CharField(
        _("imię i nazwisko"), max_length=255, blank=True, default="", editable=False
    )
    planned_start = models.DateField(_("planowana data rozpoczęcia"), null=True, blank=True)
    planned_end = models.DateField(_("planowana data zakończenia"), null=True, blank=True)
    #: Why the planned end is not the one the programme's length gives (empty when it is).
    planned_end_reason = models.TextField(
        _("uzasadnienie innej daty zakończenia"), blank=True, default=""
    )

    # The decision section (seed 000 §10–§12): the unit's or the office's decision.
    decision = models.CharField(
        _("decyzja"), max_length=16, choices=DecisionKind.choices, blank=True
    )
    decided_by_kind = models.CharField(
        _("decyzję wprowadził"), max_length=16, choices=DecidedBy.choices, blank=True
    )
    decision_justification = models.TextField(_("uzasadnienie decyzji"), blank=True)
    decision_attachment = models.FileField(
        _("załącznik"), upload_to="decyzje/%Y/%m/", blank=True, max_length=255
    )
    decided_at = models.DateTimeField(_("data decyzji"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decyzję wprowadził (osoba)"),
    )
    sent_at = models.DateTimeField(_("wysłano"), null=True, blank=True)

    #: Bumped on every change; a form posted from an older version is refused.
    version = models.PositiveIntegerField(default=1)
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
            # The office's list (LIST_ORDER) of a session, and of every session: the first
            # page is read from the index instead of sorting every referral.
            # INCLUDE id (PostgreSQL): a deep page's keys come from the index alone.
            models.Index(
                fields=["voivodeship", "session", *LIST_ORDER], include=["id"], name="referral_list"
            ),
            models.Index(
                fields=["voivodeship", *LIST_ORDER], include=["id"], name="referral_list_all"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=HOLDING_PLACE) | models.Q(unit__isnull=False),
                name="referral_holding_place_has_unit",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_struck_off(self) -> bool:
        """A skreślenie entry exists in the register: nothing may change any more."""
        cached = getattr(self, "_struck_off", None)
        if cached is not None:
            return cached
        return self.register_entries.filter(kind="skreslenie").exists()

    @property
    def status_label(self) -> str:
        """``get_status_display()`` for lists: an enum lookup instead of searching the choices."""
        return ReferralStatus(self.status).label

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING_PLACE

    @property
    def can_edit_unit_and_programme(self) -> bool:
        return self.status in (ReferralStatus.DRAFT, ReferralStatus.ASSIGNED)

    # ---- Transitions (SPEC §4). Effects live in referrals/services.py, which calls these
    # inside one transaction after checking the form data. Labels are the seed's buttons.

    @transition(
        field=status,
        source=[ReferralStatus.DRAFT, ReferralStatus.ASSIGNED],
        target=ReferralStatus.DRAFT,
        permission=is_office_of,
        custom={"label": _("Zapisz wersję roboczą"), "action": "save_draft", "order": 10},
    )
    def save_draft(self):
        """Saves the data; from Przydzielone it gives the held place back."""

    @transition(
        field=status,
        source=[ReferralStatus.DRAFT, ReferralStatus.ASSIGNED],
        target=ReferralStatus.ASSIGNED,
        conditions=[has_unit],
        permission=is_office_of,
        custom={"label": _("Przydziel"), "action": "assign", "order": 20},
    )
    def assign(self):
        """Takes one place of the chosen unit (the service checks it is free, under a lock)."""

    @transition(
        field=status,
        source=ReferralStatus.ASSIGNED,
        target=ReferralStatus.ISSUED,
        conditions=[is_complete_for_sending],
        permission=is_office_of,
        custom={"label": _("Wyślij"), "action": "send", "order": 30},
    )
    def send(self):
        """The unit can now see the referral and decide."""

    @transition(
        field=status,
        source=[ReferralStatus.ISSUED, ReferralStatus.NOT_STARTED],
        target=ReferralStatus.DRAFT,
        conditions=[is_not_struck_off],
        permission=is_office_of,
        custom={"label": _("Wycofaj"), "action": "withdraw", "order": 40},
    )
    def withdraw(self):
        """Back to Wersja robocza; the unit's decision stays in the history only."""

    @transition(
        field=status,
        source=[ReferralStatus.DRAFT, ReferralStatus.ASSIGNED, ReferralStatus.ISSUED],
        target=ReferralStatus.NOT_STARTED,
        permission=is_office_of,
        custom={"label": _("Niepodjęcie szkolenia"), "action": "not_started", "order": 50},
    )
    def register_not_started(self):
        """The office's non-commencement: final, with a skreślenie entry in the register."""

    @transition(
        field=status,
        source=ReferralStatus.NOT_STARTED,
        target=ReferralStatus.NOT_STARTED,
        conditions=[is_decided_by_unit_and_not_struck_off],
        permission=is_office_of,
        custom={"label": _("Wpisz do rejestru"), "action": "strike_off", "order": 60},
    )
    def strike_off(self):
        """After the unit's non-commencement: the skreślenie entry makes it final."""

    @transition(
        field=status,
        source=ReferralStatus.ISSUED,
        target=ReferralStatus.STARTED,
        permission=is_unit_of,
        custom={"label": _("Akceptuj"), "action": "accept", "order": 10},
    )
    def accept(self):
        """The unit accepts: EKS and a start entry in the register; the place stays held."""

    @transition(
        field=status,
        source=ReferralStatus.ISSUED,
        target=ReferralStatus.REJECTED,
        permission=is_unit_of,
        custom={"label": _("Odrzuć"), "action": "reject", "order": 20},
    )
    def reject(self):
        """The unit rejects: the place is freed and a new draft referral is created."""

    @transition(
        field=status,
        source=ReferralStatus.ISSUED,
        target=ReferralStatus.NOT_STARTED,
        permission=is_unit_of,
        custom={"label": _("Niepodjęcie szkolenia"), "action": "unit_not_started", "order": 30},
    )
    def unit_register_not_started(self):
        """The unit's non-commencement: no register entry until the office decides."""


def sessions():
    """The sessions of the qualification procedure, reached through the referral's foreign key
    (``"qualification.Session"``): ``referrals`` sits below ``qualification`` and refers to its
    models only by these lazy references (docs/architecture.md)."""
    return Referral._meta.get_field("session").related_model.objects


class DecisionReminder(models.Model):
    """The unit was reminded that a referral sent to it waits for its decision for more than
    14 days (:mod:`referrals.reminders`): one row per referral and sending, so a referral is
    reminded of once however often the reminder runs, and again only after it is sent anew."""

    referral = models.ForeignKey(
        Referral, models.CASCADE, related_name="+", verbose_name=_("skierowanie")
    )
    #: The sending reminded of (``Referral.sent_at`` then); a later sending is a new one.
    sent_at = models.DateTimeField(_("wysłano do jednostki"))
    reminded_at = models.DateTimeField(_("przypomniano"), auto_now_add=True)

    class Meta:
        verbose_name = _("przypomnienie o decyzji jednostki")
        verbose_name_plural = _("przypomnienia o decyzji jednostki")
        constraints = [
            models.UniqueConstraint(fields=["referral", "sent_at"], name="one_reminder_per_sending")
        ]

    def __str__(self):
        return f"{self.referral_id} @ {self.sent_at:%Y-%m-%d}"
