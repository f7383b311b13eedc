"""Strict JSON request bodies: UTF-8 only, no duplicate keys, no NaN/Infinity, objects only.

FastAPI's default parsing keeps the last of duplicate keys (``{"confidential": true, "confidential":
false}`` silently becomes false) and pydantic's lax mode coerces types. Report bodies are therefore read
here and handed to :func:`supplyscope.alerts.model.validate_report`, the one validation of the record.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from supplyscope.errors import DataError
from supplyscope.service.errors import ApiError


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DataError("appears more than once in the JSON object", source="request body", field=key)
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise DataError(f"{name} is not a JSON number", source="request body")


def parse_object(raw: bytes) -> dict[str, Any]:
    """A JSON object from ``raw``; :class:`DataError` (422) names what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"is not valid UTF-8 (byte {exc.start})", source="request body", field="body") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        where = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        raise ApiError(400, "malformed_json", f"request body is not valid JSON: {where}") from None
    if not isinstance(value, dict):
        raise DataError("must be a JSON object", source="request body", field="body")
    return value


async def json_object(request: Request) -> dict[str, Any]:
    """The request's body as a strictly parsed JSON object (the content type must be JSON)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise DataError("must be sent with Content-Type: application/json", source="request body", field="body")
    return parse_object(await request.body())
