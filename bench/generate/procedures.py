"""The world the rows are generated in, and one procedure with all its rows: applications,
the ranking, the slot list, the referrals (their stories: :mod:`bench.generate.histories`)."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from accounts.models import InstitutionKind, Profile
from bench.generate.helpers import local_time, pesel_for
from bench.generate.histories import ReferralHistories
from bench.generate.plan import (
    APPROVED_SHARE,
    BENCH_DOMAIN,
    FIELD_WEIGHTS,
    POSITIVE_SHARE,
    QUALIFIED_SHARE,
    RESIDENCY_SHARE,
    STATUS_MIX,
)
from bench.generate.writers import COLUMNS, Ids, Numbers, make_writer
from qualification.demo import (
    FEMALE_NAMES,
    MALE_NAMES,
    NEGATIVE_REASONS,
    SURNAMES,
    UNIVERSITIES,
)
from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    PreferredUnit,
    Procedure,
    Session,
    SlotList,
    SlotListItem,
    SlotListStatus,
    Stage,
    employment_points,
)
from reference.demo import FIELDS
from reference.models import Accreditation, Field, Mode, Programme, TrainingUnit, Voivodeship
from referrals.models import (
    HOLDING_PLACE,
    Referral,
)
from smk.models import Event


class World(ReferralHistories):
    """Reference data, accounts and allocators; writes procedures with all their rows."""

    def __init__(self, rng: random.Random, *, events_per_referral: float = 5.0):
        self.rng = rng
        self.writer = make_writer()
        self.ids = Ids()
        self.numbers = Numbers()
        self.events_per_referral = events_per_referral
        self.referrals_made = 0
        self.events_made = 0
        self.referral_type = ContentType.objects.get_for_model(Referral).pk
        self.procedure_type = ContentType.objects.get_for_model(Procedure).pk
        self.voivodeships = {v.pk: v for v in Voivodeship.objects.order_by("teryt")}
        codes = [code for code, _ in FIELDS]
        by_code = {f.code: f for f in Field.objects.all()}
        self.fields = [by_code[c] for c in codes if c in by_code]
        self.field_weights = [FIELD_WEIGHTS[codes.index(f.code)] for f in self.fields]
        self.field_names = {f.pk: f.name for f in Field.objects.all()}
        self.modes = list(Mode.objects.order_by("code"))
        self.residency = next(m for m in self.modes if m.code == Mode.RESIDENCY)
        self.non_residency = next(m for m in self.modes if m.code != Mode.RESIDENCY)
        self.programmes = defaultdict(list)
        for p in Programme.objects.order_by("valid_from", "pk"):
            self.programmes[(p.field_id, p.mode_id)].append(p)
        self.load_units()
        self.load_accounts()

    # -- loading what exists

    def load_units(self) -> None:
        self.unit_names = dict(TrainingUnit.objects.values_list("pk", "name"))
        self.units_for = defaultdict(list)  # (voivodeship, field) -> accredited unit ids
        for unit_id, voivodeship_id, field_id in (
            Accreditation.objects.active()
            .order_by("unit_id", "field_id")
            .values_list("unit_id", "unit__voivodeship_id", "field_id")
            .distinct()
        ):
            self.units_for[(voivodeship_id, field_id)].append(unit_id)

    def load_accounts(self) -> None:
        self.clerk_of = {}
        self.staff_of = {}
        profiles = Profile.objects.filter(user__email__endswith=f"@{BENCH_DOMAIN}").values_list(
            "kind", "voivodeship_id", "unit_id", "user_id"
        )
        for kind, voivodeship_id, unit_id, user_id in profiles:
            if kind == InstitutionKind.VOIVODESHIP_OFFICE:
                self.clerk_of[voivodeship_id] = user_id
            elif kind == InstitutionKind.TRAINING_UNIT:
                self.staff_of[unit_id] = user_id

    def office_name(self, voivodeship_id: int) -> str:
        return f"Urząd Wojewódzki — {self.voivodeships[voivodeship_id].name}"

    # -- one procedure

    def write_procedure(
        self,
        session: Session,
        voivodeship: Voivodeship,
        applications: int,
        *,
        stage: str = Stage.CLOSED,
        status_mix: dict | None = None,
        fields: list | None = None,
        qualified_share: float = QUALIFIED_SHARE,
    ) -> Procedure:
        """A procedure of ``applications`` applications in ``session`` and ``voivodeship``.

        ``stage=CLOSED``: closed as ``close_procedure`` closes it, its referrals handled to
        final statuses drawn from ``status_mix``. ``stage=COMPETITION``: every application
        evaluated and pointed, an approved slot list, ready for ``close_procedure``.
        """
        rng = self.rng
        closed = stage == Stage.CLOSED
        clerk = self.clerk_of.get(voivodeship.pk)
        close_at = local_time(session.procedure_to, 15)
        # A protected FSM field can be given when the row is built (not changed afterwards).
        procedure = Procedure.objects.create(
            session=session,
            voivodeship=voivodeship,
            stage=stage,
            closed_at=close_at if closed else None,
            closed_by_id=clerk if closed else None,
        )
        field_choices = fields or self.fields
        weights = (
            [self.field_weights[self.fields.index(f)] for f in field_choices]
            if fields is None
            else None
        )
        apps = [
            self._application(session, voivodeship, rng.choices(field_choices, weights)[0], clerk)
            for _ in range(applications)
        ]
        # Ranking per field and mode, as ApplicationQuerySet.ranked orders it.
        groups = defaultdict(list)
        for app in apps:
            if app["formal_evaluation"] == FormalEvaluation.POSITIVE:
                groups[(app["field_id"], app["mode_id"])].append(app)
        places = {}
        for key, group in groups.items():
            group.sort(
                key=lambda a: (-a["points"], -a["study_result"], a["approved_at"], a["number"])
            )
            places[key] = max(1, round(len(group) * qualified_share / (APPROVED_SHARE * 0.9)))
            if closed:
                for position, app in enumerate(group, start=1):
                    app["ranking_position"] = position
                    app["qualified"] = position <= places[key]
        if closed:
            for app in apps:
                if app["status"] == ApplicationStatus.APPROVED and app["qualified"] is None:
                    app["qualified"] = False
        self._slot_list(session, voivodeship, places, published=closed)
        for app in apps:
            self.writer.add(Application, tuple(app[c] for c in COLUMNS[Application]))
        if closed:
            qualified = [
                app
                for key in sorted(groups)
                for app in groups[key]
                if app["qualified"] and app["ranking_position"]
            ]
            mix = status_mix or STATUS_MIX[2]
            statuses, status_weights = list(mix), list(mix.values())
            for app in qualified:
                final = rng.choices(statuses, status_weights)[0]
                self._preferred_units(app)
                self._referral(app, final, close_at, clerk, mix=mix)
            self.writer.add(
                Event,
                (
                    self.ids.take(Event),
                    self.procedure_type,
                    procedure.pk,
                    "procedure.closed",
                    clerk,
                    self.office_name(voivodeship.pk),
                    Stage.COMPETITION,
                    Stage.CLOSED,
                    {"ranked": sum(map(len, groups.values())), "referrals": len(qualified)},
                    close_at,
                ),
            )
        return procedure

    def _slot_list(self, session, voivodeship, places: dict, *, published: bool) -> None:
        wojewoda = self.clerk_of.get(voivodeship.pk)
        approved_at = local_time(session.applications_to, 10)
        slot_list = SlotList.objects.create(
            session=session,
            voivodeship=voivodeship,
            status=SlotListStatus.PUBLISHED if published else SlotListStatus.APPROVED,
            approved_at=approved_at,
            approved_by_id=wojewoda,
            published_at=approved_at if published else None,
            published_by_id=wojewoda if published else None,
        )
        SlotListItem.objects.bulk_create(
            SlotListItem(slot_list=slot_list, field_id=f, mode_id=m, places=n)
            for (f, m), n in sorted(places.items())
        )

    def _application(self, session, voivodeship, field_, clerk) -> dict:
        rng = self.rng
        female = rng.random() < 0.7  # most laboratory diagnosticians are women
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last = rng.choice(SURNAMES)[1 if female else 0]
        birth = datetime.date(rng.randint(1970, 1998), rng.randint(1, 12), rng.randint(1, 28))
        mode = self.residency if rng.random() < RESIDENCY_SHARE else self.non_residency
        roll = rng.random()
        status = (
            ApplicationStatus.APPROVED
            if roll < APPROVED_SHARE
            else ApplicationStatus.DRAFT
            if roll < APPROVED_SHARE + 0.03
            else ApplicationStatus.INACTIVE
        )
        window = (session.applications_to - session.applications_from).days
        created = local_time(
            session.applications_from + datetime.timedelta(days=rng.randrange(window + 1)),
            rng.randint(7, 21),
            rng.randrange(60),
        )
        approved_at = created + datetime.timedelta(hours=rng.randint(1, 72))
        pk = self.ids.take(Application)
        app = {
            "id": pk,
            "number": self.numbers.take(f"WN/{session.year}/{voivodeship.teryt}"),
            "session_year": session.year,  # not a column: the referral numbers' prefix
            "session_id": session.pk,
            "voivodeship_id": voivodeship.pk,
            "field_id": field_.pk,
            "mode_id": mode.pk,
            "applicant_id": None,
            "first_name": first,
            "last_name": last,
            "pesel": pesel_for(rng, birth),
            "licence_number": f"DL/{pk:07d}",
            "email": f"wnioskodawca{pk}@example.pl",
            "phone": f"+48 {rng.randint(500, 899)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            "address": f"ul. Długa {rng.randint(1, 200)}, 00-{rng.randint(1, 999):03d} Warszawa",
            "university": rng.choice(UNIVERSITIES),
            "graduation_year": min(session.year - 1, birth.year + rng.randint(24, 30)),
            "study_result": Decimal(rng.randint(300, 500)) / 100,
            "status": status,
            "approved_at": approved_at if status != ApplicationStatus.DRAFT else None,
            "created_at": created,
            "formal_evaluation": "",
            "formal_reason": "",
            "evaluated_at": None,
            "evaluated_by_id": None,
            "employment_years": None,
            "points_employment": None,
            "points_publications": None,
            "points_courses": None,
            "points_other": None,
            "points": None,
            "ranking_position": None,
            "qualified": None,
            "qualified_manually": False,
            "version": 1,
            "limited_licence": False,
            "preferred_mode_id": None,
            "repeat_residency": False,
        }
        if status != ApplicationStatus.APPROVED:
            if status == ApplicationStatus.INACTIVE:
                app["version"] = 2
            return app
        evaluated_at = local_time(session.procedure_from, 9) + datetime.timedelta(
            hours=rng.randint(0, 240)
        )
        app["evaluated_at"], app["evaluated_by_id"] = evaluated_at, clerk
        if rng.random() >= POSITIVE_SHARE:
            app["formal_evaluation"] = FormalEvaluation.NEGATIVE
            app["formal_reason"] = rng.choice(NEGATIVE_REASONS)
            app["version"] = 2
            return app
        years = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15])
        publications = Decimal(rng.randint(0, 20)) / 2
        courses = Decimal(rng.randint(0, 10)) / 2
        other = Decimal(rng.randint(0, 6)) / 2
        app.update(
            formal_evaluation=FormalEvaluation.POSITIVE,
            employment_years=years,
            points_employment=employment_points(years),
            points_publications=publications,
            points_courses=courses,
            points_other=other,
            points=employment_points(years) + publications + courses + other,
            version=3,
        )
        return app

    def _preferred_units(self, app: dict) -> None:
        units = self.units_for.get((app["voivodeship_id"], app["field_id"]), [])
        chosen = self.rng.sample(units, min(len(units), self.rng.randint(1, 2)))
        for position, unit_id in enumerate(chosen, start=1):
            self.writer.add(
                PreferredUnit, (self.ids.take(PreferredUnit), app["id"], unit_id, position)
            )

    # -- at the end

    def finish(self) -> dict:
        """Write the rows, advance the number sequences, give accreditations enough places."""
        counts = {model.__name__: n for model, n in self.writer.counts.items()}
        self.writer.flush()
        self.numbers.save()
        settle_places(self.rng)
        return counts


def settle_places(rng: random.Random) -> int:
    """Every active accreditation gets at least the places its unit's referrals hold, plus a
    few free ones (an overbooked accreditation would break check_invariants)."""
    held = {
        (unit, field_): n
        for unit, field_, n in Referral.objects.filter(status__in=HOLDING_PLACE)
        .values("unit_id", "field_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "field_id", "n")
    }
    changed = []
    for accreditation in Accreditation.objects.active().only("pk", "unit_id", "field_id", "places"):
        needed = held.get((accreditation.unit_id, accreditation.field_id), 0)
        if accreditation.places < needed + 1:
            accreditation.places = needed + rng.randint(2, 8)
            changed.append(accreditation)
    Accreditation.objects.bulk_update(changed, ["places"], batch_size=1000)
    return len(changed)
