"""Demo EKS cards (issue 17, item 7), made through the real services so every history event,
e-mail and register entry exists as in real use.

The demo unit's accepted referrals have cards, all kept by kierownik@smk.local:
- diagnosta@smk.local's card is half-filled: entries confirmed, waiting for the kierownik,
  rejected with a reason, one not passed on yet, and a yearly plan;
- the next card has every element confirmed and the end confirmed: it waits for
  uw.mazowieckie's "Zweryfikuj" or "Zwróć do poprawy";
- any further card is open with nothing entered.

Demo only: the cards are moved back in time (their referrals were accepted for a start next
month), so the trainings have a past to record; the referrals keep their planned dates. A
trainee without an account (every demo applicant but diagnosta@smk.local) gets one, without a
password, so the entries are theirs.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import InstitutionKind, Profile, ProfileRole, Role, User
from eks import services
from eks.models import Appointment, Card, PlanItem
from eks.progress import required_of
from reference.demo import DEMO_UNIT_NAME
from reference.models import ElementKind, ProgrammeElement
from registry.models import EKS

KIEROWNIK_EMAIL = "kierownik@smk.local"
STAFF_EMAIL = "jednostka@smk.local"
APPLICANT_EMAIL = "diagnosta@smk.local"

#: A minimal PDF standing for a scanned certificate.
DEMO_CERTIFICATE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PLACES = {
    ElementKind.COURSE: "Centrum Medyczne Kształcenia Podyplomowego, Warszawa",
    ElementKind.INTERNSHIP: "Instytut Hematologii i Transfuzjologii, Warszawa",
    ElementKind.PROCEDURE: "Zakład Diagnostyki Laboratoryjnej jednostki",
}


def _profile(email, role) -> Profile:
    return Profile.objects.prefetch_related("roles").get(user__email=email, roles__role=role)


def _move_back(card, days: int) -> Card:
    start = timezone.localdate() - datetime.timedelta(days=days)
    EKS.objects.filter(pk=card.pk).update(
        start_date=start, planned_end=card.programme.planned_end_from(start)
    )
    return Card.objects.select_related("referral__application", "programme").get(pk=card.pk)


def trainee_of(card) -> Profile:
    """The card's diagnostician's personal profile (an account made for the demo if none)."""
    application = card.referral.application
    user = application.applicant
    if user is None:
        user, created = User.objects.get_or_create(
            email=application.email.lower(),
            defaults={"first_name": application.first_name, "last_name": application.last_name},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        type(application).objects.filter(pk=application.pk).update(applicant=user)
    profile, _ = Profile.objects.get_or_create(user=user, kind=InstitutionKind.PERSONAL)
    ProfileRole.objects.get_or_create(profile=profile, role=Role.APPLICANT)
    return Profile.objects.prefetch_related("roles").get(pk=profile.pk)


def _elements(card) -> dict[str, list[ProgrammeElement]]:
    elements = {kind: [] for kind in ElementKind.values}
    for element in ProgrammeElement.objects.filter(module__programme_id=card.programme_id).order_by(
        "module__number", "number"
    ):
        elements[element.kind].append(element)
    return elements


def _enter(card, trainee, element, *, day: int, count=None):
    """An entry of ``element`` beginning ``day`` days after the start, covering what it asks
    for (the weeks of an internship)."""
    date_from = card.start_date + datetime.timedelta(days=day)
    length = (element.weeks or 1) * 7 - 3 if element.kind == ElementKind.INTERNSHIP else 2
    values = {
        "date_from": date_from,
        "date_to": date_from + datetime.timedelta(days=length),
        "place": PLACES[element.kind],
    }
    if element.kind == ElementKind.PROCEDURE:
        values["count"] = count or element.required_count
    else:
        name = f"zaswiadczenie-{element.pk}.pdf"
        values["certificate"] = SimpleUploadedFile(name, DEMO_CERTIFICATE, "application/pdf")
        values["content_type"] = "application/pdf"
    return services.add_entry(
        card.pk, element_id=element.pk, user=trainee.user, profile=trainee, **values
    )


def _appoint(card, kierownik, staff):
    return services.appoint_kierownik(
        card.pk,
        version=card.version,
        kierownik_id=kierownik.pk,
        since=card.start_date,
        user=staff.user,
        profile=staff,
    )


def _submit(card, trainee, *entries):
    return services.submit_entries(
        card.pk,
        versions={e.pk: e.version for e in entries},
        user=trainee.user,
        profile=trainee,
    )


def _confirm(card, kierownik, entries):
    return services.confirm_entries(
        card.pk,
        versions={e.pk: e.version for e in entries},
        user=kierownik.user,
        profile=kierownik,
    )


def half_filled(card, trainee, kierownik, staff):
    """diagnosta@smk.local's card, in its second year: a bit of everything."""
    card = _move_back(card, days=550)
    _appoint(card, kierownik, staff)
    elements = _elements(card)
    courses, internships, procedures = (elements[k] for k in ElementKind.values)
    done = [
        _enter(card, trainee, courses[0], day=20),
        _enter(card, trainee, internships[0], day=60),
        _enter(card, trainee, procedures[0], day=120),
    ]
    waiting = [
        _enter(card, trainee, courses[1], day=200),
        _enter(card, trainee, procedures[1], day=380, count=8),
    ]
    rejected = _enter(card, trainee, internships[-1], day=400)
    entered = _enter(card, trainee, procedures[-1], day=500, count=4)
    _submit(card, trainee, *done, *waiting, rejected)
    _confirm(card, kierownik, [type(e).objects.get(pk=e.pk) for e in done])
    rejected = type(rejected).objects.get(pk=rejected.pk)
    services.reject_entry(
        rejected.pk,
        version=rejected.version,
        reason="Brak podpisu kierownika stażu na zaświadczeniu — dołącz podpisane zaświadczenie.",
        user=kierownik.user,
        profile=kierownik,
    )
    # The years begun were planned before they began; the rest is planned now.
    for element in (courses[0], courses[1], internships[0], procedures[0]):
        PlanItem.objects.create(card=card, element=element, year=1)
    for element in (internships[-1], procedures[1], procedures[-1]):
        PlanItem.objects.create(card=card, element=element, year=2)
    later = {e.pk: 3 for e in courses[2:]}
    services.save_plan(
        card.pk,
        version=Card.objects.get(pk=card.pk).version,
        years=later,
        user=kierownik.user,
        profile=kierownik,
    )
    return entered


def waiting_for_verification(card, trainee, kierownik, staff):
    """Every element confirmed, the end confirmed: the office's "Zweryfikuj" is next."""
    card = _move_back(card, days=card.programme.duration_months * 31 + 20)
    _appoint(card, kierownik, staff)
    entries = []
    for position, element in enumerate(
        ProgrammeElement.objects.filter(module__programme_id=card.programme_id).order_by(
            "module__number", "number"
        )
    ):
        entries.append(
            _enter(card, trainee, element, day=40 + position * 90, count=required_of(element))
        )
    _submit(card, trainee, *entries)
    _confirm(card, kierownik, [type(e).objects.get(pk=e.pk) for e in entries])
    return services.confirm_completion(
        card.pk,
        version=Card.objects.get(pk=card.pk).version,
        user=kierownik.user,
        profile=kierownik,
    )


def seed() -> int:
    """The demo unit's cards, once (a second run finds the kierownik appointed and stops)."""
    cards = list(
        Card.objects.filter(unit__name=DEMO_UNIT_NAME)
        .select_related("referral__application", "programme")
        .order_by("pk")
    )
    if not cards or Appointment.objects.filter(card__in=cards).exists():
        return 0
    kierownik = _profile(KIEROWNIK_EMAIL, Role.KIEROWNIK)
    staff = _profile(STAFF_EMAIL, Role.UNIT_STAFF)
    cards.sort(key=lambda c: c.referral.application.email != APPLICANT_EMAIL)
    first, *others = cards
    half_filled(first, trainee_of(first), kierownik, staff)
    if others:
        waiting_for_verification(others[0], trainee_of(others[0]), kierownik, staff)
    for card in others[1:]:
        _appoint(_move_back(card, days=90), kierownik, staff)
    return len(cards)
