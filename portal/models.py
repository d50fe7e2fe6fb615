"""What the central administrator publishes on the start page ("Ostatnie komunikaty")."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AnnouncementQuerySet(models.QuerySet):
    def published(self, day=None):
        """Published and dated today or earlier, the newest first."""
        day = day or timezone.localdate()
        return self.filter(is_published=True, published_on__lte=day).order_by(
            "-published_on", "-pk"
        )


class Announcement(models.Model):
    """Komunikat: a dated notice to everybody, logged in or not."""

    title = models.CharField(_("tytuł"), max_length=200)
    body = models.TextField(_("treść"), help_text=_("Zwykły tekst; pusta linia zaczyna akapit."))
    published_on = models.DateField(
        _("data komunikatu"),
        default=timezone.localdate,
        help_text=_("Komunikat z datą w przyszłości pojawi się tego dnia."),
    )
    is_published = models.BooleanField(_("opublikowany"), default=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("komunikat")
        verbose_name_plural = _("komunikaty")
        indexes = [models.Index(fields=["is_published", "-published_on"])]

    def __str__(self):
        return self.title
