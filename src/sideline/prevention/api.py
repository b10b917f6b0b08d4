"""Preventive diplomacy under /api/prevention: the monitor, data versions, signal skill."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from sideline.errors import ApiError
from sideline.prevention.exports import monitor_json
from sideline.prevention.selectors import datasets, known_state, monitor, signal_skill

router = Router(tags=["prevention"])


@router.get("/states/{code}")
def get_state(request: HttpRequest, code: str) -> dict[str, Any]:
    """The record of a state: yearly and monthly deaths, base rates, episodes, signals."""
    state = known_state(code)
    if state is None:
        raise ApiError(
            404, "unknown_state", f"no state {code!r}; give an ISO 3166 alpha-3 code", field="code"
        )
    return monitor_json(monitor(state))


@router.get("/datasets")
def list_datasets(request: HttpRequest) -> list[dict[str, Any]]:
    """The data in use: file, source, licence, span and SHA-256 of each kind."""
    return [
        {
            "kind": d.kind,
            "file": d.name,
            "source": d.source,
            "licence": d.licence,
            "from": d.first_period,
            "to": d.last_period,
            "rows": d.rows,
            "sha256": d.sha256,
            "bundled": d.bundled,
        }
        for d in datasets().values()
    ]


@router.get("/skill")
def list_skill(request: HttpRequest) -> list[dict[str, Any]]:
    """Each rule's and baseline's mean CRPS and Brier score per window and scope."""
    return [
        {
            "name": s.name,
            "window": s.window,
            "scope": s.scope,
            "n": s.n,
            "crps": s.crps,
            "brier": s.brier,
        }
        for s in signal_skill()
    ]
