"""Template helpers shared by every app's pages."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils import translation

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
