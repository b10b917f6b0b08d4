"""Template filters of the planner pages: reasons and rules in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from sideline.planner.texts import reason_text, rule_text

register = template.Library()


@register.filter(name="reason")
def reason(value: Mapping[str, Any]) -> str:
    """Render a stored unplaced reason (`{{ r|reason }}`)."""
    return reason_text(value)


@register.filter(name="rule")
def rule(value: str) -> str:
    """Render a constraint's name as its meaning (`{{ v.constraint|rule }}`)."""
    return rule_text(value)
