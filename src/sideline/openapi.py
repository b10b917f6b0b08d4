"""The OpenAPI document tells the truth about errors: one body, declared on every operation.

django-ninja documents only the responses an operation declares, so the errors that the
one exception handler (``sideline/api.py``) turns into ``{"error": {...}}`` were absent from
the document and tools such as schemathesis reported every 4xx as undocumented. They are
added here once, by status, rather than repeated in fifty decorators.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ninja import Schema
from pydantic import ConfigDict

from sideline.validators import EARLIEST, LATEST, date_pattern

__all__ = [
    "ERROR_SCHEMA",
    "Input",
    "bound_parameter",
    "document_bodies",
    "document_errors",
    "document_json_body",
    "document_links",
    "document_parameters",
]


class Input(Schema):
    """A request body whose unknown fields are refused (422), as its schema declares.

    Ignoring them, pydantic's default, left the document allowing any extra key and value
    while the guard refused those holding a control character: schemathesis found the
    difference on every body.
    """

    model_config = ConfigDict(extra="forbid")


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "field"],
            "properties": {
                "code": {"type": "string", "description": "stable, for programs"},
                "message": {"type": "string", "description": "what to fix, for people"},
                "field": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": "the argument or body field at fault, or null",
                },
            },
        }
    },
}

ANY_REQUEST = {
    400: "a value the server cannot use",
    404: "an unknown slug, code or identifier",
    422: "a malformed argument or body",
    429: "too many requests: wait and try again",
    500: "the server failed; the error was logged",
}
AUTHENTICATED = {
    401: "not logged in: log in or send an API token",
    403: "not allowed for this person's organization or role",
}
WRITES = {
    409: "a conflict with the current state: reload and try again",
    413: "the request body is too large",
}
READ_METHODS = {"get", "head", "options"}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the one error body, by status, on every operation of an OpenAPI document.

    Every operation may answer ``ANY_REQUEST`` and ``AUTHENTICATED``; one that writes also
    ``WRITES``. A status an operation already documents is left as it is.

    Example:
        >>> doc = {"paths": {"/x": {"get": {"responses": {"200": {}}}}}}
        >>> sorted(document_errors(doc)["paths"]["/x"]["get"]["responses"])
        ['200', '400', '401', '403', '404', '422', '429', '500']
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # Views check the session or token themselves as well as through ninja's
            # `auth`, so any operation may answer 401 or 403.
            statuses = ANY_REQUEST | AUTHENTICATED
            writes = method not in READ_METHODS
            if writes:
                statuses |= WRITES
            responses = operation["responses"]
            for status, description in sorted(statuses.items()):
                responses.setdefault(
                    str(status),
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return schema


# What the views enforce on query and path arguments that ninja declares only as "string"
# or "integer": schemathesis (tests/test_api_schemathesis.py) sends whatever the document
# allows and reports each refusal of an allowed value.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
STATUSES = "member|observer|partner|dialogue_partner|associate|suspended"
# The analysis answers only inside the loaded data (RegistrySnapshot.span); voting has its
# own range, the General Assembly's sessions.
DATA_BOUND = "/api/analysis/"
OWN_RANGE = ("/api/analysis/voting/",)


def document_parameters(
    schema: dict[str, Any], *, data_span: tuple[date, date] | None = None
) -> dict[str, Any]:
    """Declare the constraints the views enforce on their query and path arguments.

    ``as_of`` is a ``YYYY-MM-DD`` date from 1900 to 2200, and under ``/api/analysis/`` inside
    ``data_span`` (the loaded data: its first date to today), as are the years ``from`` and
    ``to`` there; an empty ``as_of`` means today, as an absent one does. Years run 1900 to
    2200; ``statuses`` is a comma-separated list of known statuses; no text argument may hold
    a control character (``sideline/web/guards.py``).

    Example:
        >>> doc = {"paths": {"/x": {"get": {"parameters": [
        ...     {"name": "year", "in": "query", "schema": {"type": "integer"}}]}}}}
        >>> document_parameters(doc)["paths"]["/x"]["get"]["parameters"][0]["schema"]
        {'type': 'integer', 'minimum': 1900, 'maximum': 2200}
    """
    for path, operations in schema.get("paths", {}).items():
        bounded = path.startswith(DATA_BOUND) and not path.startswith(OWN_RANGE)
        first, last = data_span if data_span and bounded else (EARLIEST, LATEST)
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                name, argument = parameter["name"], parameter.get("schema", {})
                if name == "as_of":
                    _date_argument(argument, first=first, last=last)
                else:
                    _constrain(name, argument, first=first, last=last, bounded=bounded)
    return schema


def _date_argument(schema: dict[str, Any], *, first: date, last: date) -> None:
    # parse_date_argument reads an empty value as an absent one.
    options = [o for o in schema.pop("anyOf", [schema]) if o.get("type") != "string"]
    bounds = {"formatMinimum": first.isoformat(), "formatMaximum": last.isoformat()}
    day = {"type": "string", "format": "date", "pattern": date_pattern(first, last), **bounds}
    empty = {"type": "string", "maxLength": 0}
    for key in ("type", "format"):
        schema.pop(key, None)
    schema["anyOf"] = [day, empty, *options]
    schema.setdefault(
        "description", f"a date from {first.isoformat()} to {last.isoformat()}; empty: today"
    )


def _constrain(
    name: str, schema: dict[str, Any], *, first: date, last: date, bounded: bool
) -> None:
    for option in schema.get("anyOf", [schema]):
        kind = option.get("type")
        if kind == "integer" and (name == "year" or (bounded and name in {"from", "to"})):
            option.setdefault("minimum", first.year)
            option.setdefault("maximum", last.year)
        elif kind == "string" and name == "statuses":
            option.setdefault("pattern", f"^({STATUSES})(,({STATUSES}))*$")
        elif kind == "string" and "pattern" not in option and "format" not in option:
            option["pattern"] = TEXT_PATTERN


def document_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare what the server requires of multipart form bodies.

    django-ninja declares an optional ``File`` as "binary or null", which tools cannot send
    as a file part (schemathesis then sends it without a ``filename``, and Django reads it as
    text); the views refuse a missing file, so it is required binary here. Form text, like
    any other text, may hold no control character.

    Example:
        >>> form = {"properties": {"file": {"anyOf": [
        ...     {"type": "string", "format": "binary"}, {"type": "null"}]}}}
        >>> doc = {"paths": {"/x": {"post": {"requestBody": {"content": {
        ...     "multipart/form-data": {"schema": form}}}}}}}
        >>> document_bodies(doc)["paths"]["/x"]["post"]["requestBody"]["content"][
        ...     "multipart/form-data"]["schema"]
        ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
        {'properties': {'file': {'type': 'string', 'format': 'binary'}}, 'required': ['file'],
         'propertyNames': {'pattern': '^[^...]*$'},
         'additionalProperties': {'type': 'string', 'pattern': '^[^...]*$'}}
    """
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            form = content.get("multipart/form-data", {}).get("schema")
            if form is None:
                continue
            required = form.setdefault("required", [])
            # Other fields are ignored, but their names and values pass the same guard.
            form.setdefault("propertyNames", {"pattern": TEXT_PATTERN})
            form.setdefault("additionalProperties", {"type": "string", "pattern": TEXT_PATTERN})
            for name, field in form.get("properties", {}).items():
                options = field.get("anyOf", [field])
                binary = [o for o in options if o.get("format") == "binary"]
                if binary:
                    form["properties"][name] = {"type": "string", "format": "binary"}
                    if name not in required:
                        required.append(name)
                elif field.get("type") == "string" and "pattern" not in field:
                    field["pattern"] = TEXT_PATTERN
    return schema


def document_json_body(
    schema: dict[str, Any], *, path: str, method: str, name: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Declare ``body``, a JSON Schema with ``$defs``, as the JSON body of one operation.

    An operation that takes a file format (``sideline.plan-instance/1``) reads it as a
    dictionary, which ninja can only declare as "any object". The format's own JSON Schema
    goes into ``components`` as ``name``, its definitions as ``name_definition``.

    Example:
        >>> body = {"type": "object", "properties": {"id": {"$ref": "#/$defs/id"}},
        ...         "$defs": {"id": {"type": "string"}}}
        >>> doc = {"paths": {"/x": {"post": {"requestBody": {"content": {
        ...     "application/json": {"schema": {"type": "object"}}}}}}}}
        >>> doc = document_json_body(doc, path="/x", method="post", name="Thing", body=body)
        >>> doc["components"]["schemas"]["Thing"]["properties"]
        {'id': {'$ref': '#/components/schemas/Thing_id'}}
    """
    operation = schema.get("paths", {}).get(path, {}).get(method)
    if operation is None:
        return schema
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    text = json.dumps({k: v for k, v in body.items() if k not in {"$schema", "$id"}})
    text = text.replace('"#/$defs/', f'"#/components/schemas/{name}_')
    moved = json.loads(text)
    for definition, value in moved.pop("$defs", {}).items():
        components[f"{name}_{definition}"] = value
    components[name] = moved
    content = operation["requestBody"]["content"]["application/json"]
    content["schema"] = {"$ref": f"#/components/schemas/{name}"}
    return schema


MEETING = "/api/meetings/{meeting_id}"
DECISION = "/api/meetings/decisions/{decision_id}"
COMMITMENT = "/api/meetings/commitments/{commitment_id}"
REQUEST = "/api/planner/requests/{year}/{key}"
# (method, path) answering 201 with a new object -> the parameter values it gives, and the
# operations on that object. Tools that follow links (schemathesis's stateful phase) then
# chain a creation with what can be done to the object created.
LINKS: dict[tuple[str, str], tuple[dict[str, str], list[tuple[str, str]]]] = {
    ("post", "/api/meetings/"): (
        {"meeting_id": "$response.body#/id"},
        [
            ("get", MEETING),
            ("post", f"{MEETING}/participants"),
            ("get", f"{MEETING}/decisions"),
            ("post", f"{MEETING}/decisions"),
            ("get", f"{MEETING}/commitments"),
            ("get", f"{MEETING}/agenda"),
            ("put", f"{MEETING}/agenda"),
            ("get", f"{MEETING}/minutes"),
            ("put", f"{MEETING}/minutes"),
            ("get", f"{MEETING}/documents"),
            ("post", f"{MEETING}/documents"),
            ("get", f"{MEETING}/delegations"),
            ("post", f"{MEETING}/delegates"),
        ],
    ),
    ("post", f"{MEETING}/decisions"): (
        {"decision_id": "$response.body#/id"},
        [
            ("patch", DECISION),
            ("post", f"{DECISION}/responses"),
            ("post", f"{DECISION}/withdraw"),
            ("post", f"{DECISION}/commitments"),
        ],
    ),
    ("post", f"{DECISION}/commitments"): (
        {"commitment_id": "$response.body#/id"},
        [
            ("post", f"{COMMITMENT}/progress"),
            ("post", f"{COMMITMENT}/close"),
            ("post", f"{COMMITMENT}/sub-items"),
        ],
    ),
    ("post", f"{MEETING}/delegates"): (
        {"delegate_id": "$response.body#/id"},
        [("post", "/api/meetings/delegates/{delegate_id}/approve")],
    ),
    ("post", "/api/planner/requests/{year}"): (
        {"year": "$request.path.year", "key": "$response.body#/id"},
        [("put", REQUEST), ("delete", REQUEST)],
    ),
    ("post", "/api/accounts/tokens"): (
        {"token_id": "$response.body#/id"},
        [("delete", "/api/accounts/tokens/{token_id}")],
    ),
}


def document_links(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare OpenAPI links from each creation to the operations on what it created.

    A link names its target by ``operationId`` and passes each path parameter the target
    has (``LINKS``). A source or target missing from ``schema`` is skipped.

    Example:
        >>> doc = {"paths": {
        ...     "/api/accounts/tokens": {"post": {"responses": {"201": {}}}},
        ...     "/api/accounts/tokens/{token_id}": {"delete": {"operationId": "drop"}}}}
        >>> document_links(doc)["paths"]["/api/accounts/tokens"]["post"]["responses"]["201"]
        {'links': {'drop': {'operationId': 'drop', 'parameters': {'token_id': '$response.body#/id'}}}}
    """
    paths = schema.get("paths", {})
    for (method, path), (values, targets) in LINKS.items():
        source = paths.get(path, {}).get(method)
        if source is None or "201" not in source.get("responses", {}):
            continue
        links = source["responses"]["201"].setdefault("links", {})
        for target_method, target_path in targets:
            target = paths.get(target_path, {}).get(target_method)
            if target is None or "operationId" not in target:
                continue
            parameters = {
                name: value for name, value in values.items() if "{" + name + "}" in target_path
            }
            links[target["operationId"]] = {
                "operationId": target["operationId"],
                "parameters": parameters,
            }
    return schema


def bound_parameter(
    schema: dict[str, Any], *, path: str, method: str, name: str, **bounds: float
) -> dict[str, Any]:
    """Add JSON Schema ``bounds`` (``maximum=5``…) to one parameter, read from settings.

    Example:
        >>> doc = {"paths": {"/x": {"post": {"parameters": [
        ...     {"name": "t", "in": "query", "schema": {"type": "number"}}]}}}}
        >>> bound_parameter(doc, path="/x", method="post", name="t", maximum=5)[
        ...     "paths"]["/x"]["post"]["parameters"][0]["schema"]
        {'type': 'number', 'maximum': 5}
    """
    operation = schema.get("paths", {}).get(path, {}).get(method, {})
    for parameter in operation.get("parameters", []):
        if parameter["name"] == name:
            parameter["schema"].update(bounds)
    return schema
