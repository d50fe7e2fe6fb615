"""Shared, domain-neutral tables: the audit log and number sequences; the columns of a kept
upload."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An append-only row was about to be changed or deleted."""


class EventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            target_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            target_id=obj.pk,
        ).order_by("created_at", "pk")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only")

    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only")


class Event(models.Model):
    """One thing that happened to one object: append-only (see :mod:`smk.audit`)."""

    target_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    target_id = models.BigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    action = models.CharField(_("zdarzenie"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("użytkownik"),
    )
    #: The institution the person acted for, frozen as text (profiles may change later).
    acting_as = models.CharField(_("w imieniu"), max_length=255, blank=True)
    old_status = models.CharField(_("status przed"), max_length=64, blank=True)
    new_status = models.CharField(_("status po"), max_length=64, blank=True)
    data = models.JSONField(_("szczegóły"), default=dict, blank=True)
    created_at = models.DateTimeField(_("czas"), auto_now_add=True, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("zdarzenie")
        verbose_name_plural = _("zdarzenia")
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self):
        return f"{self.action} #{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only")


class NumberSequence(models.Model):
    """A counter per prefix ("SK/2026/14"): numbers are handed out once and never again."""

    prefix = models.CharField(max_length=64, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("licznik numerów")
        verbose_name_plural = _("liczniki numerów")

    def __str__(self):
        return f"{self.prefix}: {self.last}"


class NotificationStatus(models.TextChoices):
    PENDING = "oczekuje", _("oczekuje na wysłanie")
    SENT = "wyslano", _("wysłano")
    FAILED = "blad", _("nie udało się wysłać")


class Notification(models.Model):
    """An e-mail to send: written in the same transaction as the action it reports, so it
    exists exactly when the action happened; a background task sends it and retries."""

    recipient = models.EmailField(_("odbiorca"))
    subject = models.CharField(_("temat"), max_length=255)
    body = models.TextField(_("treść"))
    #: What it is about, for the person reading the outbox ("referral.sent #42").
    reason = models.CharField(_("powód"), max_length=128, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("próby"), default=0)
    last_error = models.TextField(_("ostatni błąd"), blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    sent_at = models.DateTimeField(_("wysłano"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("powiadomienie e-mail")
        verbose_name_plural = _("powiadomienia e-mail")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"


class StoredDocument(models.Model):
    """A document someone attached (PDF or JPG, checked by ``smk.uploads.validate_document``
    before it is kept): the name it was uploaded under, its size and type, who and when. A
    concrete model adds what it belongs to and ``file`` (with its own ``upload_to``, which
    :func:`smk.uploads.document_path` builds)."""

    original_name = models.CharField(_("nazwa pliku"), max_length=255)
    size = models.PositiveBigIntegerField(_("rozmiar"))
    content_type = models.CharField(_("typ"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("dodał")
    )
    uploaded_at = models.DateTimeField(_("dodano"), default=timezone.now)

    #: The name stored when the upload came without one.
    default_name = "zalacznik"

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def type_label(self) -> str:
        return "PDF" if self.content_type == "application/pdf" else "JPG"

    def keep(self, upload, content_type: str) -> None:
        """Take a checked ``upload`` of ``content_type``: its name, size and type, and the file
        written to the storage (the row itself is saved by the caller). Call it inside
        :func:`smk.uploads.removed_on_failure`, so a rolled-back transaction takes the file
        with it."""
        self.original_name = (upload.name or self.default_name)[-255:]
        self.size = upload.size
        self.content_type = content_type
        upload.seek(0)
        self.file.save(upload.name or self.default_name, upload, save=False)
