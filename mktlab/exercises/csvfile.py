"""CSV files that are safe to open in a spreadsheet: every CSV the grader writes goes through here.

Instructors open ``gradebook.csv``, ``lms.csv`` and ``manual_scores.csv`` in
Excel, WPS or LibreOffice, which run a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula.  Students control some of that text (answers,
folder names, notebook paths), so, as OWASP's advice on CSV injection says, a
text cell that could start a formula gets a leading single quote and is shown
as plain text.  Numbers are left as they are.

The quote is also put before text that already starts with one, so that
:func:`from_spreadsheet` can always give back the original text: a file the
instructor edits reads back exactly (see :func:`read_csv`).
"""
from __future__ import annotations

import csv
import io
import re

__all__ = ["spreadsheet_safe", "from_spreadsheet", "csv_text", "read_csv"]

#: First characters that make a spreadsheet read a cell as a formula (with their full-width forms).
FORMULA_STARTS = "=+-@\t\r\n\0＝＋－＠"
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(cell):
    """``cell`` as text that a spreadsheet shows as it is and never runs as a formula.

    Examples
    --------
    >>> spreadsheet_safe('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> [spreadsheet_safe(c) for c in ["-1.5", 2, "", "+cmd|' /c calc'!A0", "＝1+1", " @SUM(A1)", "'quoted", "王 丽"]]
    ['-1.5', '2', '', "'+cmd|' /c calc'!A0", "'＝1+1", "' @SUM(A1)", "''quoted", '王 丽']
    """
    text = str(cell)
    if _NUMBER.fullmatch(text):
        return text
    first, first_visible = text[:1], text.lstrip()[:1]
    if first and (first in FORMULA_STARTS + "'" or first_visible and first_visible in FORMULA_STARTS):
        return "'" + text
    return text


def from_spreadsheet(cell):
    """The original text of a cell written by :func:`spreadsheet_safe`.

    Examples
    --------
    >>> [from_spreadsheet(spreadsheet_safe(c)) for c in ["=1+1", "'quoted", "-2", "ann"]]
    ['=1+1', "'quoted", '-2', 'ann']
    """
    return cell[1:] if cell.startswith("'") else cell


def csv_text(rows):
    """CSV text of ``rows`` (the first is the header), every cell made spreadsheet-safe.

    Examples
    --------
    >>> print(csv_text([["student", "answer"], ["=evil", "@SUM(1)"], ["ann", 1.5]]))
    student,answer
    '=evil,'@SUM(1)
    ann,1.5
    <BLANKLINE>
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def read_csv(text):
    """The rows of CSV ``text`` as dicts keyed by the header, each cell back to its original text.

    Examples
    --------
    >>> read_csv(csv_text([["student", "points"], ["=evil", "2"]]))
    [{'student': '=evil', 'points': '2'}]
    """
    return [{key: from_spreadsheet(value or "") for key, value in row.items() if key is not None}
            for row in csv.DictReader(io.StringIO(text))]
