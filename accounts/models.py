"""People, their institution profiles and roles (SPEC §1, seed 003)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smk.scoping import Scope


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


class InstitutionKind(models.TextChoices):
    VOIVODESHIP_OFFICE = "urzad_wojewodzki", _("Urząd wojewódzki")
    TRAINING_UNIT = "jednostka_szkoleniowa", _("Jednostka szkoleniowa")
    CENTRAL = "centrala", _("Administrator centralny")
    PERSONAL = "osoba", _("Konto osobiste")


#: Roles an institution of each kind may hold (seed 003: roles are chosen per institution).
ROLES_BY_KIND = {
    InstitutionKind.VOIVODESHIP_OFFICE: (Role.UW, Role.WOJEWODA),
    InstitutionKind.TRAINING_UNIT: (Role.UNIT_STAFF,),
    InstitutionKind.CENTRAL: (Role.ADMINISTRATOR,),
    InstitutionKind.PERSONAL: (Role.APPLICANT,),
}

#: Roles that handle the voivodeship's qualification procedure and referrals.
VOIVODESHIP_ROLES = frozenset({Role.UW, Role.WOJEWODA})


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
                        kind__in=[InstitutionKind.CENTRAL, InstitutionKind.PERSONAL],
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
                condition=Q(kind__in=[InstitutionKind.CENTRAL, InstitutionKind.PERSONAL]),
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
        return Scope.PERSON, self.user_id


class ProfileRole(models.Model):
    profile = models.ForeignKey(
        Profile, models.CASCADE, related_name="roles", verbose_name=_("profil")
    )
    role = models.CharField(_("rola"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("nadano"), auto_now_add=True)

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
