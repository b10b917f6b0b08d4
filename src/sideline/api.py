"""The HTTP API under /api/: one NinjaAPI, one error body for every router."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sideline import __version__
from sideline.accounts.api import router as accounts_router
from sideline.analysis.api import router as analysis_router
from sideline.analysis.selectors import current_snapshot
from sideline.curation.api import router as curation_router
from sideline.errors import ApiError, ServiceError
from sideline.meetings.api import router as meetings_router
from sideline.meetings.api_agenda import router as agenda_router
from sideline.meetings.api_series import router as meetings_series_router
from sideline.meetings.api_todo import router as todo_router
from sideline.openapi import (
    bound_parameter,
    document_bodies,
    document_errors,
    document_json_body,
    document_links,
    document_parameters,
)
from sideline.planner.api import router as planner_router
from sideline.planner.schema import schema_path
from sideline.prevention.api import router as prevention_router
from sideline.record.api import router as record_router
from sideline.registry.api import router as registry_router
from sideline.validators import EARLIEST, LATEST, date_pattern

logger = logging.getLogger(__name__)

SOLVE = "/api/planner/solve"


class SidelineAPI(NinjaAPI):
    """The API, whose OpenAPI document declares the one error body on every operation."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        # The analysis answers inside the loaded data only, so the document states its span
        # as it is now (the snapshot is cached per process).
        span = current_snapshot().span
        schema = document_errors(super().get_openapi_schema(**kwargs))
        schema = document_links(document_bodies(document_parameters(schema, data_span=span)))
        # The solver's time limit is a setting of the node.
        most = float(settings.SIDELINE_SOLVE_MAX_SECONDS)
        bound_parameter(
            schema, path=SOLVE, method="post", name="time_limit", exclusiveMinimum=0, maximum=most
        )
        instance = _instance_schema()
        if instance is None:
            return schema
        return document_json_body(
            schema, path=SOLVE, method="post", name="PlanInstance", body=instance
        )


def _instance_schema() -> dict[str, Any] | None:
    # docs/schemas holds the format's JSON Schema, read as the planner reads it.
    path = schema_path("plan-instance-1")
    if not path.is_file():
        return None
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    # The file's dates are a shape only; the parser takes 1900-01-01 to 2200-12-31.
    body["$defs"]["date"] = {
        "type": "string",
        "format": "date",
        "pattern": date_pattern(EARLIEST, LATEST),
        "description": f"a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}",
    }
    return body


api = SidelineAPI(
    title="Sideline API",
    version=__version__,
    description=(
        "Registry, analysis, planner, meetings and record of the Euro-Atlantic and Eurasian "
        'security organizations. Errors have one body: `{"error": {"code", "message", "field"}}`.'
    ),
    urls_namespace="api",
)
api.add_router("/", registry_router)
api.add_router("/analysis", analysis_router)
api.add_router("/planner", planner_router)
# Before the meetings' router: its /{meeting_id} would take "todo" for an id.
api.add_router("/meetings", todo_router)
api.add_router("/meetings", meetings_router)
api.add_router("/meetings", agenda_router)
api.add_router("/meetings", meetings_series_router)
api.add_router("/accounts", accounts_router)
api.add_router("/record", record_router)
api.add_router("/prevention", prevention_router)
api.add_router("/curation", curation_router)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, error: ServiceError) -> HttpResponse:
    """Answer every app's refusal with the one error body and the error's status."""
    return api.create_response(request, error.body(), status=error.status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    first = error.errors[0] if error.errors else {}
    location = [str(part) for part in first.get("loc", []) if part not in {"query", "body", "path"}]
    field = ".".join(location) or None
    message = (
        f"{field}: {first.get('msg', 'invalid value')}"
        if field
        else str(first.get("msg", "invalid request"))
    )
    body = ApiError(422, "invalid_request", message, field=field).body()
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    body = ApiError(401, "not_authenticated", "log in or send an API token").body()
    return api.create_response(request, body, status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    body = ApiError(404, "not_found", str(error) or "not found").body()
    return api.create_response(request, body, status=404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    body = ApiError(error.status_code, "http_error", str(error)).body()
    return api.create_response(request, body, status=error.status_code)
