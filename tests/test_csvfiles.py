"""CSV downloads: every cell a spreadsheet would run as a formula is written as text,
the header row's included; numbers stay numbers (annotations/csvfiles.py). The desk's
chart downloads, the app's only CSVs, are tested in tests/test_desk_charts.py."""

from __future__ import annotations

import csv
import io

import pytest

from annotations.csvfiles import cell, csv_response

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def read(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert cell(text) == "'" + text


def test_numbers_stay_numbers_and_strings_that_look_like_them_do_not():
    assert [cell(-3), cell(2.5), cell(0), cell(None)] == [-3, 2.5, 0, ""]
    assert cell("-3") == "'-3"  # a string is text, whatever it looks like
    assert cell("Claim 1") == "Claim 1"


def test_every_cell_of_the_download_is_neutralised_header_row_included():
    response = csv_response(
        "x.csv", ["claim", *HOSTILE], [["+1", -3, 4.5, None, "=1+1", "ok", "@"]]
    )
    header, row = read(response)
    assert header == ["claim", *("'" + text for text in HOSTILE)]
    assert row == ["'+1", "-3", "4.5", "", "'=1+1", "ok", "'@"]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
