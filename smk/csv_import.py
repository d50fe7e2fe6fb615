"""CSV files people upload, as Polish Excel writes them: UTF-8 with or without a BOM, ``;``
or ``,`` between columns, a header row (the other side of :mod:`smk.csv_export`).

:func:`read_table` reads the rows with the numbers a spreadsheet shows (the header is row 1),
skips empty rows and reports a row it cannot read, so every import says which row is wrong;
what the cells must hold is the import's own business.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def decoded(upload) -> str:
    """The uploaded file's text; a file not in UTF-8 is refused, saying how to save it."""
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "Plik nie jest zapisany w kodowaniu UTF-8. W arkuszu wybierz „Zapisz jako” "
                "→ „CSV UTF-8 (rozdzielany przecinkami)”."
            ),
            code="encoding",
        ) from None


class Unreadable(Exception):
    """The file is empty or its header cannot be read."""


@dataclass
class Table:
    #: The header's column names, stripped, in lower case.
    columns: list[str]
    #: (row number, cells by column name) of every row with the header's number of cells.
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    #: (row number, message) of the rows that could not be read.
    problems: list[tuple[int, str]] = field(default_factory=list)


def _delimiter(header_line: str) -> str:
    """``;`` or ``,``: sniffed from the header line, which holds no decimal commas."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";,").delimiter
    except csv.Error:
        return ";" if header_line.count(";") >= header_line.count(",") else ","


def read_table(text: str) -> Table:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise Unreadable(_("Plik jest pusty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except (StopIteration, csv.Error):
        raise Unreadable(_("Nie udało się odczytać nagłówka pliku.")) from None
    table = Table(columns=[cell.strip().lower() for cell in header])
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(table.columns):
                table.problems.append(
                    (
                        line,
                        _("oczekiwano %(expected)d kolumn, jest %(found)d.")
                        % {"expected": len(table.columns), "found": len(cells)},
                    )
                )
                continue
            table.rows.append((line, dict(zip(table.columns, cells, strict=True))))
    except csv.Error as error:
        table.problems.append((reader.line_num, _("niepoprawny format CSV (%s).") % error))
    return table
