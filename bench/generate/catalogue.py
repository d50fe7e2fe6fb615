"""The catalogue: training units with accreditations, old programmes, sessions."""

import datetime
import random
from collections import defaultdict

from bench.generate.accounts import create_accounts
from bench.generate.helpers import nip_regon_source
from bench.generate.plan import BENCH_DOMAIN, FIELD_WEIGHTS, UNIT_KINDS, VOIVODESHIP_WEIGHTS
from qualification.models import (
    Session,
)
from reference.demo import FIELDS, seed_fields, seed_fixed_rows, seed_programmes
from reference.models import Accreditation, Programme, TrainingUnit, Voivodeship


def create_units(count: int, rng: random.Random) -> None:
    """``count`` units spread over the voivodeships by weight, each accredited in 2–5 fields,
    every field with at least one accredited unit in every voivodeship. Places are settled
    once the referrals exist (:func:`settle_places`)."""
    voivodeships = list(Voivodeship.objects.order_by("teryt"))
    weights = [VOIVODESHIP_WEIGHTS.get(v.teryt, 0.8) for v in voivodeships]
    share = [max(2, round(count * w / sum(weights))) for w in weights]
    numbers = nip_regon_source(
        set(TrainingUnit.objects.values_list("nip", flat=True)),
        set(TrainingUnit.objects.values_list("regon", flat=True)),
    )
    units = []
    for voivodeship, n in zip(voivodeships, share, strict=True):
        for i in range(n):
            nip, regon = next(numbers)
            city = f"Miasto {voivodeship.teryt}-{i % 25 + 1}"
            units.append(
                TrainingUnit(
                    name=f"{UNIT_KINDS[i % len(UNIT_KINDS)]} nr {i + 1}, {voivodeship.name}",
                    street=f"ul. Szpitalna {rng.randint(1, 200)}",
                    postal_code=f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d}",
                    city=city,
                    voivodeship=voivodeship,
                    nip=nip,
                    regon=regon,
                    email=f"sekretariat.{voivodeship.teryt}.{i}@jednostki.{BENCH_DOMAIN}",
                )
            )
    units = TrainingUnit.objects.bulk_create(units, batch_size=1000)
    fields = [f for f in seed_fields().values()]
    codes = [code for code, _ in FIELDS]
    field_weights = [FIELD_WEIGHTS[codes.index(f.code)] for f in fields]
    accredited = defaultdict(set)
    for unit in units:
        chosen, wanted = set(), rng.randint(2, 5)
        while len(chosen) < wanted:
            chosen.add(rng.choices(fields, field_weights)[0].pk)
        accredited[unit.pk] |= chosen
    by_voivodeship = defaultdict(list)
    for unit in units:
        by_voivodeship[unit.voivodeship_id].append(unit)
    for voivodeship_units in by_voivodeship.values():
        for f in fields:
            if not any(f.pk in accredited[u.pk] for u in voivodeship_units):
                accredited[rng.choice(voivodeship_units).pk].add(f.pk)
    Accreditation.objects.bulk_create(
        [
            Accreditation(
                unit_id=unit_id,
                field_id=field_id,
                number=f"AKR/B/{unit_id:05d}/{field_id:02d}",
                valid_from=datetime.date(2014, 1, 1),
                valid_to=datetime.date(2035, 12, 31),
                places=0,
            )
            for unit_id, field_ids in sorted(accredited.items())
            for field_id in sorted(field_ids)
        ],
        batch_size=1000,
    )


def create_old_programmes() -> None:
    """Programmes in force before October 2018, for the oldest sessions' referrals."""
    for programme in Programme.objects.filter(name__endswith=" 2018"):
        Programme.objects.get_or_create(
            field_id=programme.field_id,
            mode_id=programme.mode_id,
            name=programme.name.removesuffix(" 2018") + " 2013",
            defaults={
                "duration_months": programme.duration_months,
                "valid_from": datetime.date(2013, 10, 1),
                "valid_to": datetime.date(2018, 9, 30),
            },
        )


def prepare_reference_data(units: int, rng: random.Random, *, password_hash=None) -> None:
    """Fields, programmes, ``units`` training units with accreditations, and the accounts."""
    seed_fixed_rows()
    fields = seed_fields()
    seed_programmes(fields)
    create_old_programmes()
    create_units(units, rng)
    create_accounts(password_hash)


def make_session(name: str, dates: dict) -> Session:
    return Session.objects.get_or_create(name=name, defaults=dates)[0]
