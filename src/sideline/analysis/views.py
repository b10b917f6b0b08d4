"""Analysis pages: a server-rendered SVG chart beside its data table, with downloads.

Every page reads ``?as_of=YYYY-MM-DD`` (or its own period) and answers
``?format=csv|json|svg`` with the same data as a download. A value the user can fix
(a bad date, a date outside the data, an unknown state, an empty period) becomes a
message on the page, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sideline.analysis.errors import AnalysisError
from sideline.analysis.exports import (
    Export,
    balance_export,
    bridges_export,
    duplication_export,
    network_export,
    overlap_export,
    render_csv,
    suggestions_export,
    ties_export,
    voting_export,
)
from sideline.analysis.facts import MEMBERS_ONLY, MembershipStatus, parse_statuses
from sideline.analysis.selectors import (
    balance_report,
    bridge_report,
    current_snapshot,
    duplication_report,
    overlap_report,
    planner_instance,
    states_with_engagements,
    suggestion_report,
    vote_dataset,
    voting_report,
    year_of_session,
)
from sideline.analysis.suggest import DEFAULT_THRESHOLD
from sideline.analysis.ties_report import ties_report
from sideline.registry.enums import MembershipStatus as StatusChoices
from sideline.registry.models import Function, Organization, State

DOWNLOADS = ("csv", "json", "svg")


def _message(error: AnalysisError) -> str:
    """Return a translated message for a core error; the core's English names the detail."""
    if error.code == "unknown_state":
        return _("There is no state “%(value)s” in the registry; pick one from the list.") % {
            "value": error.value
        }
    if error.code == "date_out_of_range":
        return _("Outside the data: %(detail)s.") % {"detail": error.message}
    if error.code == "empty_period":
        return _("The period is empty: “from” must not be after “to”.")
    return error.message


def _state_names(codes: list[str]) -> dict[str, str]:
    return dict(State.objects.filter(code__in=codes).values_list("code", "name_en"))


def _organization_names() -> dict[str, str]:
    """Return every organization's abbreviation in the active language, by slug."""
    return {o.slug: o.abbreviation for o in Organization.objects.all()}


def _function_names() -> dict[str, str]:
    return {f.slug: f.name for f in Function.objects.all()}


class AnalysisPageView(TemplateView):
    """A page showing one analysis; subclasses build its :class:`Export` in ``analyse``."""

    filename = "analysis"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(**kwargs)
        export: Export | None = context.get("export")
        fmt = request.GET.get("format", "")
        if export is not None and fmt in DOWNLOADS:
            return self.download(export, fmt)
        extra = context.get("extra_download")
        if extra is not None and fmt == extra[0]:
            return self.download_extra(context)
        return self.render_to_response(context)

    def download(self, export: Export, fmt: str) -> HttpResponse:
        if fmt == "json":
            response: HttpResponse = JsonResponse(
                export.records, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 2}
            )
        elif fmt == "csv":
            response = HttpResponse(render_csv(export), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(export.svg, content_type="image/svg+xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}.{fmt}"'
        return response

    def download_extra(self, context: dict[str, Any]) -> HttpResponse:
        # A hook: only pages that offer an extra download (suggestions) override it.
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            self.analyse(context)
        except AnalysisError as error:
            context["error"] = _message(error)
            context.pop("export", None)
        context["downloads"] = self._download_links()
        return context

    def analyse(self, context: dict[str, Any]) -> None:
        # A hook: every analysis page overrides it to fill the context.
        raise NotImplementedError

    def _download_links(self) -> list[tuple[str, str]]:
        links = []
        for fmt in DOWNLOADS:
            query = self.request.GET.copy()
            query["format"] = fmt
            links.append((fmt.upper(), f"?{query.urlencode()}"))
        return links

    # --- parameters -----------------------------------------------------------------

    def as_of(self, context: dict[str, Any]) -> date:
        """Read ``?as_of=``; a bad value becomes a message and today's date."""
        today = timezone.localdate()
        value = self.request.GET.get("as_of", "")
        day = today
        if value:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                context["date_error"] = _(
                    "“%(value)s” is not a date; use YYYY-MM-DD. Showing today."
                ) % {"value": value}
        context["as_of"] = day
        return day

    def statuses(self, context: dict[str, Any]) -> frozenset[MembershipStatus]:
        chosen = self.request.GET.getlist("status")
        statuses = parse_statuses(chosen) if chosen else MEMBERS_ONLY
        context["status_choices"] = [
            (value, label, MembershipStatus(value) in statuses)
            for value, label in StatusChoices.choices
        ]
        return statuses

    def year(self, name: str, context: dict[str, Any]) -> int | None:
        value = self.request.GET.get(name, "").strip()
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            context.setdefault("form_errors", []).append(
                _("“%(value)s” is not a year; use YYYY.") % {"value": value}
            )
            return None

    def number(self, name: str, context: dict[str, Any]) -> float | None:
        value = self.request.GET.get(name, "").strip()
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            context.setdefault("form_errors", []).append(
                _("“%(value)s” is not a number.") % {"value": value}
            )
            return None


class AnalysisIndexView(TemplateView):
    template_name = "analysis/index.html"


class OverlapView(AnalysisPageView):
    template_name = "analysis/overlap.html"
    filename = "overlap"

    def analyse(self, context: dict[str, Any]) -> None:
        day = self.as_of(context)
        report = overlap_report(day=day, statuses=self.statuses(context))
        context["report"] = report
        context["names"] = _organization_names()
        context["export"] = overlap_export(report, names=context["names"])


class DuplicationView(AnalysisPageView):
    template_name = "analysis/duplication.html"
    filename = "duplication"

    def analyse(self, context: dict[str, Any]) -> None:
        ranking = duplication_report(day=self.as_of(context))
        states = sorted({s for d in ranking for s in d.shared_states})
        names = _state_names(states)
        context["rows"] = [
            {
                "pair": d,
                "functions": [
                    (s.function, _("core") if s.common_weight >= 1 else _("secondary"))
                    for s in d.shared_functions
                ],
                "states": [(code, names.get(code, code)) for code in sorted(d.shared_states)],
            }
            for d in ranking
        ]
        context.update(names=_organization_names(), topics=_function_names())
        context["export"] = duplication_export(ranking, names=context["names"])


class TiesView(AnalysisPageView):
    """Formal ties between organizations against their duplication: the untied first agenda."""

    template_name = "analysis/ties.html"
    filename = "ties"

    def analyse(self, context: dict[str, Any]) -> None:
        pairs = ties_report(day=self.as_of(context), snapshot=current_snapshot())
        context["untied"] = [p for p in pairs if not p.has_tie][:10]
        context["pairs"] = pairs
        context["export"] = ties_export(pairs)


class BridgesView(AnalysisPageView):
    template_name = "analysis/bridges.html"
    filename = "bridges"

    def analyse(self, context: dict[str, Any]) -> None:
        report = bridge_report(day=self.as_of(context), statuses=self.statuses(context))
        names = _state_names([b.state for b in report.ranking])
        context["rows"] = [(b, names.get(b.state, b.state)) for b in report.ranking]
        context["export"] = bridges_export(report)


class NetworkView(AnalysisPageView):
    template_name = "analysis/network.html"
    filename = "network"

    def analyse(self, context: dict[str, Any]) -> None:
        report = bridge_report(day=self.as_of(context), statuses=self.statuses(context))
        by_organization: dict[str, list[str]] = {}
        for organization, state in report.edges:
            by_organization.setdefault(organization, []).append(state)
        context["members"] = sorted(by_organization.items())
        context["export"] = network_export(report)


class BalanceView(AnalysisPageView):
    template_name = "analysis/balance.html"
    filename = "balance"

    def analyse(self, context: dict[str, Any]) -> None:
        codes = list(states_with_engagements())
        names = _state_names(codes)
        context["states"] = [(code, names.get(code, code)) for code in codes]
        state = self.request.GET.get("state", "").strip().upper()
        if not state:
            state = "KAZ" if "KAZ" in codes else (codes[0] if codes else "")
        context["state"] = state
        this_year = timezone.localdate().year
        end = self.year("to", context) or this_year
        start = self.year("from", context) or end - 19
        half_life = self.number("half_life", context)
        context.update(start=start, end=end, half_life=half_life)
        if not state:
            context["error"] = _("The registry has no engagements of any state yet.")
            return
        series = balance_report(state=state, start=start, end=end, half_life=half_life)
        context["series"] = series
        context["state_name"] = names.get(state, state)
        context["export"] = balance_export(series)
        self.filename = f"balance-{state}-{start}-{end}"


class VotingView(AnalysisPageView):
    template_name = "analysis/voting.html"
    filename = "voting"

    def analyse(self, context: dict[str, Any]) -> None:
        dataset = vote_dataset()
        context["dataset"] = dataset
        if dataset is None:
            return
        codes = dataset.state_list
        names = _state_names(codes)
        context["states"] = sorted(((c, names.get(c, c)) for c in codes), key=lambda i: i[1])
        state = self.request.GET.get("state", "").strip().upper() or (
            "KAZ" if "KAZ" in codes else codes[0]
        )
        last_year = year_of_session(dataset.last_session)
        end = self.year("to", context) or last_year
        start = self.year("from", context) or max(year_of_session(dataset.first_session), end - 29)
        context.update(state=state, start=start, end=end, state_name=names.get(state, state))
        report = voting_report(dataset=dataset, state=state, start=start, end=end)
        context["report"] = report
        context["rows"] = [
            (
                session,
                year_of_session(session),
                [report.agreement[p].get(session) for p in report.pillars],
            )
            for session in report.sessions
        ]
        context["export"] = voting_export(report)
        self.filename = f"voting-{state}-{start}-{end}"


class SuggestionsView(AnalysisPageView):
    template_name = "analysis/suggestions.html"
    filename = "suggestions"

    def analyse(self, context: dict[str, Any]) -> None:
        day = self.as_of(context)
        threshold = self.number("threshold", context)
        chosen = DEFAULT_THRESHOLD if threshold is None else threshold
        common_forum = self.request.GET.get("common_forum") == "1"
        context.update(threshold=chosen, common_forum=common_forum)
        snapshot = current_snapshot()
        requests = suggestion_report(
            day=day, threshold=chosen, common_forum=common_forum, snapshot=snapshot
        )
        context["requests"] = requests
        context.update(names=_organization_names(), topics=_function_names())
        context["export"] = suggestions_export(
            requests, names=context["names"], topics=context["topics"]
        )
        query = self.request.GET.copy()
        query["format"] = "instance"
        context["extra_download"] = ("instance", f"?{query.urlencode()}")
        context["instance"] = lambda: planner_instance(
            day=day, year=day.year, threshold=chosen, snapshot=snapshot
        )

    def download_extra(self, context: dict[str, Any]) -> HttpResponse:
        build: Callable[[], dict[str, object]] = context["instance"]
        document = build()
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="plan-instance-{context["as_of"].year}.json"'
        )
        return response
