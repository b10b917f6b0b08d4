"""What a stored date or text may be, written once for forms, API schemas, services and the database.

**Dates lie in 1900–2200.** Every date a person enters (a meeting's day, a commitment's due
and review dates, a milestone, a planner request's window, a forum session) is a date of
diplomacy in living memory or its foreseeable future. The range is wide enough for history
(the registry's oldest membership, the UN's, starts in 1945) and for any plan, and narrow
enough that date arithmetic never leaves Python's range: a commitment due 9999-12-31 made
its deadline (the next midnight) overflow, and every page that showed it answered 500.

**Text holds no control characters.** NUL cannot be stored by PostgreSQL (it answered 500),
and the other C0/C1 controls, lone surrogates and the non-characters U+FFFE/U+FFFF are not
allowed in XML 1.0, so one of them in a commitment broke the Atom feed for every reader.
Tab, line feed and carriage return are text. Input with any other is refused, naming the
field; output formats that must stay well-formed (Atom, iCalendar, CSV) pass stored text
through :func:`printable` as well, for rows written before this rule or around it.

**CSV cells are not formulas.** A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is run as a formula by spreadsheet programs (OWASP "CSV injection");
:func:`spreadsheet_cell` prefixes it with an apostrophe, which they display as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field

if TYPE_CHECKING:
    from django.db.models import CheckConstraint

__all__ = [
    "BLANK",
    "EARLIEST",
    "LATEST",
    "Day",
    "InvalidValueError",
    "Name",
    "Text",
    "Year",
    "Zone",
    "check_date",
    "check_text",
    "control_character",
    "date_in_range",
    "date_pattern",
    "date_validators",
    "printable",
    "spreadsheet_cell",
    "spreadsheet_row",
    "year_in_range",
    "year_validators",
]

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)

# C0 controls but tab, LF and CR; DEL and the C1 controls; lone surrogates (JSON's "\ud800"
# decodes to one, and no database or encoder takes it); the XML non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class InvalidValueError(ValueError):
    """A value outside what may be stored; ``field`` names it, ``code`` is stable."""

    def __init__(self, code: str, message: str, *, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def control_character(text: str) -> str | None:
    """Return the first forbidden control character of ``text`` as ``U+XXXX``, or None.

    >>> control_character("line one\\nline two"), control_character("a\\x00b")
    (None, 'U+0000')
    """
    found = _CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def check_text(value: str, *, field: str) -> str:
    """Return ``value`` if it holds no control character, else raise naming ``field``.

    >>> check_text("Joint working group", field="title")
    'Joint working group'
    >>> check_text("a\\x07b", field="title")
    Traceback (most recent call last):
    ...
    sideline.validators.InvalidValueError: title: remove the control character U+0007
    """
    character = control_character(value)
    if character is not None:
        raise InvalidValueError(
            "control_character", f"{field}: remove the control character {character}", field=field
        )
    return value


def check_date(value: date, *, field: str) -> date:
    """Return ``value`` if it lies in ``EARLIEST``–``LATEST``, else raise naming ``field``.

    >>> check_date(date(9999, 12, 31), field="due_date")
    Traceback (most recent call last):
    ...
    sideline.validators.InvalidValueError: due_date: give a date from 1900-01-01 to 2200-12-31
    """
    if not EARLIEST <= value <= LATEST:
        raise InvalidValueError(
            "date_out_of_range",
            f"{field}: give a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}",
            field=field,
        )
    return value


def _at_least(shape: str) -> str:
    # The strings of ``shape``'s form (a digit where it has one, else the same character)
    # that sort at or after it; _at_most: at or before it.
    if not shape:
        return ""
    head, rest = shape[0], shape[1:]
    if not head.isdigit():
        return head + _at_least(rest)
    if set(rest) <= set("0-"):
        return f"[{head}-9]" + _any(rest)
    higher = f"|[{int(head) + 1}-9]{_any(rest)}" if head != "9" else ""
    return f"(?:{head}{_at_least(rest)}{higher})"


def _at_most(shape: str) -> str:
    if not shape:
        return ""
    head, rest = shape[0], shape[1:]
    if not head.isdigit():
        return head + _at_most(rest)
    if set(rest) <= set("9-"):
        return f"[0-{head}]" + _any(rest)
    lower = f"|[0-{int(head) - 1}]{_any(rest)}" if head != "0" else ""
    return f"(?:{head}{_at_most(rest)}{lower})"


def _any(shape: str) -> str:
    return "".join("[0-9]" if c.isdigit() else c for c in shape)


def _between(low: str, high: str) -> str:
    common = 0
    while common < len(low) and low[common] == high[common]:
        common += 1
    if common == len(low):
        return low
    # Only digits and "-", which ECMA-262's unicode mode refuses to see escaped.
    prefix, a, b = low[:common], int(low[common]), int(high[common])
    rest_low, rest_high = low[common + 1 :], high[common + 1 :]
    parts = [f"{a}{_at_least(rest_low)}"]
    if b - a > 1:
        parts.append(f"[{a + 1}-{b - 1}]{_any(rest_low)}")
    parts.append(f"{b}{_at_most(rest_high)}")
    return f"{prefix}(?:{'|'.join(parts)})"


def date_pattern(first: date, last: date) -> str:
    """Return a regular expression for the ``YYYY-MM-DD`` strings from ``first`` to ``last``.

    JSON Schema bounds a formatted string only with ``formatMinimum``/``formatMaximum``,
    which few tools read (schemathesis generates dates from year 1 to 9999 regardless), while
    every validator and generator reads ``pattern``. ISO dates sort as text, so the range is
    one of text; beside ``"format": "date"`` the pattern bounds valid dates exactly. No
    library builds range expressions over a fixed shape with separators, hence by hand.

    >>> import re
    >>> pattern = re.compile(date_pattern(date(1945, 10, 24), date(2026, 12, 3)))
    >>> [bool(pattern.match(d)) for d in ("1945-10-23", "1945-10-24", "2026-12-03", "2026-12-04")]
    [False, True, True, False]
    """
    if first > last:
        raise ValueError(f"first {first} is after last {last}")
    return f"^{_between(first.isoformat(), last.isoformat())}$"


def printable(text: str) -> str:
    """Replace each forbidden control character by U+FFFD, so XML and iCalendar stay valid.

    >>> printable("due\\x00 soon\\x1b[31m")
    'due\\ufffd soon\\ufffd[31m'
    """
    return _CONTROL.sub("\ufffd", text)


def spreadsheet_cell(value: object) -> object:
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula.

    Numbers pass as they are (a negative number is not a formula); text starting with
    ``= + - @``, a tab or a carriage return gets a leading apostrophe.

    >>> spreadsheet_cell('=HYPERLINK("http://evil.example","x")')
    '\\'=HYPERLINK("http://evil.example","x")'
    >>> spreadsheet_cell(-3), spreadsheet_cell("-3"), spreadsheet_cell("plain")
    (-3, "'-3", 'plain')
    """
    if not isinstance(value, str):
        return value
    text = printable(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


# Django is imported inside the functions below: the pure cores (the planner's instance
# reader) use this module's range and checks without importing Django.


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    """Return a CSV row of :func:`spreadsheet_cell` values: every CSV export writes through it.

    >>> spreadsheet_row(["@SUM(A1)", 2, None])
    ["'@SUM(A1)", 2, None]
    """
    return [spreadsheet_cell(value) for value in values]


def date_in_range(field: str, *, name: str) -> CheckConstraint:
    """Return the database constraint keeping the date column ``field`` in range.

    A NULL passes: an optional date left empty is not out of range.
    """
    from django.db.models import CheckConstraint, Q

    return CheckConstraint(
        condition=Q(**{f"{field}__gte": EARLIEST, f"{field}__lte": LATEST})
        | Q(**{f"{field}__isnull": True}),
        name=name,
    )


def year_in_range(field: str, *, name: str) -> CheckConstraint:
    """Return the database constraint keeping the year column ``field`` in range."""
    from django.db.models import CheckConstraint, Q

    return CheckConstraint(
        condition=Q(**{f"{field}__gte": EARLIEST.year, f"{field}__lte": LATEST.year}), name=name
    )


def date_validators() -> list[Any]:
    """Return validators for model and form date fields; Django's messages name the limit."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    return [MinValueValidator(EARLIEST), MaxValueValidator(LATEST)]


def year_validators() -> list[Any]:
    """Return validators for model and form year fields."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    return [MinValueValidator(EARLIEST.year), MaxValueValidator(LATEST.year)]


def _checked_text(value: str) -> str:
    character = control_character(value)
    if character is not None:
        # pydantic prefixes the field's location; the API's handler names the field.
        raise ValueError(f"remove the control character {character}")
    return value


# For ninja/pydantic schemas. JSON Schema has no bounds for a "date" string, so the range
# is declared with the `formatMinimum`/`formatMaximum` keywords (JSON Schema's proposal that
# ajv reads), in the description, and as a `pattern` for the tools that ignore those
# keywords (schemathesis); pydantic enforces it before a view runs.
Day = Annotated[
    date,
    Field(
        ge=EARLIEST,
        le=LATEST,
        description=f"a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}",
        json_schema_extra={
            "formatMinimum": EARLIEST.isoformat(),
            "formatMaximum": LATEST.isoformat(),
            "pattern": date_pattern(EARLIEST, LATEST),
        },
    ),
]
Year = Annotated[
    int,
    Field(ge=EARLIEST.year, le=LATEST.year, description=f"{EARLIEST.year} to {LATEST.year}"),
]
# The pattern tells clients what the validator refuses; the validator's message names the
# character, which a failed pattern would not.
Text = Annotated[
    str,
    AfterValidator(_checked_text),
    Field(
        json_schema_extra={
            "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
        }
    ),
]


def _blank_class() -> str:
    # What str.strip() removes, less the control characters Text refuses anyway: the
    # services strip names before refusing an empty one, so the pattern must use the same set.
    spaces = [c for c in map(chr, range(0x110000)) if c.isspace() and not _CONTROL.match(c)]
    return "".join(f"\\u{ord(c):04x}" for c in spaces)


_TEXT_CLASS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
# A title or name: Text with at least one character that is not white space. The services
# refuse a blank one with their own message; the pattern declares it.
BLANK = _blank_class()
Name = Annotated[
    str,
    AfterValidator(_checked_text),
    Field(
        json_schema_extra={
            "pattern": f"^[^{_TEXT_CLASS}]*[^{_TEXT_CLASS}{BLANK}][^{_TEXT_CLASS}]*$"
        },
    ),
]


# An IANA time zone as the services check it (zoneinfo), or empty for "the default". The
# list is the document's enum: a name outside it is refused, which no pattern could say.
Zone = Annotated[
    str,
    Field(
        description="an IANA time zone such as Europe/Vienna; empty: the default",
        json_schema_extra={"enum": ["", *sorted(available_timezones())]},
    ),
]
