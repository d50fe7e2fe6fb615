"""Demo people: realistic Polish names, PESELs, licence numbers, phones and addresses, each
drawn from a generator seeded by a fixed string, so every run makes the same people."""

import datetime
import random
from dataclasses import dataclass

from stdnum.pl import pesel

from reference.demo import STREETS

FEMALE_NAMES = [
    "Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Joanna", "Magdalena", "Monika", "Ewa",
    "Aleksandra", "Natalia", "Karolina", "Paulina", "Justyna", "Marta", "Zofia", "Weronika",
    "Łucja", "Beata", "Dorota", "Iwona", "Żaneta", "Urszula",
]  # fmt: skip
MALE_NAMES = [
    "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Łukasz",
    "Mateusz", "Adam", "Bartosz", "Grzegorz", "Sebastian", "Kamil", "Wojciech", "Maciej",
    "Rafał", "Szymon", "Dawid", "Jarosław", "Zbigniew", "Przemysław",
]  # fmt: skip
#: (masculine, feminine) forms of a surname.
SURNAMES = [
    ("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"), ("Kaczmarek", "Kaczmarek"), ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"), ("Zając", "Zając"), ("Pawłowski", "Pawłowska"),
    ("Michalski", "Michalska"), ("Król", "Król"), ("Wieczorek", "Wieczorek"),
    ("Jabłoński", "Jabłońska"), ("Wróbel", "Wróbel"), ("Majewski", "Majewska"),
    ("Olszewski", "Olszewska"), ("Stępień", "Stępień"), ("Malinowski", "Malinowska"),
    ("Jaworski", "Jaworska"), ("Adamczyk", "Adamczyk"), ("Dudek", "Dudek"),
    ("Nowicki", "Nowicka"), ("Górski", "Górska"), ("Witkowski", "Witkowska"),
    ("Walczak", "Walczak"), ("Sikora", "Sikora"), ("Rutkowski", "Rutkowska"),
    ("Szewczyk", "Szewczyk"), ("Ostrowski", "Ostrowska"), ("Tomaszewski", "Tomaszewska"),
    ("Pietrzak", "Pietrzak"), ("Żak", "Żak"), ("Chmielewski", "Chmielewska"),
    ("Błaszczyk", "Błaszczyk"), ("Gałązka", "Gałązka"), ("Śliwiński", "Śliwińska"),
]  # fmt: skip
UNIVERSITIES = [
    "Warszawski Uniwersytet Medyczny",
    "Uniwersytet Jagielloński — Collegium Medicum",
    "Uniwersytet Medyczny w Łodzi",
    "Gdański Uniwersytet Medyczny",
    "Uniwersytet Medyczny w Lublinie",
    "Uniwersytet Medyczny im. Piastów Śląskich we Wrocławiu",
    "Śląski Uniwersytet Medyczny w Katowicach",
    "Uniwersytet Medyczny w Białymstoku",
    "Uniwersytet Medyczny im. Karola Marcinkowskiego w Poznaniu",
    "Collegium Medicum w Bydgoszczy, Uniwersytet Mikołaja Kopernika w Toruniu",
]
MOBILE_PREFIXES = ["501", "502", "511", "600", "601", "604", "660", "691", "730", "790"]
_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    pesel: str
    licence_number: str
    email: str
    phone: str
    address: str
    university: str
    graduation_year: int


def _pesel(birth: datetime.date, serial: int, female: bool, rng: random.Random) -> str:
    month = birth.month + (20 if birth.year >= 2000 else 0)  # the PESEL century offset
    sex = rng.choice("02468" if female else "13579")
    body = f"{birth:%y}{month:02d}{birth:%d}{serial:03d}{sex}"
    return body + pesel.calc_check_digit(body)


def make_person(key: str, serial: int, city: str, **fixed) -> Person:
    """A realistic applicant; ``serial`` (0–999) goes into the PESEL, which keeps it unique."""
    rng = random.Random(f"demo-person-{key}")
    female = rng.random() < 0.7  # most laboratory diagnosticians are women
    female = fixed.get("female", female)
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    last = rng.choice(SURNAMES)[1 if female else 0]
    first, last = fixed.get("first_name", first), fixed.get("last_name", last)
    birth = datetime.date(rng.randint(1986, 2000), rng.randint(1, 12), rng.randint(1, 28))
    return Person(
        first_name=first,
        last_name=last,
        pesel=_pesel(birth, serial, female, rng),
        licence_number=f"{rng.randint(10, 29)}{serial:03d}",
        email=fixed.get("email")
        or f"{first}.{last}.{serial}@poczta.smk.local".translate(_ASCII).lower(),
        phone=f"+48 {rng.choice(MOBILE_PREFIXES)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
        address=f"{rng.choice(STREETS)} {rng.randint(1, 90)}/{rng.randint(1, 40)}, "
        f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d} {city}",
        university=rng.choice(UNIVERSITIES),
        graduation_year=birth.year + 24 + rng.randint(0, 2),
    )
