"""An independent checker of `sideline.plan/1` plans, written apart from constraints.py.

It reads the raw JSON of an instance and of a plan (not the dataclasses) and expands
every meeting into the unit cells it occupies, so that any double use of a room cell or
an organization cell shows up as a repeated key. Tests use it to judge the solver.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any


def _days(session: dict[str, Any]) -> set[str]:
    start = dt.date.fromisoformat(session["start"])
    end = dt.date.fromisoformat(session["end"])
    return {(start + dt.timedelta(days=n)).isoformat() for n in range((end - start).days + 1)}


def validate_plan(instance: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Return a list of broken rules (empty when the plan is valid)."""
    errors: list[str] = []
    orgs = instance["organizations"]
    venues = {s["id"]: {**s, "attendees": s["attendees"]} for s in instance["sessions"]}
    for summit in instance.get("summits", []):
        venues[summit["id"]] = {**summit, "attendees": orgs, "summit": True}
    requests = {r["id"]: r for r in instance["requests"]}
    rules = instance.get("rules", {})
    cap = rules.get("max_meetings_per_org_per_day")
    room_cells: Counter[tuple[str, str, int, int]] = Counter()
    org_cells: Counter[tuple[str, str, int]] = Counter()
    org_days: Counter[tuple[str, str]] = Counter()
    org_cities: dict[tuple[str, str], set[str]] = {}
    seen: Counter[str] = Counter()
    for meeting in plan["meetings"]:
        rid = meeting["request"]
        seen[rid] += 1
        request = requests.get(rid)
        venue = venues.get(meeting["session"])
        if request is None or venue is None:
            errors.append(f"unknown request or session in {meeting}")
            continue
        length = request.get("slots", 1)
        if sorted(meeting["organizations"]) != sorted(request["organizations"]):
            errors.append(f"{rid}: organizations differ from the request")
        if not set(request["organizations"]) <= set(venue["attendees"]):
            errors.append(f"attendance: {rid} at {venue['id']}")
        day = meeting["date"]
        if day not in _days(venue):
            errors.append(f"window: {rid} on {day} is not a day of {venue['id']}")
        if "not_before" in request and day < request["not_before"]:
            errors.append(f"window: {rid} before not_before")
        if "not_after" in request and day > request["not_after"]:
            errors.append(f"window: {rid} after not_after")
        if meeting["slot"] < 0 or meeting["slot"] + length > venue["slots_per_day"]:
            errors.append(f"day: {rid} does not fit in the day")
        if not 0 <= meeting["room"] < venue["rooms"]:
            errors.append(f"room: {rid} room {meeting['room']} does not exist")
        for k in range(meeting["slot"], meeting["slot"] + length):
            room_cells[(venue["id"], day, meeting["room"], k)] += 1
            for org in request["organizations"]:
                org_cells[(org, day, k)] += 1
        for org in request["organizations"]:
            org_days[(org, day)] += 1
            org_cities.setdefault((org, day), set()).add(venue["city"])
        if venue.get("summit"):
            for session in instance["sessions"]:
                if (
                    set(request["organizations"]) <= set(session["attendees"])
                    and any(
                        request.get("not_before", "0000") <= d <= request.get("not_after", "9999")
                        for d in _days(session)
                    )
                    and length <= session["slots_per_day"]
                ):
                    errors.append(f"summit: {rid} could be at {session['id']}")
                    break
        chairs = meeting.get("co_chairs", [])
        if rules.get("co_chairs", True) and (
            len(set(chairs)) != 2 or not set(chairs) <= set(request["organizations"])
        ):
            errors.append(f"co_chairs: {rid} has {chairs}")
    errors += [f"once: {r} placed {n} times" for r, n in seen.items() if n > 1]
    errors += [f"room: {cell} used {n} times" for cell, n in room_cells.items() if n > 1]
    errors += [f"delegation: {cell} used {n} times" for cell, n in org_cells.items() if n > 1]
    if cap is not None:
        errors += [f"daily_cap: {k} has {n}" for k, n in org_days.items() if n > cap]
    if rules.get("travel", True):
        errors += [f"travel: {k} in {sorted(c)}" for k, c in org_cities.items() if len(c) > 1]
    placed = {m["request"]: m for m in plan["meetings"]}
    for pin in instance.get("pinned", []):
        got = placed.get(pin["request"])
        if got is None or [got[k] for k in ("session", "date", "slot", "room")] != [
            pin[k] for k in ("session", "date", "slot", "room")
        ]:
            errors.append(f"pinned: {pin['request']} not as pinned")
    objective = sum(requests[m["request"]].get("priority", 1) for m in plan["meetings"])
    objective -= sum(
        s.get("cost", 0) for s in instance.get("summits", []) if s["id"] in plan.get("summits", [])
    )
    if plan["status"] != "unknown" and objective != plan["objective"]:
        errors.append(f"objective: plan says {plan['objective']}, meetings give {objective}")
    unplaced = {u["request"] for u in plan["unplaced"]}
    if unplaced != set(requests) - set(placed):
        errors.append("unplaced: does not list exactly the requests not placed")
    return errors
