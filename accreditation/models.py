"""Wniosek o akredytację and what the accrediting body grants on it (issue 18, seed 001:
"wnioskowanie o udzielenie akredytacji na prowadzenie szkolenia specjalizacyjnego w danej
dziedzinie lub prowadzenie stażu"; CMKP: "obsługa procesu akredytacji jednostek szkolących").

A unit's staff writes a request (a draft), attaches the required documents and submits it;
the accrediting body grants it (a :class:`reference.models.Accreditation` of the field, or an
:class:`InternshipAccreditation`), refuses it, or asks the unit to complete it by a day. What
the body later decides about a granted accreditation (places, suspension, withdrawal) is the
state machine of :mod:`reference.accreditations`, shared by both kinds.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Role
from reference.accreditations import (
    AccreditationState,
    AccreditationStateQuerySet,
    by_accrediting_body,
)
from reference.models import Accreditation, ElementKind, ProgrammeElement
from smk.models import StoredDocument
from smk.scoping import ScopedQuerySet
from smk.uploads import document_path


class RequestKind(models.TextChoices):
    FIELD = "dziedzina", _("szkolenie specjalizacyjne w dziedzinie")
    INTERNSHIP = "staz", _("staż kierunkowy")


class RequestStatus(models.TextChoices):
    DRAFT = "wersja_robocza", _("wersja robocza")
    SUBMITTED = "zlozony", _("złożony — czeka na decyzję")
    TO_COMPLETE = "do_uzupelnienia", _("do uzupełnienia")
    GRANTED = "udzielono", _("akredytacja udzielona")
    REFUSED = "odmowa", _("odmowa akredytacji")
    WITHDRAWN = "wycofany", _("wycofany")


#: The unit edits the request and its files only in these statuses.
EDITABLE = (RequestStatus.DRAFT, RequestStatus.TO_COMPLETE)


class AttachmentKind(models.TextChoices):
    MANAGER_CONSENT = "zgoda_kierownika", _("zgoda kierownika specjalizacji")
    STAFF = "kadra", _("kwalifikacje kadry")
    EQUIPMENT = "wyposazenie", _("wykaz wyposażenia")
    OTHER = "inne", _("inny dokument")


#: A request is submitted only with at least one file of each of these kinds.
REQUIRED_ATTACHMENTS = (AttachmentKind.MANAGER_CONSENT, AttachmentKind.STAFF)

#: The request's text fields a submitted request must have filled in.
REQUIRED_TEXTS = ("manager_name", "manager_qualifications", "staff", "equipment", "training_plan")


# Permissions: django-fsm passes the acting *profile* as its "user" argument.
def is_unit_of(request, profile) -> bool:
    return (
        profile is not None
        and getattr(profile, "unit_id", None) == request.unit_id
        and profile.has_role(Role.UNIT_STAFF)
    )


def is_accrediting_body(request, profile) -> bool:
    return by_accrediting_body(request, profile) and profile.has_role(Role.ACCREDITATION)


# Conditions: small named checks on the request as saved.
def missing_attachments(request) -> list[str]:
    attached = set(request.attachments.values_list("kind", flat=True))
    return [kind for kind in REQUIRED_ATTACHMENTS if kind not in attached]


def missing_texts(request) -> list[str]:
    missing = [name for name in REQUIRED_TEXTS if not getattr(request, name).strip()]
    if request.kind == RequestKind.INTERNSHIP and request.internship_id is None:
        missing.append("internship")
    return missing


def is_complete(request) -> bool:
    return not missing_texts(request) and not missing_attachments(request)


def not_waiting_for_completion(request) -> bool:
    """Asked to complete it, the unit has until the deadline; after it the body may refuse."""
    return request.status != RequestStatus.TO_COMPLETE or (
        request.completion_deadline is not None
        and request.completion_deadline < timezone.localdate()
    )


class AccreditationRequestQuerySet(ScopedQuerySet):
    #: The unit's staff see their unit's requests; offices see none.
    unit_lookup = "unit_id"

    def for_accrediting_body(self):
        # Every unit's request once submitted: a draft is the unit's own until then.
        return self.filter(submitted_at__isnull=False)


class AccreditationRequest(ConcurrentTransitionMixin, models.Model):
    """Wniosek o akredytację: one unit, one field (or one internship of a programme)."""

    number = models.CharField(_("numer wniosku"), max_length=32, unique=True)
    unit = models.ForeignKey(
        "reference.TrainingUnit",
        models.PROTECT,
        related_name="accreditation_requests",
        verbose_name=_("jednostka szkoleniowa"),
    )
    kind = models.CharField(
        _("akredytacja na"), max_length=16, choices=RequestKind.choices, default=RequestKind.FIELD
    )
    field = models.ForeignKey(
        "reference.Field", models.PROTECT, related_name="+", verbose_name=_("dziedzina")
    )
    programme = models.ForeignKey(
        "reference.Programme",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program specjalizacji"),
    )
    internship = models.ForeignKey(
        ProgrammeElement,
        models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": ElementKind.INTERNSHIP},
        related_name="+",
        verbose_name=_("staż kierunkowy"),
    )
    places_requested = models.PositiveSmallIntegerField(
        _("wnioskowana liczba miejsc"), validators=[MinValueValidator(1)]
    )
    manager_name = models.CharField(
        _("kierownik specjalizacji (imię i nazwisko)"), max_length=200, blank=True
    )
    manager_qualifications = models.TextField(_("kwalifikacje kierownika"), blank=True)
    staff = models.TextField(_("kadra"), blank=True)
    equipment = models.TextField(_("wyposażenie"), blank=True)
    #: "Plan kształcenia": how the unit carries out the programme, and which of its elements.
    training_plan = models.TextField(_("plan kształcenia"), blank=True)
    plan_elements = models.ManyToManyField(
        ProgrammeElement,
        blank=True,
        related_name="+",
        verbose_name=_("elementy programu realizowane w jednostce"),
    )

    status = FSMField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
        protected=True,
    )
    completion_note = models.TextField(_("co należy uzupełnić"), blank=True)
    completion_deadline = models.DateField(_("termin uzupełnienia"), null=True, blank=True)
    refusal_reason = models.TextField(_("uzasadnienie odmowy"), blank=True)
    decision_number = models.CharField(_("numer decyzji"), max_length=64, blank=True)
    decided_at = models.DateTimeField(_("data decyzji"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decyzję wprowadził"),
    )
    accreditation = models.OneToOneField(
        Accreditation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
        verbose_name=_("akredytacja"),
    )
    internship_accreditation = models.OneToOneField(
        "InternshipAccreditation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
        verbose_name=_("akredytacja stażu"),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("utworzył")
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("złożono"), null=True, blank=True)
    #: Bumped on every change; a form posted from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = AccreditationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("wniosek o akredytację")
        verbose_name_plural = _("wnioski o akredytację")
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=RequestKind.INTERNSHIP) | Q(internship__isnull=True),
                name="accreditation_request_internship_only_for_internships",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def subject(self) -> str:
        """What the request asks accreditation for, in one line."""
        if self.kind == RequestKind.INTERNSHIP and self.internship_id:
            return _("staż kierunkowy „%(name)s” (%(field)s)") % {
                "name": self.internship,
                "field": self.field,
            }
        return str(self.field)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def granted(self):
        """The accreditation granted on this request, of either kind (or None)."""
        return self.accreditation or self.internship_accreditation

    # ---- Transitions. Effects live in accreditation/services/, which calls these inside one
    # transaction after locking the row and checking the version. Labels are the buttons.

    @transition(
        field=status,
        source=[RequestStatus.DRAFT, RequestStatus.TO_COMPLETE],
        target=RequestStatus.SUBMITTED,
        conditions=[is_complete],
        permission=is_unit_of,
        custom={"label": _("Złóż wniosek"), "action": "submit", "order": 10},
    )
    def submit(self):
        """The accrediting body can now see the request and decide."""

    @transition(
        field=status,
        source=[RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.TO_COMPLETE],
        target=RequestStatus.WITHDRAWN,
        permission=is_unit_of,
        custom={"label": _("Wycofaj wniosek"), "action": "withdraw", "order": 90},
    )
    def withdraw(self):
        """The unit takes the request back; nothing is granted."""

    @transition(
        field=status,
        source=RequestStatus.SUBMITTED,
        target=RequestStatus.GRANTED,
        permission=is_accrediting_body,
        custom={"label": _("Udziel akredytacji"), "action": "grant", "order": 10},
    )
    def grant(self):
        """An accreditation with the places granted (perhaps fewer than asked)."""

    @transition(
        field=status,
        source=[RequestStatus.SUBMITTED, RequestStatus.TO_COMPLETE],
        target=RequestStatus.REFUSED,
        conditions=[not_waiting_for_completion],
        permission=is_accrediting_body,
        custom={"label": _("Odmów"), "action": "refuse", "order": 30},
    )
    def refuse(self):
        """Refused with a reason; from Do uzupełnienia only once its deadline has passed."""

    @transition(
        field=status,
        source=RequestStatus.SUBMITTED,
        target=RequestStatus.TO_COMPLETE,
        permission=is_accrediting_body,
        custom={"label": _("Wezwij do uzupełnienia"), "action": "ask", "order": 20},
    )
    def ask_to_complete(self):
        """Back to the unit with what is missing and a deadline."""


def attachment_path(instance, filename):
    return document_path("akredytacja", instance.request_id, instance.content_type)


class RequestAttachmentQuerySet(ScopedQuerySet):
    unit_lookup = "request__unit_id"

    def for_accrediting_body(self):
        return self.filter(request__submitted_at__isnull=False)


class RequestAttachment(StoredDocument):
    """A document of the request: PDF or JPG, checked by content, size and the malware scan
    (``smk.uploads.validate_document``) before it is kept."""

    request = models.ForeignKey(
        AccreditationRequest,
        models.CASCADE,
        related_name="attachments",
        verbose_name=_("wniosek"),
    )
    kind = models.CharField(_("rodzaj załącznika"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("plik"), upload_to=attachment_path, max_length=255)

    objects = RequestAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "uploaded_at", "pk"]
        verbose_name = _("załącznik wniosku o akredytację")
        verbose_name_plural = _("załączniki wniosków o akredytację")


class InternshipAccreditationQuerySet(AccreditationStateQuerySet):
    """``.active()``: in force (:mod:`reference.accreditations`)."""


class InternshipAccreditation(AccreditationState):
    """A unit's accreditation to run one internship (staż kierunkowy) of a programme. Its
    places are for interns from other units, not for referrals: nothing in
    ``referrals.places`` counts them."""

    unit = models.ForeignKey(
        "reference.TrainingUnit",
        models.PROTECT,
        related_name="internship_accreditations",
        verbose_name=_("jednostka szkoleniowa"),
    )
    internship = models.ForeignKey(
        ProgrammeElement,
        models.PROTECT,
        limit_choices_to={"kind": ElementKind.INTERNSHIP},
        related_name="accreditations",
        verbose_name=_("staż kierunkowy"),
    )
    number = models.CharField(_("numer akredytacji"), max_length=64, blank=True)
    valid_from = models.DateField(_("ważna od"))
    valid_to = models.DateField(_("ważna do"), null=True, blank=True)
    places = models.PositiveIntegerField(_("liczba miejsc"))

    objects = InternshipAccreditationQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name", "internship__name"]
        verbose_name = _("akredytacja stażu kierunkowego")
        verbose_name_plural = _("akredytacje staży kierunkowych")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="internship_accreditation_valid_to_after_from",
                violation_error_message=_("Data końca ważności jest wcześniejsza niż początek."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} — {self.internship}"

    @property
    def field(self):
        return self.internship.module.programme.field


class ExpiryNotice(models.Model):
    """The office was told that an accreditation of its voivodeship expires within
    ``days_before`` days: one e-mail per accreditation and threshold, however often the
    reminder runs (``manage.py notify_expiring_accreditations``)."""

    accreditation = models.ForeignKey(
        Accreditation, models.CASCADE, related_name="+", verbose_name=_("akredytacja")
    )
    days_before = models.PositiveSmallIntegerField(_("dni przed wygaśnięciem"))
    valid_to = models.DateField(_("data wygaśnięcia"))
    sent_at = models.DateTimeField(_("wysłano"), default=timezone.now)

    class Meta:
        verbose_name = _("powiadomienie o wygasaniu akredytacji")
        verbose_name_plural = _("powiadomienia o wygasaniu akredytacji")
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation", "days_before", "valid_to"],
                name="expiry_notice_once_per_threshold",
            ),
        ]

    def __str__(self):
        return f"{self.accreditation} ({self.days_before})"
