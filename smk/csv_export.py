"""CSV exports for Polish Excel: UTF-8 with BOM, ``;`` between columns, a header row.

Rows are read in chunks and streamed, so memory stays flat however many rows there are, and a
cell starting with =, +, -, @ is prefixed with ' so a spreadsheet never runs it as a formula
(names and justifications come from users).
"""

import csv
from collections.abc import Callable, Iterable

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """csv.writer writes into this and gets the line back, to stream it."""

    def write(self, line):
        return line


def csv_lines(header: Iterable, rows: Iterable, row_values: Callable) -> Iterable[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([str(label) for label in header])
    if hasattr(rows, "iterator"):
        rows = rows.iterator(chunk_size=500)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row_values(row)])


def csv_response(filename: str, header: Iterable, rows: Iterable, row_values: Callable):
    response = StreamingHttpResponse(
        csv_lines(header, rows, row_values), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
