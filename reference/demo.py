"""Demo reference data: fields, programmes, training units with accreditations."""

import datetime
import importlib
import random

from django.apps import apps as django_apps
from stdnum.pl import nip, regon

from reference.models import (
    Accreditation,
    ElementKind,
    Field,
    Mode,
    Programme,
    ProgrammeElement,
    ProgrammeModule,
    TrainingUnit,
    Voivodeship,
)

FIELDS = [
    ("laboratoryjna-diagnostyka-medyczna", "laboratoryjna diagnostyka medyczna"),
    ("mikrobiologia-medyczna", "mikrobiologia medyczna"),
    ("laboratoryjna-hematologia-medyczna", "laboratoryjna hematologia medyczna"),
    ("laboratoryjna-genetyka-medyczna", "laboratoryjna genetyka medyczna"),
    ("laboratoryjna-immunologia-medyczna", "laboratoryjna immunologia medyczna"),
    ("laboratoryjna-transfuzjologia-medyczna", "laboratoryjna transfuzjologia medyczna"),
    ("toksykologia-medyczna", "toksykologia medyczna"),
    ("cytomorfologia-medyczna", "cytomorfologia medyczna"),
    ("epidemiologia", "epidemiologia"),
    ("zdrowie-publiczne", "zdrowie publiczne"),
    ("biochemia-kliniczna", "biochemia kliniczna"),
]

#: In mazowieckie this field has exactly one accredited unit (automatic "Wybierz jednostkę").
SINGLE_UNIT_FIELD = "toksykologia-medyczna"
#: This field and mode has two programmes in force (the "Wybierz program" list).
MULTI_PROGRAMME = ("laboratoryjna-diagnostyka-medyczna", Mode.RESIDENCY)

CITIES = {
    "dolnośląskie": ["Wrocław", "Wałbrzych", "Legnica", "Jelenia Góra"],
    "kujawsko-pomorskie": ["Bydgoszcz", "Toruń", "Włocławek", "Grudziądz"],
    "lubelskie": ["Lublin", "Zamość", "Chełm", "Biała Podlaska"],
    "lubuskie": ["Zielona Góra", "Gorzów Wielkopolski", "Nowa Sól", "Żary"],
    "łódzkie": ["Łódź", "Piotrków Trybunalski", "Skierniewice", "Sieradz"],
    "małopolskie": ["Kraków", "Tarnów", "Nowy Sącz", "Oświęcim"],
    "mazowieckie": [
        "Warszawa",
        "Radom",
        "Płock",
        "Siedlce",
        "Ostrołęka",
        "Ciechanów",
        "Otwock",
        "Pruszków",
    ],
    "opolskie": ["Opole", "Kędzierzyn-Koźle", "Nysa", "Brzeg"],
    "podkarpackie": ["Rzeszów", "Przemyśl", "Krosno", "Tarnobrzeg"],
    "podlaskie": ["Białystok", "Łomża", "Suwałki", "Bielsk Podlaski"],
    "pomorskie": ["Gdańsk", "Gdynia", "Słupsk", "Wejherowo"],
    "śląskie": ["Katowice", "Gliwice", "Częstochowa", "Bielsko-Biała"],
    "świętokrzyskie": ["Kielce", "Ostrowiec Świętokrzyski", "Starachowice", "Skarżysko-Kamienna"],
    "warmińsko-mazurskie": ["Olsztyn", "Elbląg", "Ełk", "Giżycko"],
    "wielkopolskie": ["Poznań", "Kalisz", "Konin", "Piła"],
    "zachodniopomorskie": ["Szczecin", "Koszalin", "Stargard", "Świnoujście"],
}

UNIT_KINDS = [
    "Wojewódzki Szpital Specjalistyczny — Zakład Diagnostyki Laboratoryjnej",
    "Szpital Miejski — Laboratorium Centralne",
    "Centrum Medyczne — Pracownia Mikrobiologii",
    "Regionalne Centrum Krwiodawstwa i Krwiolecznictwa",
    "Uniwersytecki Szpital Kliniczny — Zakład Diagnostyki",
    "Instytut Medycyny Laboratoryjnej",
    "Szpital Powiatowy — Laboratorium Analityczne",
    "Wojewódzka Stacja Sanitarno-Epidemiologiczna",
]

STREETS = [
    "ul. Szpitalna",
    "ul. Kopernika",
    "ul. Marii Skłodowskiej-Curie",
    "al. Jana Pawła II",
    "ul. Lekarska",
    "ul. Banacha",
    "ul. Długa",
    "ul. Kościuszki",
]

#: The unit of jednostka@smk.local: mazowieckie, with free places in several fields.
DEMO_UNIT_NAME = "Wojewódzki Szpital Specjalistyczny — Zakład Diagnostyki Laboratoryjnej, Warszawa"


def _valid_nip(rng: random.Random) -> str:
    # python-stdnum has no NIP check-digit function: the valid last digit is found by trying.
    while True:
        body = f"{rng.randint(100, 999)}{rng.randint(0, 999999):06d}"
        for digit in "0123456789":
            if nip.is_valid(body + digit):
                return body + digit


def _valid_regon(rng: random.Random) -> str:
    body = f"{rng.randint(10_000_000, 99_999_999)}"
    return body + regon.calc_check_digit(body)


def seed_fields():
    return {
        code: Field.objects.update_or_create(code=code, defaults={"name": name})[0]
        for code, name in FIELDS
    }


def seed_programmes(fields):
    modes = {m.code: m for m in Mode.objects.all()}
    for field in fields.values():
        for mode_code, mode in modes.items():
            duration = 48 if mode_code == Mode.RESIDENCY else 60
            Programme.objects.update_or_create(
                field=field,
                mode=mode,
                name=f"Program specjalizacji w dziedzinie {field.name} ({mode.name}) 2023",
                defaults={
                    "duration_months": duration,
                    "valid_from": datetime.date(2023, 10, 1),
                    "valid_to": None,
                },
            )
            # A programme no longer in force, so the list shows only the ones in force.
            Programme.objects.update_or_create(
                field=field,
                mode=mode,
                name=f"Program specjalizacji w dziedzinie {field.name} ({mode.name}) 2018",
                defaults={
                    "duration_months": duration,
                    "valid_from": datetime.date(2018, 10, 1),
                    "valid_to": datetime.date(2023, 9, 30),
                },
            )
    field_code, mode_code = MULTI_PROGRAMME
    Programme.objects.update_or_create(
        field=fields[field_code],
        mode=modes[mode_code],
        name=f"Program specjalizacji w dziedzinie {fields[field_code].name} "
        f"({modes[mode_code].name}) 2025 — modułowy",
        defaults={
            "duration_months": 42,
            "valid_from": datetime.date(2025, 10, 1),
            "valid_to": None,
        },
    )


#: The elements of every demo programme, per module: (kind, name, weeks, required count);
#: "{field}" becomes the programme's field.
PROGRAMME_MODULES = [
    (
        "Moduł podstawowy",
        [
            (ElementKind.COURSE, "Kurs wprowadzający: {field}", None, None),
            (ElementKind.COURSE, "Kurs: zdrowie publiczne i prawo medyczne", None, None),
            (
                ElementKind.INTERNSHIP,
                "Staż kierunkowy w pracowni diagnostyki laboratoryjnej",
                4,
                None,
            ),
            (ElementKind.PROCEDURE, "Walidacja metody analitycznej", None, 5),
        ],
    ),
    (
        "Moduł specjalistyczny",
        [
            (ElementKind.COURSE, "Kurs specjalizacyjny: {field} — metody zaawansowane", None, None),
            (ElementKind.INTERNSHIP, "Staż kierunkowy w ośrodku referencyjnym", 8, None),
            (ElementKind.PROCEDURE, "Ocena i interpretacja wyników badań: {field}", None, 20),
            (ElementKind.PROCEDURE, "Wewnątrzlaboratoryjna kontrola jakości badań", None, 10),
        ],
    ),
]
#: The modular programme (MULTI_PROGRAMME, 2025) has a third module.
MODULAR_EXTRA = (
    "Moduł uzupełniający",
    [(ElementKind.COURSE, "Kurs: zarządzanie jakością w medycznym laboratorium", None, None)],
)


def seed_programme_elements():
    """Modules and elements for every programme (found again by name on a second run)."""
    for programme in Programme.objects.select_related("field"):
        modules = list(PROGRAMME_MODULES)
        if programme.name.endswith("modułowy"):
            modules.append(MODULAR_EXTRA)
        for number, (module_name, elements) in enumerate(modules, start=1):
            module, _ = ProgrammeModule.objects.update_or_create(
                programme=programme, name=module_name, defaults={"number": number}
            )
            for position, (kind, name, weeks, count) in enumerate(elements, start=1):
                ProgrammeElement.objects.update_or_create(
                    module=module,
                    name=name.format(field=programme.field.name),
                    defaults={
                        "number": position,
                        "kind": kind,
                        "weeks": weeks,
                        "required_count": count,
                    },
                )


#: Real TERYT codes of a few seats; the other demo units get codes of the right shape.
TERYT_OF_CITY = {"Warszawa": "1465011", "Kraków": "1261011", "Poznań": "3064011"}


def _fill_registry_data(unit: TrainingUnit, voivodeship: Voivodeship, index: int, city: str):
    """The registry data of a demo unit (TERYT, powiat, gmina, numer księgi rejestrowej and,
    for every other unit, a KRS), also on units made before these fields existed."""
    if unit.teryt:
        return
    rng = random.Random(f"registry-{voivodeship.teryt}-{index}")
    unit.teryt = TERYT_OF_CITY.get(city, f"{voivodeship.teryt}{61 + index:02d}011")
    unit.county = unit.commune = city
    unit.register_book_number = f"{rng.randint(1, 99999):012d}"
    unit.krs = f"{rng.randint(1, 999999):010d}" if index % 2 else ""
    unit.save(update_fields=["teryt", "county", "commune", "register_book_number", "krs"])


def seed_units(fields):
    """About four units per voivodeship (eight in mazowieckie), each accredited in 2–5 fields.

    Every unit draws from its own generator seeded by its place in the list, so a second run
    finds exactly the rows of the first and adds nothing.
    """
    field_list = [fields[code] for code, _ in FIELDS]
    units = []
    for voivodeship in Voivodeship.objects.order_by("teryt"):
        for index, city in enumerate(CITIES[voivodeship.name]):
            rng = random.Random(f"unit-{voivodeship.teryt}-{index}")
            name = f"{UNIT_KINDS[index % len(UNIT_KINDS)]}, {city}"
            unit = TrainingUnit.objects.filter(name=name, voivodeship=voivodeship).first()
            if unit is None:
                unit = TrainingUnit.objects.create(
                    name=name,
                    voivodeship=voivodeship,
                    street=rng.choice(STREETS),
                    building_number=str(rng.randint(1, 120)),
                    postal_code=f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d}",
                    city=city,
                    nip=_valid_nip(rng),
                    regon=_valid_regon(rng),
                    email=f"sekretariat{voivodeship.teryt}{index}@jednostki.smk.local",
                    phone=f"+48 22 {rng.randint(100, 999)} {rng.randint(10, 99)} 00",
                )
            _fill_registry_data(unit, voivodeship, index, city)
            units.append(unit)
            # Separate from ``rng``, which creating the unit consumes only on the first run.
            choice_rng = random.Random(f"accreditations-{voivodeship.teryt}-{index}")
            if voivodeship.name == "mazowieckie":
                # Index 0 (the demo unit) is the only one accredited in SINGLE_UNIT_FIELD;
                # every mazowieckie unit is accredited in laboratoryjna diagnostyka medyczna.
                chosen = [fields["laboratoryjna-diagnostyka-medyczna"]]
                others = [
                    f
                    for f in field_list
                    if f.code not in (SINGLE_UNIT_FIELD, "laboratoryjna-diagnostyka-medyczna")
                ]
                chosen += choice_rng.sample(others, 3)
                if index == 0:
                    chosen = [f for f in field_list if f.code != "zdrowie-publiczne"]
            else:
                chosen = choice_rng.sample(field_list, choice_rng.randint(2, 5))
            for field in chosen:
                Accreditation.objects.get_or_create(
                    unit=unit,
                    field=field,
                    valid_from=datetime.date(2022, 1, 1),
                    defaults={
                        "valid_to": datetime.date(2031, 12, 31),
                        "places": choice_rng.randint(3, 12) if index else 20,
                        "number": f"AKR/{voivodeship.teryt}/{unit.pk:04d}/{field.pk:02d}",
                    },
                )
    # An accreditation that has expired: shown as inactive, never offered.
    Accreditation.objects.get_or_create(
        unit=TrainingUnit.objects.get(name=DEMO_UNIT_NAME),
        field=fields["zdrowie-publiczne"],
        valid_from=datetime.date(2015, 1, 1),
        defaults={"valid_to": datetime.date(2020, 12, 31), "places": 2, "number": "AKR/14/ARCH"},
    )
    return units


def seed_fixed_rows():
    """The voivodeships and modes the data migration loads (again, if a flush removed them)."""
    migration = importlib.import_module("reference.migrations.0002_voivodeships_and_modes")
    migration.load(django_apps, None)


def seed():
    seed_fixed_rows()
    fields = seed_fields()
    seed_programmes(fields)
    seed_programme_elements()
    seed_units(fields)
    return fields
