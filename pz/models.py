"""The binding of an account to the PESEL the national node vouched for, and the assertions
already used (a replayed one is refused)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reference.validators import validate_pesel


class Identity(models.Model):
    """An account's PESEL from Profil Zaufany: set once at the first login, never typed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="pz_identity",
        verbose_name=_("użytkownik"),
    )
    pesel = models.CharField(_("PESEL"), max_length=11, unique=True, validators=[validate_pesel])
    #: An existing account offered for migration ("Migracja danych do UEOZ").
    migrated = models.BooleanField(_("konto przeniesione"), default=False)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    #: Set when the e-mail was confirmed ("Aktywuj konto"); until then Profil Zaufany does
    #: not log in to the account.
    activated_at = models.DateTimeField(_("aktywowano"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tożsamość z Profilu Zaufanego")
        verbose_name_plural = _("tożsamości z Profilu Zaufanego")

    def __str__(self):
        # Never the PESEL: this text may end up in a log or a page.
        return str(self.user)

    @property
    def is_active(self) -> bool:
        return self.activated_at is not None


class UsedAssertion(models.Model):
    """The ID of every assertion that logged someone in: the same one is refused later."""

    assertion_id = models.CharField(max_length=256, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["used_at"])]

    def __str__(self):
        return self.assertion_id
