"""Every CSV the app writes goes through ``csv_response``: one writer, one rule for cells.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some run
one starting with a tab or a carriage return) as a formula, so a verdict label
``=HYPERLINK(…)`` or a person named ``+1…`` in a download would run on the desk's
computer (CSV injection). Every such cell, the header row's included, is written with a
leading ``'``, which spreadsheets show as text. Numbers stay numbers: a cell that is a
Python ``int`` or ``float`` (a count of -3) is written as it is; any string is text and
is neutralised, whatever it looks like.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str | int | float:
    """One cell as it may be written: numbers as they are, anything else as safe text."""
    if isinstance(value, int | float):
        return value
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(
    filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A CSV download named ``filename``: the header row, then the rows, every cell safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([cell(value) for value in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return response
