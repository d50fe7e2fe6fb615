"""The EKS's pages (issue 17): one card of mazowieckie made half-filled through the services
(entries in every status, a plan, a kierownik — as the demo's), then its page as the office,
the unit's staff, the kierownik and the diagnostician see it, its history, the office's list
of every card, the kierownik's queue and the card's PDF, taking turns; each page's queries
against the count its test pins (tests/eks/test_query_counts.py), which do not grow with the
card."""

from bench.run.pages import Probe, client_for, measure_together

#: The most queries each page may ask (the session, the user, the profiles, then its own).
EKS_MAX_QUERIES = {"card": 10, "history": 5, "list": 5, "queue": 5}
#: The pages' p95 at S=1 (a card is a page of a few dozen rows, like the referral form).
EKS_P95_MS = 50.0
PDF_ITERATIONS_SHARE = 5  # the PDF is timed on every 5th turn of the pages


def prepare_card():
    """A started card of mazowieckie's busiest unit, half-filled once (found again later)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import InstitutionKind, Profile, ProfileRole, Role, User
    from bench.generate import BENCH_TERYT, clerk_email, unit_staff_email
    from eks import demo
    from eks.models import Appointment, Card
    from reference.demo import seed_programme_elements

    cards = Card.objects.select_related("referral__application", "programme").order_by("pk")
    appointed = cards.filter(appointments__isnull=False).first()
    card = appointed or (
        cards.filter(referral__voivodeship__teryt=BENCH_TERYT).first() or cards.first()
    )
    if card is None:
        raise RuntimeError("no EKS in the benchmark data")
    email = f"kierownik.{card.unit_id}@bench.smk.local"
    if appointed is None:
        seed_programme_elements()
        user, _ = User.objects.get_or_create(
            email=email,
            defaults={"first_name": "Kierownik", "last_name": "Benchmarkowy"},
        )
        user.password = make_password("SmkBench-2026")
        user.save(update_fields=["password"])
        profile, _ = Profile.objects.get_or_create(
            user=user, kind=InstitutionKind.TRAINING_UNIT, unit_id=card.unit_id
        )
        ProfileRole.objects.get_or_create(profile=profile, role=Role.KIEROWNIK)
        staff = Profile.objects.prefetch_related("roles").get(
            user__email=unit_staff_email(card.unit_id), roles__role=Role.UNIT_STAFF
        )
        kierownik = Profile.objects.prefetch_related("roles").get(pk=profile.pk)
        demo.half_filled(card, demo.trainee_of(card), kierownik, staff)
    card = Card.objects.select_related("referral__application", "referral__voivodeship").get(
        pk=card.pk
    )
    assert Appointment.objects.filter(card=card, until__isnull=True).exists()
    office = User.objects.get(email=clerk_email(card.referral.voivodeship.teryt))
    people = {
        "office": office,
        "unit": User.objects.get(email=unit_staff_email(card.unit_id)),
        "kierownik": User.objects.get(email=email),
        "diagnostician": card.referral.application.applicant,
    }
    return card, people


def measure_eks(iterations: int, log=print) -> dict:
    from django.urls import reverse

    card, people = prepare_card()
    clients = {name: client_for(user) for name, user in people.items()}
    page = reverse("eks:card_detail", args=[card.pk])
    probes = [Probe(f"EKS card ({who})", clients[who], page) for who in clients]
    probes += [
        Probe("EKS history", clients["office"], reverse("eks:card_history", args=[card.pk])),
        Probe(
            "EKS list (office, every status)",
            clients["office"],
            reverse("eks:card_list") + "?status=",
        ),
        Probe("EKS queue (kierownik)", clients["kierownik"], reverse("eks:queue")),
    ]
    rows = measure_together(probes, iterations)
    for row in rows:
        log(f"  {row['name']}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, {row['queries']} q.")
    pdf = measure_together(
        [Probe("EKS PDF", clients["office"], reverse("eks:card_pdf", args=[card.pk]))],
        max(1, iterations // PDF_ITERATIONS_SHARE),
        warmup=1,
    )[0]
    log(f"  {pdf['name']}: p50 {pdf['p50_ms']} ms")
    entries = card.entries.count()
    return {"card": card.number, "entries": entries, "pages": rows, "pdf": pdf}


def kind_of(name: str) -> str:
    for kind in EKS_MAX_QUERIES:
        if kind in name.lower():
            return kind
    return "card"


def eks_budgets(results: dict) -> list[dict]:
    """The EKS pages: within their pinned queries, and p95 ≤ :data:`EKS_P95_MS`."""
    rows = []
    for page in (results.get("eks") or {}).get("pages", []):
        limit = EKS_MAX_QUERIES[kind_of(page["name"])]
        rows.append(
            {
                "budget": f"{page['name']}: ≤ {limit} queries",
                "value": page["queries"],
                "limit": limit,
                "ok": page["queries"] <= limit,
            }
        )
        rows.append(
            {
                "budget": f"{page['name']}: p95 ≤ {EKS_P95_MS:g} ms",
                "value": page["p95_ms"],
                "limit": EKS_P95_MS,
                "ok": page["p95_ms"] <= EKS_P95_MS,
            }
        )
    return rows
