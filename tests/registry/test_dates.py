from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sideline.registry.dates import DatePrecision, Interval, PartialDate, PartialDateError


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("1994", date(1994, 1, 1), date(1994, 12, 31), DatePrecision.YEAR),
        ("1994-05", date(1994, 5, 1), date(1994, 5, 31), DatePrecision.MONTH),
        ("2012-02", date(2012, 2, 1), date(2012, 2, 29), DatePrecision.MONTH),
        ("1994-05-27", date(1994, 5, 27), date(1994, 5, 27), DatePrecision.DAY),
    ],
)
def test_partial_date_parse_keeps_precision(
    text: str, first: date, last: date, precision: DatePrecision
) -> None:
    parsed = PartialDate.parse(text)

    assert (parsed.first_day, parsed.last_day, parsed.precision, str(parsed)) == (
        first,
        last,
        precision,
        text,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("94", "'94' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("1994-5", "'1994-5' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("1994-13", "'1994-13' is not a real date: month must be in 1..12"),
        ("2013-02-29", "'2013-02-29' is not a real date: day is out of range for month"),
        ("", "'' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_partial_date_parse_invalid_raises_with_reason(text: str, message: str) -> None:
    with pytest.raises(PartialDateError) as raised:
        PartialDate.parse(text)

    assert str(raised.value) == message


def test_interval_in_force_year_precision_counts_from_first_day() -> None:
    interval = Interval(PartialDate.parse("1994"), PartialDate.parse("2012"))

    assert [
        interval.in_force(day)
        for day in (date(1993, 12, 31), date(1994, 1, 1), date(2011, 12, 31), date(2012, 1, 1))
    ] == [
        False,
        True,
        True,
        False,
    ]


def test_interval_in_force_end_day_is_exclusive() -> None:
    interval = Interval(PartialDate.parse("2006-08-16"), PartialDate.parse("2012-12-19"))

    assert (interval.in_force(date(2012, 12, 18)), interval.in_force(date(2012, 12, 19))) == (
        True,
        False,
    )


def test_interval_open_end_lasts() -> None:
    assert Interval(PartialDate.parse("2002-10")).in_force(date(2100, 1, 1)) is True


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (("1992", "1999"), ("1999", ""), False),  # touching: one ends the day the other starts
        (("1992", "1999-06"), ("1999", ""), True),
        (("2006", ""), ("1992", "1999"), False),
        (("2006", ""), ("2012", ""), True),
    ],
)
def test_interval_overlaps_half_open(
    first: tuple[str, str], second: tuple[str, str], expected: bool
) -> None:
    def make(span: tuple[str, str]) -> Interval:
        return Interval(PartialDate.parse(span[0]), PartialDate.parse(span[1]) if span[1] else None)

    assert make(first).overlaps(make(second)) is expected
    assert make(second).overlaps(make(first)) is expected


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(["year", "month", "day"]))
def test_partial_date_text_round_trips(day: date, precision: str) -> None:
    text = {"year": f"{day:%Y}", "month": f"{day:%Y-%m}", "day": day.isoformat()}[precision]

    assert str(PartialDate.parse(text)) == text
