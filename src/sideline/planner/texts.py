"""The planner's reasons and rules in the reader's language.

The pure core writes its explanations (`explain.py`) and rule violations
(`constraints.py`) in English, with the facts beside them as data: a reason has a
`code` and `details`, a violation the name of its constraint. Pages render them here
from that data through gettext, so a Russian page says why in Russian; an unknown code
(a plan stored by a newer version) falls back to the core's English message. The API
keeps the core's English `message` next to the code and details.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sideline.localization import format_list
from sideline.planner.ical import CalendarWords

__all__ = ["RULES", "calendar_words", "reason_text", "rule_text"]

_SHOWN = 3

RULES: Mapping[str, Any] = {
    "reference": gettext_lazy("a meeting names a known request and venue and copies it"),
    "once": gettext_lazy("a request is placed at most once"),
    "attendance": gettext_lazy("the venue is attended by all the request's organizations"),
    "window": gettext_lazy("the date is a day of the venue inside the request's window"),
    "day_bounds": gettext_lazy("the meeting's consecutive slots fit in one day"),
    "room": gettext_lazy("a room exists and holds one meeting at a time"),
    "delegation": gettext_lazy("an organization sits in one meeting at a time"),
    "daily_cap": gettext_lazy("an organization has at most the daily cap of meetings a day"),
    "travel": gettext_lazy("an organization meets in one city a day"),
    "pinned": gettext_lazy("pinned meetings hold exactly as pinned"),
    "summit_need": gettext_lazy("a summit hosts only requests no sideline session can"),
    "co_chairs": gettext_lazy("each meeting names two distinct co-chairs among its organizations"),
    "floor": gettext_lazy("each organization has at least the minimum number of meetings"),
}
"""Each constraint of `constraints.CONSTRAINTS`, by name, in the reader's language."""


def _names(items: Sequence[Any]) -> str:
    shown = ", ".join(str(item) for item in items[:_SHOWN])
    if len(items) <= _SHOWN:
        return shown
    return _("%(shown)s and %(count)s more") % {"shown": shown, "count": len(items) - _SHOWN}


def _window(details: Mapping[str, Any]) -> str:
    return _("between %(start)s and %(end)s") % {
        "start": details.get("not_before") or _("any date"),
        "end": details.get("not_after") or _("any date"),
    }


def reason_text(reason: Mapping[str, Any]) -> str:
    """Return why a request is unplaced, from a stored reason's `code` and details.

    Example:
        >>> reason_text({"code": "rooms_full", "session": "unga-68",
        ...              "meetings": ["a", "b"], "message": "…"})
        'every room of unga-68 is taken in the slots it could use, by a, b'
        >>> reason_text({"code": "from-the-future", "message": "kept as written"})
        'kept as written'
    """
    code = reason.get("code")
    d = reason
    text: str
    if code == "no_session_in_window":
        text = _("no session has a day %(window)s") % {"window": _window(d)}
    elif code == "organization_absent":
        missing: Mapping[str, Sequence[str]] = d.get("missing", {})
        parts = [
            _("%(organizations)s does not attend %(session)s")
            % {"organizations": ", ".join(orgs), "session": session}
            for session, orgs in missing.items()
        ]
        text = _("no session in its window is attended by all its organizations: %(list)s") % {
            "list": "; ".join(parts[:_SHOWN])
            + (
                ""
                if len(parts) <= _SHOWN
                else "; " + _("and %(count)s more") % {"count": len(parts) - _SHOWN}
            )
        }
    elif code == "window_has_no_session_day":
        text = _(
            "the sessions all its organizations attend (%(sessions)s) have no day in its window"
        ) % {"sessions": _names(d.get("sessions", []))}
    elif code == "too_long":
        text = _(
            "it needs %(slots)s consecutive slots; its sessions have at most %(per_day)s a day"
        ) % {"slots": d.get("slots"), "per_day": d.get("slots_per_day")}
    elif code == "free_placement_left":
        text = _(
            "it fits at %(session)s on %(date)s, slot %(slot)s; the search stopped before "
            "proving optimality or a tolerance let it go"
        ) % {"session": d.get("session"), "date": d.get("date"), "slot": int(d.get("slot", 0)) + 1}
    elif code == "rooms_full":
        text = _(
            "every room of %(session)s is taken in the slots it could use, by %(meetings)s"
        ) % {
            "session": d.get("session"),
            "meetings": _names(d.get("meetings", [])),
        }
    elif code == "organization_busy":
        text = _(
            "%(organization)s is in other meetings in the slots it could use: %(meetings)s"
        ) % {
            "organization": d.get("organization"),
            "meetings": _names(d.get("meetings", [])),
        }
    elif code == "daily_cap":
        text = _("%(organization)s already has the most meetings a day allows on %(dates)s") % {
            "organization": d.get("organization"),
            "dates": _names(d.get("dates", [])),
        }
    elif code == "travel":
        text = _("%(organization)s meets elsewhere those days: %(places)s") % {
            "organization": d.get("organization"),
            "places": _names(d.get("elsewhere", [])),
        }
    elif code == "summit_not_opened":
        text = _(
            "only a special summit could host it (%(summits)s), and opening one would not pay "
            "for its cost"
        ) % {"summits": _names(d.get("summits", []))}
    elif code == "lower_priority":
        text = _(
            "not placed for lower priority (priority %(priority)s) than competing meetings: "
            "%(meetings)s"
        ) % {"priority": d.get("priority"), "meetings": _names(d.get("meetings", []))}
    elif code == "removed_by_coordinator":
        text = _("removed from the plan by hand")
    else:
        text = str(reason.get("message", code))
    return text


def rule_text(constraint: str) -> str:
    """Return a constraint's meaning in the reader's language (its name when unknown)."""
    return str(RULES.get(constraint, constraint))


def calendar_words() -> CalendarWords:
    """Return the `.ics` feeds' own words in the active language.

    Example:
        >>> calendar_words().summit % {"summit": "cica-2014"}
        'Special summit cica-2014'
    """
    return CalendarWords(
        # Translators: the location of a meeting at a summit outside the forums' sessions.
        summit=_("Special summit %(summit)s"),
        # Translators: a venue's place in a calendar: its city, then its country.
        place=_("%(city)s, %(country)s"),
        # Translators: a meeting's location in a calendar: city, forum or summit, room number.
        location=_("%(city)s — %(where)s, room %(room)s"),
        # Translators: a calendar event's description: the planner's request id, co-chairs.
        description=_("Request %(request)s. Co-chairs: %(chairs)s."),
        # Translators: no co-chairs named, in "Co-chairs: none".
        no_chairs=_("none"),
        join=lambda names: format_list(names, language=get_language() or "en"),
    )
