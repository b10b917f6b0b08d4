"""Template filters of the meetings pages: a meeting's title in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sideline.meetings.models import Meeting
from sideline.meetings.versions import meeting_text

register = template.Library()


@register.filter(name="meeting_title")
def meeting_title(meeting: Meeting) -> SafeString:
    """The title in the reader's language where the meeting has it, marked with its
    language (``{{ decision.meeting|meeting_title }}``)."""
    text = meeting_text(meeting)
    return format_html('<span lang="{}">{}</span>', text.language, text.title)
