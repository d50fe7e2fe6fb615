"""People, their institution profiles and roles (SPEC §1, seed 003).

One module past 400 lines, as Django keeps an app's models: a profile's status is derived from
its role requests (seed 003), so users, profiles, roles and requests are read together.
"""

import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from smk.scoping import Scope, ScopedQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address and a password (no username)."""

    email = models.EmailField(_("adres e-mail"), unique=True)
    first_name = models.CharField(_("imię"), max_length=150, blank=True)
    last_name = models.CharField(_("nazwisko"), max_length=150, blank=True)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    is_staff = models.BooleanField(_("dostęp do panelu administracyjnego"), default=False)
    is_active = models.BooleanField(_("aktywny"), default=True)
    date_joined = models.DateTimeField(_("data rejestracji"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("użytkownik")
        verbose_name_plural = _("użytkownicy")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class Role(models.TextChoices):
    UW = "uw", _("Urząd Wojewódzki")
    WOJEWODA = "wojewoda", _("Wojewoda")
    UNIT_STAFF = "jednostka", _("Jednostka szkoleniowa")
    APPLICANT = "diagnosta", _("Diagnosta")
    ADMINISTRATOR = "administrator", _("Administrator")
    #: A training unit's kierownik specjalizacji (seed 001): keeps the EKS of their trainees.
    KIEROWNIK = "kierownik", _("Kierownik specjalizacji")
    #: The central accrediting body (seed 001: CMKP, "obsługa procesu akredytacji").
    ACCREDITATION = "akredytacja", _("CMKP — akredytacja")


class InstitutionKind(models.TextChoices):
    VOIVODESHIP_OFFICE = "urzad_wojewodzki", _("Urząd wojewódzki")
    TRAINING_UNIT = "jednostka_szkoleniowa", _("Jednostka szkoleniowa")
    CENTRAL = "centrala", _("Administrator centralny")
    PERSONAL = "osoba", _("Konto osobiste")
    ACCREDITING_BODY = "akredytujacy", _("Podmiot akredytujący")


#: Roles an institution of each kind may hold (seed 003: roles are chosen per institution).
ROLES_BY_KIND = {
    InstitutionKind.VOIVODESHIP_OFFICE: (Role.UW, Role.WOJEWODA),
    InstitutionKind.TRAINING_UNIT: (Role.UNIT_STAFF, Role.KIEROWNIK),
    InstitutionKind.CENTRAL: (Role.ADMINISTRATOR,),
    InstitutionKind.PERSONAL: (Role.APPLICANT,),
    InstitutionKind.ACCREDITING_BODY: (Role.ACCREDITATION,),
}

#: What each role may do, printed in the role request (seed 003: "Charakterystyka ról").
ROLE_DESCRIPTIONS = {
    Role.UW: _(
        "Pracownik urzędu wojewódzkiego, mający uprawnienia do: prowadzenia postępowania "
        "kwalifikacyjnego, wystawiania skierowań na szkolenie specjalizacyjne i prowadzenia "
        "rejestru osób odbywających szkolenie specjalizacyjne w swoim województwie"
    ),
    Role.WOJEWODA: _(
        "Użytkownik urzędu wojewódzkiego działający w imieniu wojewody, mający uprawnienia "
        "Urzędu Wojewódzkiego oraz do zatwierdzania i publikowania listy miejsc szkoleniowych "
        "województwa"
    ),
    Role.UNIT_STAFF: _(
        "Pracownik jednostki szkoleniowej, mający uprawnienia do: przeglądania skierowań "
        "wysłanych do swojej jednostki i rejestrowania decyzji jednostki"
    ),
    Role.APPLICANT: _(
        "Diagnosta laboratoryjny, mający uprawnienia do: składania wniosków o rozpoczęcie "
        "szkolenia specjalizacyjnego i śledzenia swojego skierowania"
    ),
    Role.ADMINISTRATOR: _(
        "Administrator centralny, mający uprawnienia do: zarządzania słownikami, "
        "użytkownikami, profilami i wnioskami o role"
    ),
    Role.KIEROWNIK: _(
        "Kierownik specjalizacji w jednostce szkoleniowej, mający uprawnienia do: planowania "
        "rocznego planu szkolenia, potwierdzania zrealizowanych elementów programu w "
        "Elektronicznej Karcie Specjalizacji swoich specjalizantów i potwierdzania "
        "zakończenia specjalizacji"
    ),
    Role.ACCREDITATION: _(
        "Pracownik podmiotu akredytującego (CMKP), mający uprawnienia do: rozpatrywania "
        "wniosków jednostek o akredytację, udzielania, zmiany, zawieszania i cofania "
        "akredytacji"
    ),
}

#: Roles that handle the voivodeship's qualification procedure and referrals.
VOIVODESHIP_ROLES = frozenset({Role.UW, Role.WOJEWODA})


class ProfileStatus(models.TextChoices):
    """Derived from the profile's role requests and the administrator's block (seed 003)."""

    NOT_ACTIVATED = "nieaktywowany", _("nieaktywowany")
    ACTIVE = "aktywny", _("aktywny")
    REJECTED = "odrzucony", _("odrzucony")
    BLOCKED = "zablokowany", _("zablokowany")


class ProfileQuerySet(ScopedQuerySet):
    #: The central administrator sees every profile; a person sees their own.
    person_lookup = "user_id"

    def usable(self):
        """Profiles one may work in: at least one active role and not blocked."""
        return self.filter(
            Exists(ProfileRole.objects.filter(profile=OuterRef("pk"))), blocked_at__isnull=True
        )

    def with_status(self):
        """Annotate ``derived_status`` (a :class:`ProfileStatus` value) — seed 003:
        zablokowany by the administrator's action; aktywny with an approved request (an active
        role); odrzucony when every request is zarchiwizowany; nieaktywowany otherwise (a
        request waits, or was rejected or withdrawn and not yet archived: "Odrzucony wniosek
        będzie widoczny … o statusie profilu Nieaktywowany")."""
        requests = RoleRequest.objects.filter(profile=OuterRef("pk"))
        return self.annotate(
            derived_status=Case(
                When(blocked_at__isnull=False, then=Value(ProfileStatus.BLOCKED)),
                When(
                    Exists(ProfileRole.objects.filter(profile=OuterRef("pk"))),
                    then=Value(ProfileStatus.ACTIVE),
                ),
                When(
                    Exists(requests) & ~Exists(requests.exclude(status=RoleRequestStatus.ARCHIVED)),
                    then=Value(ProfileStatus.REJECTED),
                ),
                default=Value(ProfileStatus.NOT_ACTIVATED),
            )
        )


class Profile(models.Model):
    """A person's work in one institution: a voivodeship office, a training unit or central."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="profiles", verbose_name=_("użytkownik")
    )
    kind = models.CharField(_("rodzaj instytucji"), max_length=32, choices=InstitutionKind.choices)
    voivodeship = models.ForeignKey(
        "reference.Voivodeship",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("województwo"),
    )
    unit = models.ForeignKey(
        "reference.TrainingUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("jednostka szkoleniowa"),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    #: "Twoje dane kontaktowe w jednostce" (seed 003): given with a role request, editable.
    contact_phone = models.CharField(_("telefon"), max_length=32, blank=True)
    contact_email = models.EmailField(_("adres e-mail"), blank=True)
    #: Set by an administrator ("zablokowany"): the profile cannot be worked in.
    blocked_at = models.DateTimeField(_("zablokowano"), null=True, blank=True)
    block_reason = models.TextField(_("powód zablokowania"), blank=True)
    #: "Data ostatniej zmiany statusu" in "Pozostałe profile".
    status_changed_at = models.DateTimeField(_("ostatnia zmiana statusu"), default=timezone.now)
    #: When the person last chose to work in it ("Pracuj w profilu"): offered first next time.
    last_used_at = models.DateTimeField(_("ostatnio używany"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user", "kind", "pk"]
        verbose_name = _("profil")
        verbose_name_plural = _("profile")
        constraints = [
            models.CheckConstraint(
                name="profile_institution_matches_kind",
                condition=(
                    Q(
                        kind=InstitutionKind.VOIVODESHIP_OFFICE,
                        voivodeship__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(
                        kind=InstitutionKind.TRAINING_UNIT,
                        voivodeship__isnull=True,
                        unit__isnull=False,
                    )
                    | Q(
                        kind__in=[
                            InstitutionKind.CENTRAL,
                            InstitutionKind.PERSONAL,
                            InstitutionKind.ACCREDITING_BODY,
                        ],
                        voivodeship__isnull=True,
                        unit__isnull=True,
                    )
                ),
                violation_error_message=_(
                    "Urząd wojewódzki wymaga województwa, jednostka szkoleniowa — jednostki; "
                    "pozostałe profile nie mają ani jednego, ani drugiego."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "voivodeship"],
                condition=Q(kind=InstitutionKind.VOIVODESHIP_OFFICE),
                name="profile_one_per_office",
            ),
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=Q(kind=InstitutionKind.TRAINING_UNIT),
                name="profile_one_per_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(
                    kind__in=[
                        InstitutionKind.CENTRAL,
                        InstitutionKind.PERSONAL,
                        InstitutionKind.ACCREDITING_BODY,
                    ]
                ),
                name="profile_one_central_and_personal",
            ),
        ]

    def __str__(self):
        return f"{self.institution_name} ({self.role_names})"

    @property
    def institution_name(self) -> str:
        if self.kind == InstitutionKind.VOIVODESHIP_OFFICE:
            return _("Urząd Wojewódzki — %(voivodeship)s") % {"voivodeship": self.voivodeship}
        if self.kind == InstitutionKind.TRAINING_UNIT:
            return str(self.unit)
        return str(self.get_kind_display())

    @property
    def status(self) -> str:
        if hasattr(self, "derived_status"):
            return self.derived_status
        statuses = type(self).objects.with_status().values_list("derived_status", flat=True)
        return statuses.get(pk=self.pk)

    def get_status_display(self) -> str:
        return str(ProfileStatus(self.status).label)

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def role_codes(self) -> frozenset[str]:
        # Uses the prefetched roles when present (the middleware prefetches them).
        return frozenset(r.role for r in self.roles.all())

    @property
    def role_names(self) -> str:
        return ", ".join(str(Role(code).label) for code in sorted(self.role_codes))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    @property
    def scope(self) -> tuple[Scope, int | None]:
        """What this profile may see: used by every scoped queryset."""
        if self.kind == InstitutionKind.CENTRAL and self.has_role(Role.ADMINISTRATOR):
            return Scope.EVERYTHING, None
        if self.kind == InstitutionKind.VOIVODESHIP_OFFICE:
            return Scope.VOIVODESHIP, self.voivodeship_id
        if self.kind == InstitutionKind.TRAINING_UNIT:
            return Scope.UNIT, self.unit_id
        if self.kind == InstitutionKind.ACCREDITING_BODY and self.has_role(Role.ACCREDITATION):
            return Scope.ACCREDITATION, None
        return Scope.PERSON, self.user_id


class ProfileRole(models.Model):
    profile = models.ForeignKey(
        Profile, models.CASCADE, related_name="roles", verbose_name=_("profil")
    )
    role = models.CharField(_("rola"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("nadano"), auto_now_add=True)
    #: The approved request that gave the role (none for roles the administrator gave directly).
    request = models.OneToOneField(
        "RoleRequest",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="granted_role",
        verbose_name=_("wniosek"),
    )

    class Meta:
        ordering = ["role"]
        verbose_name = _("rola w profilu")
        verbose_name_plural = _("role w profilach")
        constraints = [
            models.UniqueConstraint(fields=["profile", "role"], name="profile_role_unique"),
        ]

    def __str__(self):
        return self.get_role_display()

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.profile_id and self.role not in ROLES_BY_KIND[self.profile.kind]:
            raise ValidationError(
                {"role": _("Ta rola nie jest dostępna dla instytucji tego rodzaju.")}
            )


class RoleRequestStatus(models.TextChoices):
    PENDING = "oczekujacy", _("oczekujący")
    APPROVED = "zatwierdzony", _("zatwierdzony")
    REJECTED = "odrzucony", _("odrzucony")
    #: A rejected (or withdrawn) request moved out of the way (``archive_role_requests``).
    ARCHIVED = "zarchiwizowany", _("zarchiwizowany")


#: The reason a withdrawn request carries (seed 003).
WITHDRAWN_REASON = _("Wycofany przez wnioskującego")


class RoleRequestBatchQuerySet(ScopedQuerySet):
    person_lookup = "user_id"


class RoleRequestBatch(models.Model):
    """The roles one person asked for in one institution at once: one PDF to sign, the signed
    scans attached to it, one request (with its own number) per role."""

    user = models.ForeignKey(
        User, models.PROTECT, related_name="role_request_batches", verbose_name=_("wnioskujący")
    )
    profile = models.ForeignKey(
        Profile, models.PROTECT, related_name="request_batches", verbose_name=_("profil")
    )
    contact_phone = models.CharField(_("telefon"), max_length=32)
    contact_email = models.EmailField(_("adres e-mail"))
    created_at = models.DateTimeField(_("data złożenia"), default=timezone.now)
    #: When the requester first downloaded the PDF ("Pobierz" is required before "Zakończ").
    downloaded_at = models.DateTimeField(_("pobrano wniosek"), null=True, blank=True)

    objects = RoleRequestBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("wniosek o role (dokument)")
        verbose_name_plural = _("wnioski o role (dokumenty)")

    def __str__(self):
        return ", ".join(r.number for r in self.requests.all()) or f"#{self.pk}"

    # Both read the (prefetched) attachments once: "Moje konto" lists them per request.
    @property
    def pending_attachments(self) -> list:
        return [a for a in self.attachments.all() if a.state == AttachmentState.PENDING_SCAN]

    @property
    def safe_attachments(self) -> list:
        return [a for a in self.attachments.all() if a.state == AttachmentState.SAFE]


class RoleRequestQuerySet(ScopedQuerySet):
    #: The central administrator sees every request; a person sees their own.
    person_lookup = "batch__user_id"

    def of_requester(self, user):
        return self.filter(batch__user=user)

    def pending(self):
        return self.filter(status=RoleRequestStatus.PENDING)

    def with_attachment_flags(self):
        """Annotate ``has_safe_attachment`` and ``has_pending_attachment``."""
        attachments = RoleRequestAttachment.objects.filter(batch=OuterRef("batch"))
        return self.annotate(
            has_safe_attachment=Exists(attachments.filter(state=AttachmentState.SAFE)),
            has_pending_attachment=Exists(attachments.filter(state=AttachmentState.PENDING_SCAN)),
        )

    def missing_attachment(self):
        """Pending requests without any attached file whose requester still wants reminding."""
        attachments = RoleRequestAttachment.objects.filter(batch=OuterRef("batch"))
        return self.pending().filter(~Exists(attachments), attachment_sent_otherwise=False)


class RoleRequest(models.Model):
    """Wniosek o rolę: one role in one institution, numbered like U000593/2026."""

    batch = models.ForeignKey(
        RoleRequestBatch, models.PROTECT, related_name="requests", verbose_name=_("wniosek")
    )
    profile = models.ForeignKey(
        Profile, models.PROTECT, related_name="role_requests", verbose_name=_("profil")
    )
    role = models.CharField(_("wnioskowana rola"), max_length=32, choices=Role.choices)
    number = models.CharField(_("numer wniosku"), max_length=32, unique=True)
    status = FSMField(
        _("status"),
        max_length=16,
        choices=RoleRequestStatus.choices,
        default=RoleRequestStatus.PENDING,
        protected=True,
    )
    rejection_reason = models.TextField(_("powód odrzucenia"), blank=True)
    decided_at = models.DateTimeField(_("data rozpatrzenia"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rozpatrzył"),
    )
    #: "Plik został wysłany mailem lub wydruk pocztą — nie przypominaj mi o braku załącznika
    #: do tego wniosku".
    attachment_sent_otherwise = models.BooleanField(
        _("plik wysłany mailem lub pocztą"), default=False
    )
    created_at = models.DateTimeField(_("data złożenia"), default=timezone.now)
    archived_at = models.DateTimeField(_("zarchiwizowano"), null=True, blank=True)

    objects = RoleRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("wniosek o rolę")
        verbose_name_plural = _("wnioski o role")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "role"],
                condition=Q(status=RoleRequestStatus.PENDING),
                name="role_request_one_pending_per_role",
                violation_error_message=_("O tę rolę w tej jednostce już wnioskujesz."),
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return self.number

    @property
    def is_pending(self) -> bool:
        return self.status == RoleRequestStatus.PENDING

    # The services lock the row, check who acts and call these (labels are the seed's).
    @transition(field=status, source=RoleRequestStatus.PENDING, target=RoleRequestStatus.APPROVED)
    def approve(self):
        """The administrator approves: the role becomes active in the profile."""

    @transition(field=status, source=RoleRequestStatus.PENDING, target=RoleRequestStatus.REJECTED)
    def reject(self):
        """The administrator rejects (with a reason) or the requester withdraws."""

    @transition(field=status, source=RoleRequestStatus.REJECTED, target=RoleRequestStatus.ARCHIVED)
    def archive(self):
        """A rejected request, once ``ROLE_REQUEST_ARCHIVE_DAYS`` have passed since the
        decision, leaves "Pozostałe profile"' count of live requests."""


class AttachmentState(models.TextChoices):
    PENDING_SCAN = "skanowanie", _("oczekuje na skanowanie pod kątem bezpieczeństwa")
    SAFE = "bezpieczny", _("bezpieczny")


def attachment_path(instance, filename):
    # Never the uploaded name on disk (it is kept only as display text); the ending follows
    # the content, so a rescan checks the stored file like an upload.
    ending = ".pdf" if instance.content_type == "application/pdf" else ".jpg"
    return f"role-requests/{timezone.now():%Y/%m}/{instance.batch_id}-{uuid.uuid4().hex}{ending}"


class RoleRequestAttachmentQuerySet(ScopedQuerySet):
    person_lookup = "batch__user_id"


class RoleRequestAttachment(models.Model):
    """A signed scan of the request (PDF or JPG). Stored only after the scanner found it
    clean (``SAFE``) or while the scanner could not be reached (``PENDING_SCAN``, never
    downloadable until a rescan finds it clean; a file found unsafe is deleted)."""

    batch = models.ForeignKey(
        RoleRequestBatch, models.PROTECT, related_name="attachments", verbose_name=_("wniosek")
    )
    file = models.FileField(_("plik"), upload_to=attachment_path)
    original_name = models.CharField(_("nazwa pliku"), max_length=255)
    size = models.PositiveBigIntegerField(_("rozmiar"))
    content_type = models.CharField(_("typ"), max_length=64)
    state = models.CharField(
        _("stan"), max_length=16, choices=AttachmentState.choices, default=AttachmentState.SAFE
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("dodał")
    )
    uploaded_at = models.DateTimeField(_("dodano"), default=timezone.now)

    objects = RoleRequestAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("załącznik wniosku o rolę")
        verbose_name_plural = _("załączniki wniosków o role")

    def __str__(self):
        return self.original_name

    @property
    def type_label(self) -> str:
        return "PDF" if self.content_type == "application/pdf" else "JPG"
