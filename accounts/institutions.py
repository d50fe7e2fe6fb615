"""The institutions a person asks for a profile in ("Wybór jednostki", seed 003).

Four kinds: the central institution (its administrators approve role requests), the central
accrediting body (CMKP: it decides on the units' accreditation), the sixteen voivodeship
offices and the training units (reference data). Offices and the two central institutions
are a small fixed registry below; units come from :class:`reference.models.TrainingUnit`.
Each institution has a key (``"urzad_wojewodzki:14"``, ``"jednostka_szkoleniowa:42"``,
``"centrala:cez"``, ``"akredytujacy:cmkp"``) that the wizard keeps between its steps.

The offices' and CMKP's NIP and REGON are checksum-valid placeholders (python-stdnum): an
installation replaces them with the real identifiers here.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip as stdnum_nip

from accounts.models import InstitutionKind
from reference.models import TrainingUnit, Voivodeship

#: Offices by the voivodeship's TERYT code: name, seat, NIP, REGON.
OFFICES = {
    "02": ("Dolnośląski Urząd Wojewódzki we Wrocławiu", "Wrocław", "7010020002", "100202025"),
    "04": (
        "Kujawsko-Pomorski Urząd Wojewódzki w Bydgoszczy",
        "Bydgoszcz",
        "7010040016",
        "100404042",
    ),
    "06": ("Lubelski Urząd Wojewódzki w Lublinie", "Lublin", "7010060007", "100606060"),
    "08": (
        "Lubuski Urząd Wojewódzki w Gorzowie Wielkopolskim",
        "Gorzów Wielkopolski",
        "7010080004",
        "100808087",
    ),
    "10": ("Łódzki Urząd Wojewódzki w Łodzi", "Łódź", "7010100008", "101010109"),
    "12": ("Małopolski Urząd Wojewódzki w Krakowie", "Kraków", "7010120005", "101212126"),
    "14": ("Mazowiecki Urząd Wojewódzki w Warszawie", "Warszawa", "7010140002", "101414143"),
    "16": ("Opolski Urząd Wojewódzki w Opolu", "Opole", "7010160016", "101616160"),
    "18": ("Podkarpacki Urząd Wojewódzki w Rzeszowie", "Rzeszów", "7010180007", "101818188"),
    "20": ("Podlaski Urząd Wojewódzki w Białymstoku", "Białystok", "7010200000", "102020200"),
    "22": ("Pomorski Urząd Wojewódzki w Gdańsku", "Gdańsk", "7010220008", "102222227"),
    "24": ("Śląski Urząd Wojewódzki w Katowicach", "Katowice", "7010240005", "102424244"),
    "26": ("Świętokrzyski Urząd Wojewódzki w Kielcach", "Kielce", "7010260002", "102626261"),
    "28": (
        "Warmińsko-Mazurski Urząd Wojewódzki w Olsztynie",
        "Olsztyn",
        "7010280016",
        "102828289",
    ),
    "30": ("Wielkopolski Urząd Wojewódzki w Poznaniu", "Poznań", "7010300003", "103030300"),
    "32": (
        "Zachodniopomorski Urząd Wojewódzki w Szczecinie",
        "Szczecin",
        "7010320000",
        "103232328",
    ),
}

CENTRAL_KEY = "cez"
CENTRAL_NAME = "Centrum e-Zdrowia"
CENTRAL_ADDRESS = "ul. Stanisława Dubois 5A, 00-184 Warszawa"
#: The registry data of the two central institutions (seed 003 prints them on the request).
CENTRAL_REGISTRY = {
    "teryt": "1465011",
    "county": "Warszawa",
    "commune": "Warszawa",
    "city": "Warszawa",
    "postal_code": "00-184",
    "street": "ul. Stanisława Dubois",
    "building_number": "5A",
}
CENTRAL_NIP = "5251575309"
CENTRAL_REGON = "001377706"

#: The accrediting body (seed 001: "CMKP — obsługa procesu akredytacji jednostek szkolących").
ACCREDITING_BODY_KEY = "cmkp"
ACCREDITING_BODY_NAME = "Centrum Medyczne Kształcenia Podyplomowego"
ACCREDITING_BODY_ADDRESS = "ul. Kleczewska 61/63, 01-826 Warszawa"
#: Made-up, checksum-valid identifiers (not CMKP's real ones, nor any company's we know of).
ACCREDITING_BODY_NIP = "7019900012"
ACCREDITING_BODY_REGON = "149900018"
ACCREDITING_BODY_REGISTRY = {
    "teryt": "1465011",
    "county": "Warszawa",
    "commune": "Warszawa",
    "city": "Warszawa",
    "postal_code": "01-826",
    "street": "ul. Kleczewska",
    "building_number": "61/63",
}

#: Where signed requests go ("Miejsce przekazania wniosku" in the PDF).
DEFAULT_REQUESTS_EMAIL = "wnioski@smk.local"

#: The kinds one may ask a profile in (a personal profile comes with the applicant portal).
REQUESTABLE_KINDS = (
    InstitutionKind.VOIVODESHIP_OFFICE,
    InstitutionKind.TRAINING_UNIT,
    InstitutionKind.CENTRAL,
    InstitutionKind.ACCREDITING_BODY,
)


def requests_email() -> str:
    return getattr(settings, "ROLE_REQUESTS_EMAIL", "") or DEFAULT_REQUESTS_EMAIL


@dataclass(frozen=True)
class Institution:
    kind: str
    ref: str
    name: str
    nip: str
    regon: str
    address: str
    voivodeship: Voivodeship | None = None
    unit: TrainingUnit | None = None
    #: Registry data (seed 003's PDF: "Kod TERYT", "Powiat", "Gmina", "Miejscowość", "Kod
    #: pocztowy", "Ulica", "Numer budynku", "Numer księgi rejestrowej" or KRS); "" unknown.
    teryt: str = ""
    county: str = ""
    commune: str = ""
    city: str = ""
    postal_code: str = ""
    street: str = ""
    building_number: str = ""
    register_book_number: str = ""
    krs: str = ""

    @property
    def registry_rows(self) -> list[tuple[str, str]]:
        """(label, value) in the order of the seed's print; the KRS only where there is one."""
        rows = [
            (_("Numer księgi rejestrowej"), self.register_book_number),
            (_("Kod TERYT"), self.teryt),
            (_("Województwo"), self.voivodeship_name),
            (_("Powiat"), self.county),
            (_("Gmina"), self.commune),
            (_("Miejscowość"), self.city),
            (_("Kod pocztowy"), self.postal_code),
            (_("Ulica"), self.street),
            (_("Numer budynku"), self.building_number),
        ]
        if self.krs:
            rows.insert(1, (_("Numer KRS"), self.krs))
        return [(str(label), value or "—") for label, value in rows]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"

    @property
    def kind_label(self) -> str:
        return str(InstitutionKind(self.kind).label)

    @property
    def voivodeship_name(self) -> str:
        if self.voivodeship is not None:
            return self.voivodeship.name
        if self.unit is not None:
            return self.unit.voivodeship.name
        return ""

    def profile_lookup(self) -> dict:
        """The fields that find this institution's profile of a person."""
        return {"kind": self.kind, "voivodeship": self.voivodeship, "unit": self.unit}

    @classmethod
    def central(cls) -> "Institution":
        return cls(
            InstitutionKind.CENTRAL,
            CENTRAL_KEY,
            CENTRAL_NAME,
            CENTRAL_NIP,
            CENTRAL_REGON,
            CENTRAL_ADDRESS,
            **CENTRAL_REGISTRY,
        )

    @classmethod
    def accrediting_body(cls) -> "Institution":
        return cls(
            InstitutionKind.ACCREDITING_BODY,
            ACCREDITING_BODY_KEY,
            ACCREDITING_BODY_NAME,
            ACCREDITING_BODY_NIP,
            ACCREDITING_BODY_REGON,
            ACCREDITING_BODY_ADDRESS,
            **ACCREDITING_BODY_REGISTRY,
        )

    @classmethod
    def office(cls, voivodeship: Voivodeship) -> "Institution":
        name, seat, nip, regon = OFFICES[voivodeship.teryt]
        return cls(
            InstitutionKind.VOIVODESHIP_OFFICE,
            voivodeship.teryt,
            name,
            nip,
            regon,
            seat,
            voivodeship=voivodeship,
            city=seat,
        )

    @classmethod
    def training_unit(cls, unit: TrainingUnit) -> "Institution":
        return cls(
            InstitutionKind.TRAINING_UNIT,
            str(unit.pk),
            unit.name,
            unit.nip,
            unit.regon,
            unit.address,
            unit=unit,
            teryt=unit.teryt,
            county=unit.county,
            commune=unit.commune,
            city=unit.city,
            postal_code=unit.postal_code,
            street=unit.street,
            building_number=unit.building_number,
            register_book_number=unit.register_book_number,
            krs=unit.krs,
        )


def office_name(voivodeship) -> str:
    return OFFICES[voivodeship.teryt][0] if voivodeship.teryt in OFFICES else str(voivodeship)


def institution_of_profile(profile) -> Institution | None:
    if profile.kind == InstitutionKind.CENTRAL:
        return Institution.central()
    if profile.kind == InstitutionKind.ACCREDITING_BODY:
        return Institution.accrediting_body()
    if profile.kind == InstitutionKind.VOIVODESHIP_OFFICE:
        return Institution.office(profile.voivodeship)
    if profile.kind == InstitutionKind.TRAINING_UNIT:
        return Institution.training_unit(profile.unit)
    return None


def institution_label(profile) -> str:
    """The registered name of the profile's institution ("Mazowiecki Urząd Wojewódzki
    w Warszawie"); a personal profile's kind. Templates: ``{{ profile|institution_label }}``."""
    institution = institution_of_profile(profile)
    return institution.name if institution else str(profile.get_kind_display())


def get_institution(key: str) -> Institution:
    """The institution of a key, or LookupError for anything else."""
    kind, _sep, ref = (key or "").partition(":")
    if kind == InstitutionKind.CENTRAL and ref == CENTRAL_KEY:
        return Institution.central()
    if kind == InstitutionKind.ACCREDITING_BODY and ref == ACCREDITING_BODY_KEY:
        return Institution.accrediting_body()
    if kind == InstitutionKind.VOIVODESHIP_OFFICE and ref in OFFICES:
        voivodeship = Voivodeship.objects.filter(teryt=ref).first()
        if voivodeship is not None:
            return Institution.office(voivodeship)
    if kind == InstitutionKind.TRAINING_UNIT and ref.isdigit():
        unit = TrainingUnit.objects.select_related("voivodeship").filter(pk=int(ref)).first()
        if unit is not None:
            return Institution.training_unit(unit)
    raise LookupError(key)


def institution_label_expression(prefix: str = ""):
    """The institution's name as a database expression, to sort profiles by it."""
    whens = [
        When(**{f"{prefix}kind": InstitutionKind.TRAINING_UNIT}, then=F(f"{prefix}unit__name")),
        When(**{f"{prefix}kind": InstitutionKind.CENTRAL}, then=Value(CENTRAL_NAME)),
        When(
            **{f"{prefix}kind": InstitutionKind.ACCREDITING_BODY},
            then=Value(ACCREDITING_BODY_NAME),
        ),
    ]
    whens += [
        When(
            **{
                f"{prefix}kind": InstitutionKind.VOIVODESHIP_OFFICE,
                f"{prefix}voivodeship__teryt": teryt,
            },
            then=Value(name),
        )
        for teryt, (name, *_rest) in OFFICES.items()
    ]
    return Case(*whens, default=Value(str(_("Konto osobiste"))))


class InstitutionResults:
    """Search results: the centre, the accrediting body and the offices first, then the
    training units by name.

    Behaves as a sequence for Django's paginator: the units are sliced in the database, so a
    page costs one query however many units there are.
    """

    def __init__(self, fixed: list[Institution], units):
        self.fixed, self.units = fixed, units

    def count(self) -> int:
        return len(self.fixed) + self.units.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        head = self.fixed[start:stop]
        offset = len(self.fixed)
        unit_start = max(0, start - offset)
        unit_stop = None if stop is None else max(0, stop - offset)
        if unit_stop is not None and unit_stop <= unit_start:
            return head
        return head + [Institution.training_unit(u) for u in self.units[unit_start:unit_stop]]


def _matches(
    institution: Institution, *, nip: str, regon: str, register_book_number: str, name: str
) -> bool:
    return (
        (not nip or institution.nip == nip)
        and (not regon or institution.regon == regon)
        and (not register_book_number or institution.register_book_number == register_book_number)
        and (not name or name.casefold() in institution.name.casefold())
    )


#: Sort keys of the search ("sortuj"): the Institution attribute and the unit's column.
SORTS = {
    "nazwa": ("name", "name"),
    "nip": ("nip", "nip"),
    "regon": ("regon", "regon"),
    "ksiega": ("register_book_number", "register_book_number"),
}


def search_institutions(
    *,
    kind: str = "",
    nip: str = "",
    regon: str = "",
    register_book_number: str = "",
    name: str = "",
    sort: str = "",
):
    """Institutions of ``kind`` (any requestable one when empty) matching every criterion
    given: NIP, REGON and "Numer księgi rejestrowej" exactly, a fragment of the name. Sorted
    by ``sort`` (a key of :data:`SORTS`, the name by default): the central institutions and
    the offices first, among themselves, then the training units."""
    nip = stdnum_nip.compact(nip) if nip else ""
    regon = regon.replace(" ", "").replace("-", "")
    register_book_number = register_book_number.replace(" ", "")
    name = name.strip()
    attribute, column = SORTS.get(sort) or SORTS["nazwa"]
    fixed: list[Institution] = []
    if kind in ("", InstitutionKind.CENTRAL):
        fixed.append(Institution.central())
    if kind in ("", InstitutionKind.ACCREDITING_BODY):
        fixed.append(Institution.accrediting_body())
    if kind in ("", InstitutionKind.VOIVODESHIP_OFFICE):
        fixed += sorted(
            (Institution.office(v) for v in Voivodeship.objects.filter(teryt__in=OFFICES)),
            key=lambda i: i.name,
        )
    fixed = [
        i
        for i in fixed
        if _matches(i, nip=nip, regon=regon, register_book_number=register_book_number, name=name)
    ]
    if sort in SORTS and sort != "nazwa":
        fixed.sort(key=lambda i: (getattr(i, attribute), i.name))
    units = TrainingUnit.objects.none()
    if kind in ("", InstitutionKind.TRAINING_UNIT):
        condition = Q()
        if nip:
            condition &= Q(nip=nip)
        if regon:
            condition &= Q(regon=regon)
        if register_book_number:
            condition &= Q(register_book_number=register_book_number)
        if name:
            condition &= Q(name__icontains=name)
        units = (
            TrainingUnit.objects.filter(condition)
            .select_related("voivodeship")
            .order_by(column, "name", "pk")
        )
    return InstitutionResults(fixed, units)
