"""The OpenAPI document tells the truth about errors: one body, declared on every operation.

django-ninja documents only the responses an operation declares, so the errors that the
one exception handler (``sideline/api.py``) turns into ``{"error": {...}}`` were absent from
the document and tools such as schemathesis reported every 4xx as undocumented. They are
added here once, by status, rather than repeated in fifty decorators.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict

__all__ = ["ERROR_SCHEMA", "Input", "document_errors", "document_parameters"]


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
DATE_ARGUMENTS = {"as_of", "from", "to"}


def document_parameters(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the constraints the views enforce on their query and path arguments.

    Dates (``as_of``, ``from``, ``to``) are ``YYYY-MM-DD``; years run 1900 to 2200;
    ``statuses`` is a comma-separated list of known statuses; no text argument may hold a
    control character (``sideline/web/guards.py``).

    Example:
        >>> doc = {"paths": {"/x": {"get": {"parameters": [
        ...     {"name": "year", "in": "query", "schema": {"type": "integer"}}]}}}}
        >>> document_parameters(doc)["paths"]["/x"]["get"]["parameters"][0]["schema"]
        {'type': 'integer', 'minimum': 1900, 'maximum': 2200}
    """
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                _constrain(parameter["name"], parameter.get("schema", {}))
    return schema


def _constrain(name: str, schema: dict[str, Any]) -> None:
    for option in schema.get("anyOf", [schema]):
        kind = option.get("type")
        if kind == "integer" and name == "year":
            option.setdefault("minimum", 1900)
            option.setdefault("maximum", 2200)
        elif kind == "string" and name in DATE_ARGUMENTS:
            option.setdefault("format", "date")
        elif kind == "string" and name == "statuses":
            option.setdefault("pattern", f"^({STATUSES})(,({STATUSES}))*$")
        elif kind == "string" and "pattern" not in option and "format" not in option:
            option["pattern"] = TEXT_PATTERN
