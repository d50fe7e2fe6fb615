"""Polish identifiers validated by their checksums (python-stdnum)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip, pesel, regon


def validate_nip(value: str) -> None:
    try:
        nip.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Niepoprawny NIP: podaj 10 cyfr z prawidłową cyfrą kontrolną."), code="invalid_nip"
        ) from None


def validate_regon(value: str) -> None:
    try:
        regon.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Niepoprawny REGON: podaj 9 lub 14 cyfr z prawidłową cyfrą kontrolną."),
            code="invalid_regon",
        ) from None


def validate_pesel(value: str) -> None:
    if not pesel.is_valid(value):
        raise ValidationError(
            _("Niepoprawny PESEL: podaj 11 cyfr z prawidłową cyfrą kontrolną."),
            code="invalid_pesel",
        )
