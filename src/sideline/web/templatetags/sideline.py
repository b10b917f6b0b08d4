"""Template helpers shared by every app's pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.http import HttpRequest
from django.utils import translation

from sideline.localization import format_date, format_list, format_number

register = template.Library()


@register.filter
def path_without_language(request: HttpRequest) -> str:
    """Return the request's path and query without ``lang=``: the header's language menu
    sends the reader back there, and a ``lang`` left in it would undo the switch."""
    kept = request.GET.copy()
    kept.pop("lang", None)
    query = kept.urlencode()
    return f"{request.path}?{query}" if query else request.path


@register.filter
def localized(obj: object, field: str) -> str:
    """Return ``obj.<field>_ru`` under Russian, else ``obj.<field>_en``."""
    suffix = "ru" if translation.get_language() == "ru" else "en"
    return str(getattr(obj, f"{field}_{suffix}", "") or getattr(obj, f"{field}_en", ""))


@register.filter
def label(value: object, labels: dict[str, str]) -> str:
    """Return the display label of a stored choice value, or the value itself."""
    return str(labels.get(str(value), value))


def _language() -> str:
    return translation.get_language() or "en"


@register.filter
def ldate(value: dt.date | None, style: str = "long") -> str:
    """Return a date as the active language writes it (``{{ day|ldate }}``)."""
    return "" if value is None else format_date(value, language=_language(), style=style)


@register.filter
def lnumber(value: float | None) -> str:
    """Return a number with the active language's digits and separators."""
    return "" if value is None else format_number(value, language=_language())


@register.filter
def llist(values: Iterable[object], attribute: str = "") -> str:
    """Join names (or each value's ``attribute``) as the active language joins a list:
    "A, B and C", "A、B和C" (``{{ session.attendees.all|llist:"abbreviation" }}``)."""
    texts = [str(getattr(v, attribute) if attribute else v) for v in values]
    return format_list(texts, language=_language()) if texts else ""
