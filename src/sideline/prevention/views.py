"""Pages of preventive diplomacy: the monitor, signals with their skill, concerns."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sideline.accounts.permissions import acts_for, can_coordinate, organization_id_of
from sideline.error_text import error_text
from sideline.prevention import services
from sideline.prevention.charts import columns_svg
from sideline.prevention.codes import CENTRAL_ASIA, REGION
from sideline.prevention.evidence_text import evidence_line
from sideline.prevention.exports import (
    concern_rows,
    concerns_csv,
    dumps,
    monitor_csv,
    monitor_json,
)
from sideline.prevention.forms import ConcernForm
from sideline.prevention.selectors import (
    Monitor,
    consultation_outcome,
    known_state,
    monitor,
    signal_skill,
    suggest_for_concern,
    suggest_for_signals,
    visible_concerns,
)
from sideline.prevention.series import month_label, type_name

_CODE = re.compile(r"[A-Za-z]{3}")

# The rules' names for people; the core's identifiers stay in exports and the API.
RULE_LABELS = {
    "above_base_rate": gettext_lazy("Deaths above the state's own base rate"),
    "new_conflict_year": gettext_lazy("A new conflict-year"),
    "neighbour_fighting": gettext_lazy("Fighting in a neighbour"),
    "forecast_above_threshold": gettext_lazy("A published forecast above the threshold"),
}


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
            "rule_labels": RULE_LABELS,
            "evidence": {s.rule: [evidence_line(e) for e in s.evidence] for s in m.signals},
            "central": state in CENTRAL_ASIA,
        }
        return render(request, "prevention/state.html", context)


# --- concerns ---------------------------------------------------------------------------


def _fail(request: HttpRequest, error: services.ConcernError) -> None:
    messages.error(request, error_text(error))


class ConcernListView(View):
    """Open concerns with their consultation and outcome; the form to raise one."""

    def get(self, request: HttpRequest) -> HttpResponse:
        fmt = request.GET.get("format")
        if fmt in {"csv", "json"}:
            rows = concern_rows(visible_concerns(request.user))
            if fmt == "csv":
                response = HttpResponse(concerns_csv(rows), content_type="text/csv; charset=utf-8")
            else:
                response = HttpResponse(dumps(rows), content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="concerns.{fmt}"'
            return response
        return self.render(request, ConcernForm())

    def render(self, request: HttpRequest, form: ConcernForm, status: int = 200) -> HttpResponse:
        user = request.user
        day = timezone.localdate()
        rows = []
        for concern in visible_concerns(user):
            outcome = (
                consultation_outcome(year=concern.request_year, key=concern.request_key, user=user)
                if concern.request_key and concern.request_year
                else None
            )
            rows.append({"concern": concern, "outcome": outcome})
        org = services.acting_organization(user)
        context = {
            "rows": rows,
            "form": form,
            "organization": org,
            "can_raise": org is not None and acts_for(user, organization_id_of(user)),
            "coordinator": can_coordinate(user),
            "signal_suggestions": suggest_for_signals(day=day) if can_coordinate(user) else [],
        }
        return render(request, "prevention/concerns.html", context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if request.POST.get("action") == "consult-signal":
            try:
                key = services.place_signal_consultation(
                    actor=request.user,
                    state=request.POST.get("state", ""),
                    organizations=request.POST.getlist("organizations"),
                    priority=int(request.POST.get("priority", "50") or 50),
                )
            except (services.ConcernError, ValueError) as error:
                if isinstance(error, services.ConcernError):
                    _fail(request, error)
                else:
                    messages.error(request, _("priority: give a whole number"))
            else:
                messages.success(
                    request, _("Meeting request %(key)s added to the planner.") % {"key": key}
                )
            return redirect("prevention:concerns")
        form = ConcernForm(request.POST)
        org = services.acting_organization(request.user)
        if not form.is_valid() or org is None:
            if org is None:
                form.add_error(None, _("You act for no organization; ask to be given a role."))
            return self.render(request, form, status=400)
        try:
            concern = services.raise_concern(
                actor=request.user,
                organization=org,
                state=form.cleaned_data["state"],
                other_state=form.cleaned_data["other_state"] or None,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                sources=form.source_lines(),
                severity=form.cleaned_data["severity"],
                concerned=form.cleaned_data["concerned"],
                public=form.cleaned_data["public"],
            )
        except services.ConcernError as error:
            form.add_error(None, error.message)
            return self.render(request, form, status=error.status if error.status != 404 else 400)
        return redirect("prevention:concern", pk=concern.pk)


class ConcernDetailView(View):
    """One concern: its text, sources, endorsements, suggested consultation and outcome."""

    def concern(self, request: HttpRequest, pk: int) -> Any:
        return get_object_or_404(visible_concerns(request.user), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        concern = self.concern(request, pk)
        user = request.user
        outcome = (
            consultation_outcome(year=concern.request_year, key=concern.request_key, user=user)
            if concern.request_key and concern.request_year
            else None
        )
        org = services.acting_organization(user)
        endorsed = {e.organization.slug for e in concern.endorsements.all()}
        context = {
            "concern": concern,
            "outcome": outcome,
            "suggestion": suggest_for_concern(concern, day=timezone.localdate()),
            "coordinator": can_coordinate(user),
            "can_endorse": org is not None
            and org != concern.organization.slug
            and org not in endorsed
            and acts_for(user, organization_id_of(user)),
            "can_close": acts_for(user, concern.organization_id),
            "organization": org,
        }
        return render(request, "prevention/concern.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        concern = self.concern(request, pk)
        action = request.POST.get("action")
        try:
            if action == "endorse":
                services.endorse_concern(
                    actor=request.user,
                    concern=concern,
                    organization=services.acting_organization(request.user) or "",
                    note=request.POST.get("note", ""),
                )
            elif action == "close":
                services.close_concern(actor=request.user, concern=concern)
            elif action == "consult":
                services.place_consultation(
                    actor=request.user,
                    concern=concern,
                    organizations=request.POST.getlist("organizations"),
                    priority=int(request.POST.get("priority") or 50),
                )
            else:
                messages.error(request, _("Unknown action."))
        except services.ConcernError as error:
            _fail(request, error)
        except ValueError:
            messages.error(request, _("priority: give a whole number"))
        return redirect("prevention:concern", pk=concern.pk)
