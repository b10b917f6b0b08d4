"""Template helpers shared by every app's pages."""

from __future__ import annotations

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def localized(obj: object, field: str) -> str:
    """Return ``obj.<field>_ru`` under Russian, else ``obj.<field>_en``."""
    suffix = "ru" if translation.get_language() == "ru" else "en"
    return str(getattr(obj, f"{field}_{suffix}", "") or getattr(obj, f"{field}_en", ""))


@register.filter
def label(value: object, labels: dict[str, str]) -> str:
    """Return the display label of a stored choice value, or the value itself."""
    return str(labels.get(str(value), value))
