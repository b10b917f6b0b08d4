"""Pages of preventive diplomacy: the monitor, signals with their skill, concerns."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from sideline.prevention.charts import columns_svg
from sideline.prevention.codes import CENTRAL_ASIA, REGION
from sideline.prevention.exports import dumps, monitor_csv, monitor_json
from sideline.prevention.selectors import Monitor, known_state, monitor, signal_skill
from sideline.prevention.series import month_label, type_name

_CODE = re.compile(r"[A-Za-z]{3}")


def _state_or_404(code: str) -> str:
    state = known_state(code)
    if state is None:
        raise Http404(f"no state {code!r}")
    return state


def _charts(m: Monitor) -> dict[str, str]:
    charts = {}
    if m.yearly:
        charts["yearly"] = columns_svg(
            [(str(y), d) for y, d in m.yearly.items()],
            title=f"{m.name}: state-based deaths per year",
            id_prefix="yearly",
            every=5,
        )
    if m.monthly:
        charts["monthly"] = columns_svg(
            [(month_label(i), d) for i, d in m.monthly],
            title=f"{m.name}: state-based deaths per month",
            id_prefix="monthly",
            every=24,
        )
    return charts


class MonitorIndexView(View):
    """Central Asia and its neighbours at a glance; any state by its code."""

    def get(self, request: HttpRequest) -> HttpResponse:
        code = request.GET.get("state", "").strip()
        if code:
            from django.shortcuts import redirect

            if not _CODE.fullmatch(code):
                raise Http404(f"no state {code!r}")
            return redirect("prevention:state", code=code.upper())
        rows = []
        for state in REGION:
            m = monitor(state)
            last_year = max(m.yearly) if m.yearly else None
            rows.append(
                {
                    "monitor": m,
                    "central": state in CENTRAL_ASIA,
                    "last_year": last_year,
                    "last_year_deaths": m.yearly.get(last_year, 0.0) if last_year else None,
                    "raised": [s.rule for s in m.signals if s.raised],
                }
            )
        return render(request, "prevention/index.html", {"rows": rows})


class MonitorStateView(View):
    """One state's record, its limits, its signals with their evidence and skill."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        state = _state_or_404(code)
        m = monitor(state)
        fmt = request.GET.get("format")
        if fmt == "csv":
            response = HttpResponse(monitor_csv(m), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="conflict-{state}.csv"'
            return response
        if fmt == "json":
            response = HttpResponse(dumps(monitor_json(m)), content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="conflict-{state}.json"'
            return response
        skill: dict[str, list[Any]] = {}
        scope = "central_asia_afghanistan" if state in (*CENTRAL_ASIA, "AFG") else None
        if scope:
            for score in signal_skill():
                if score.scope == scope:
                    skill.setdefault(score.name, []).append(score)
        context = {
            "m": m,
            "charts": _charts(m),
            "episodes": [(e, type_name(e.conflict_type)) for e in m.episodes],
            "monthly_rows": [(month_label(i), d) for i, d in (m.monthly or [])[-24:]][::-1],
            "skill": skill,
            "central": state in CENTRAL_ASIA,
        }
        return render(request, "prevention/state.html", context)
