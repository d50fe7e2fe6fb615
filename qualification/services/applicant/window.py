"""The application window: when a session takes applications, and why it does not."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qualification.models import Procedure, Session, Stage
from reference.models import Voivodeship

#: The paper application reaches the office at most this many days after the window closes.
PAPER_DAYS = 3


def sessions_accepting(day: datetime.date | None = None):
    """Sessions whose application window is open on ``day`` (today by default)."""
    day = day or timezone.localdate()
    return Session.objects.filter(applications_from__lte=day, applications_to__gte=day).order_by(
        "applications_to", "pk"
    )


def next_session(day: datetime.date | None = None) -> Session | None:
    """The session whose application window opens next after ``day``."""
    day = day or timezone.localdate()
    return Session.objects.filter(applications_from__gt=day).order_by("applications_from").first()


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "d.m.Y")


def window_refusal(session: Session, day: datetime.date | None = None) -> str:
    """Why applications of ``session`` cannot be created, changed or approved on ``day``."""
    day = day or timezone.localdate()
    if day < session.applications_from:
        return _(
            "Przyjmowanie wniosków w sesji „%(session)s” rozpocznie się %(day)s — wniosek "
            "można utworzyć od tego dnia."
        ) % {"session": session, "day": _date(session.applications_from)}
    if day > session.applications_to:
        return _(
            "Przyjmowanie wniosków w sesji „%(session)s” zakończyło się %(day)s — wniosku nie "
            "można już utworzyć, zmienić ani zatwierdzić."
        ) % {"session": session, "day": _date(session.applications_to)}
    return ""


def procedure_refusal(session: Session, voivodeship: Voivodeship) -> str:
    """Why the voivodeship's procedure of ``session`` no longer takes applications."""
    procedure = (
        Procedure.objects.filter(session=session, voivodeship=voivodeship).order_by("pk").first()
    )
    if procedure is not None and procedure.stage != Stage.APPLICATIONS:
        return _(
            "Postępowanie kwalifikacyjne w województwie %(voivodeship)s jest już na etapie "
            "„%(stage)s” — wniosków nie można składać ani zmieniać."
        ) % {"voivodeship": voivodeship, "stage": procedure.get_stage_display()}
    return ""


def paper_deadline(session: Session) -> datetime.date:
    """The printed, signed application reaches the office by this day (seed 002, etap II)."""
    return session.applications_to + datetime.timedelta(days=PAPER_DAYS)
