"""Importing the old system's accounts, and moving one into an active profile."""

import csv
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.institutions import Institution, get_institution
from accounts.models import ROLES_BY_KIND, InstitutionKind, Profile, ProfileRole, Role
from reference.models import TrainingUnit
from smk.audit import log_event, register_actions
from ssozi.models import LegacyAccount

MOVED = "profile.moved_from_ssozi"
register_actions({MOVED: gettext_lazy("Przeniesiono uprawnienia z SSOZ I")})

#: The answer to a wrong login or password, whichever it was (seed 003).
WRONG_CREDENTIALS = gettext_lazy("Zabrakło wymaganych danych lub dane niepoprawne")
#: Checked when the login is unknown, so that both failures take as long.
_DUMMY_HASH = make_password("ssozi-unknown-login")

COLUMNS = ("login", "password_hash", "institution", "roles")


class MoveRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- import -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped_moved: int = 0
    errors: list[str] | None = None


def resolve_institution(text: str) -> Institution:
    """An institution from the CSV: an institution key ("urzad_wojewodzki:14",
    "centrala:cez", "akredytujacy:cmkp") or a training unit by "regon:…" / "nip:…"."""
    kind, _sep, value = text.strip().partition(":")
    if kind in ("regon", "nip") and value:
        unit = TrainingUnit.objects.select_related("voivodeship").filter(**{kind: value}).first()
        if unit is None:
            raise LookupError(text)
        return Institution.training_unit(unit)
    return get_institution(text.strip())


def _parse_row(row: dict) -> tuple[str, str, Institution, list[str]]:
    login = (row.get("login") or "").strip()
    password_hash = (row.get("password_hash") or "").strip()
    if not login:
        raise ValueError("no login")
    try:
        identify_hasher(password_hash)
    except ValueError:
        raise ValueError("password_hash is not a known Django hash") from None
    try:
        institution = resolve_institution(row.get("institution") or "")
    except LookupError:
        raise ValueError(f"unknown institution {row.get('institution')!r}") from None
    roles = [code.strip() for code in (row.get("roles") or "").replace(";", ",").split(",")]
    roles = [code for code in roles if code]
    allowed = ROLES_BY_KIND[InstitutionKind(institution.kind)]
    if not roles or any(code not in Role.values or code not in allowed for code in roles):
        raise ValueError(f"roles {row.get('roles')!r} are not roles of this institution")
    return login, password_hash, institution, sorted(set(roles))


@transaction.atomic(durable=True)
def import_accounts(lines) -> ImportResult:
    """Read the CSV (``login,password_hash,institution,roles``; roles separated by ";"):
    every row is checked before anything is written, so a bad file changes nothing.
    A login already moved is left as it is."""
    reader = csv.DictReader(lines)
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != list(COLUMNS):
        return ImportResult(errors=[f"the header must be: {','.join(COLUMNS)}"])
    parsed, errors = [], []
    for number, row in enumerate(reader, start=2):
        try:
            parsed.append(_parse_row(row))
        except ValueError as error:
            errors.append(f"line {number}: {error}")
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult(errors=[])
    existing = {
        a.login: a
        for a in LegacyAccount.objects.select_for_update().filter(
            login__in=[login for login, *_rest in parsed]
        )
    }
    for login, password_hash, institution, roles in parsed:
        account = existing.get(login)
        if account is not None and account.moved_at is not None:
            result.skipped_moved += 1
            continue
        values = {
            "password_hash": password_hash,
            "institution_key": institution.key,
            "roles": ",".join(roles),
        }
        if account is None:
            LegacyAccount.objects.create(login=login, **values)
            result.created += 1
        else:
            LegacyAccount.objects.filter(pk=account.pk).update(**values)
            result.updated += 1
    return result


# --- the move -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def move_to_profile(*, user, login: str, password: str) -> Profile:
    """ "Przenoszę uprawnienia z SSOZI": with the right login and password of the old system,
    an active profile in its institution with its roles — once per old account."""
    account = LegacyAccount.objects.select_for_update().filter(login=login.strip()).first()
    if account is None:
        check_password(password, _DUMMY_HASH)
        raise MoveRefused(WRONG_CREDENTIALS)
    if not check_password(password, account.password_hash):
        raise MoveRefused(WRONG_CREDENTIALS)
    if account.moved_at is not None:
        raise MoveRefused(_("Uprawnienia z tego konta SSOZ I zostały już przeniesione."))
    try:
        institution = get_institution(account.institution_key)
    except LookupError:
        raise MoveRefused(_("Instytucji tego konta nie ma już w systemie.")) from None
    profile, _created = Profile.objects.get_or_create(user=user, **institution.profile_lookup())
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    added = []
    for code in account.role_codes:
        _role, made = ProfileRole.objects.get_or_create(profile=profile, role=code)
        if made:
            added.append(code)
    profile.status_changed_at = timezone.now()
    profile.version += 1
    profile.save(update_fields=["status_changed_at", "version"])
    account.moved_at, account.moved_to = timezone.now(), user
    account.save(update_fields=["moved_at", "moved_to"])
    log_event(
        profile,
        MOVED,
        user=user,
        profile=profile,
        data={"login": account.login, "roles": account.role_codes, "added": added},
    )
    return profile
