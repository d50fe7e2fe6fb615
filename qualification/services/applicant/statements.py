"""Seed 002's rules on what an application must state:

- **a second residency** ("ponownego wniosku o odbywanie rezydentury nie może złożyć lekarz,
  który … został zakwalifikowany do odbywania szkolenia specjalizacyjnego w trybie
  rezydentury"): an applicant already qualified for residency in an earlier session (found
  by their account or their PESEL) applies for residency again. ``SECOND_RESIDENCY_RULE``
  says what happens: ``refuse`` (the default: the application cannot be created nor
  approved), ``warn`` (the applicant is warned, the application is flagged
  ``repeat_residency`` and the office sees the flag and can filter by it) or ``off``;
- **both modes** ("lekarz do wniosku dołącza oświadczenie, w którym wskazuje preferowany
  tryb"): an application approved while the applicant has an active application of the same
  session in the other mode needs the statement of the preferred mode;
- **a limited right to practise** is a statement of its own (``limited_licence``), printed and
  shown to the office; it changes nothing else ("w pozostałym zakresie cała procedura jest
  analogiczna").
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from qualification.models import Application, ApplicationStatus
from reference.models import Mode

REFUSE, WARN, OFF = "refuse", "warn", "off"
RULES = (REFUSE, WARN, OFF)

#: The statements the applicant gives next to their data (form, print, office).
STATEMENT_FIELDS = ("limited_licence", "preferred_mode")


def second_residency_rule() -> str:
    return settings.SECOND_RESIDENCY_RULE


def earlier_residency(*, user, pesel: str, session, mode) -> Application | None:
    """The applicant's earlier qualification for residency, when this application is for
    residency and the rule is on; else None."""
    if mode.code != Mode.RESIDENCY or second_residency_rule() == OFF:
        return None
    same_person = Q(pesel=pesel) if pesel else Q()
    if user is not None:
        same_person |= Q(applicant=user)
    if not same_person:
        return None
    return (
        Application.objects.filter(same_person, mode__code=Mode.RESIDENCY, qualified=True)
        .exclude(session=session)
        .select_related("session", "voivodeship", "field")
        .order_by("-session__applications_from")
        .first()
    )


def second_residency_message(earlier: Application) -> str:
    return _(
        "Zostałaś/zostałeś już zakwalifikowana/zakwalifikowany do odbywania szkolenia "
        "specjalizacyjnego w trybie rezydentury (wniosek %(number)s, %(session)s, %(field)s, "
        "województwo %(voivodeship)s) — ponownego wniosku o odbywanie rezydentury nie można "
        "złożyć, chyba że przedstawisz orzeczenie lekarskie o przeciwwskazaniach do "
        "kontynuowania dotychczasowej specjalizacji (skontaktuj się z urzędem wojewódzkim)."
    ) % {
        "number": earlier.number,
        "session": earlier.session,
        "field": earlier.field,
        "voivodeship": earlier.voivodeship,
    }


def second_residency_warning(earlier: Application) -> str:
    return _(
        "Uwaga: zostałaś/zostałeś już zakwalifikowana/zakwalifikowany do rezydentury "
        "(wniosek %(number)s, %(session)s). Ponowny wniosek o rezydenturę jest dopuszczalny "
        "tylko z orzeczeniem lekarskim o przeciwwskazaniach do kontynuowania dotychczasowej "
        "specjalizacji — urząd wojewódzki zobaczy, że to ponowny wniosek."
    ) % {"number": earlier.number, "session": earlier.session}


def other_mode_application(application: Application, active) -> Application | None:
    """The applicant's active application of the session in the other mode, if any."""
    for other in active:
        if (
            other.pk != application.pk
            and other.mode_id != application.mode_id
            and other.status in (ApplicationStatus.DRAFT, ApplicationStatus.APPROVED)
        ):
            return other
    return None


def statement_obstacles(application: Application, active) -> list[str]:
    """What the application still has to state before "Zatwierdź"."""
    problems = []
    if application.preferred_mode_id is None and other_mode_application(application, active):
        problems.append(
            _(
                "Składasz wnioski w obu trybach — wskaż w oświadczeniu preferowany tryb "
                "odbywania szkolenia specjalizacyjnego na wypadek zakwalifikowania się w obu."
            )
        )
    earlier = earlier_residency(
        user=application.applicant,
        pesel=application.pesel,
        session=application.session,
        mode=application.mode,
    )
    if earlier is not None and second_residency_rule() == REFUSE:
        problems.append(second_residency_message(earlier))
    return problems
