"""The old system's accounts and roles (SSOZ I), imported by the administrator
(``manage.py import_ssozi``) so that their holders can move them ("Przenoszę uprawnienia z
SSOZI") into an active profile, once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


class LegacyAccount(models.Model):
    login = models.CharField(_("login konta SSOZ I"), max_length=150, unique=True)
    #: A Django password hash ("pbkdf2_sha256$…", "argon2$…"): the old password never in clear.
    password_hash = models.CharField(_("skrót hasła"), max_length=256)
    #: The institution's key (accounts.institutions: "urzad_wojewodzki:14", …).
    institution_key = models.CharField(_("instytucja"), max_length=64)
    #: Role codes (accounts.models.Role), comma-separated.
    roles = models.CharField(_("role"), max_length=256)
    imported_at = models.DateTimeField(_("zaimportowano"), auto_now=True)
    moved_at = models.DateTimeField(_("przeniesiono"), null=True, blank=True)
    moved_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("przeniesiono do konta"),
    )

    class Meta:
        verbose_name = _("konto SSOZ I")
        verbose_name_plural = _("konta SSOZ I")

    def __str__(self):
        return self.login

    @property
    def role_codes(self) -> list[str]:
        return [code for code in self.roles.split(",") if code]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in self.role_codes]
