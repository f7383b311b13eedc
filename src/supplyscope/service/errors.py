"""One JSON error shape for every failure, and the single place that maps errors to HTTP statuses.

Every error response is ``{"error": {"status": int, "code": str, "message": str, "field": str|null,
"details": list}}``. No stack trace ever reaches a client: unexpected exceptions become a plain 500
whose body says only that the server failed (the traceback goes to the server log).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from supplyscope.errors import (
    ConfigError,
    ConflictError,
    DataError,
    NotFoundError,
    RuleError,
    SupplyscopeError,
    UnavailableError,
)

log = logging.getLogger("supplyscope.service")


class ApiError(Exception):
    """An error the service answers on purpose."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers


def error_body(
    status: int, code: str, message: str, *, field: str | None = None, details: list[Any] | None = None
) -> dict[str, Any]:
    """The one error document."""
    return {"error": {"status": status, "code": code, "message": message, "field": field, "details": details or []}}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    details: list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, field=field, details=details), status, headers=headers)


def status_for(exc: SupplyscopeError) -> tuple[int, str]:
    """HTTP status and code for a supplyscope error."""
    if isinstance(exc, NotFoundError):
        return 404, "not_found"
    if isinstance(exc, ConflictError):
        return 409, "conflict"
    if isinstance(exc, UnavailableError):
        return 503, "unavailable"
    if isinstance(exc, DataError):
        return 422, "invalid_input"
    if isinstance(exc, RuleError):
        return 422, "invalid_rule"
    if isinstance(exc, ConfigError):
        return 400, "invalid_option"
    return 400, "bad_request"


def _validation_details(exc: RequestValidationError) -> tuple[int, str, str, str | None, list[Any]]:
    details: list[Any] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        details.append({"loc": loc, "message": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    first = exc.errors()[0] if exc.errors() else {}
    if first.get("type") == "json_invalid":
        reason = (first.get("ctx") or {}).get("error", "invalid JSON")
        return 400, "malformed_json", f"request body is not valid JSON: {reason}", None, details[:1]
    loc = [str(p) for p in first.get("loc", ())]
    field = ".".join(p for p in loc if p not in ("body", "query", "path", "header", "cookie")) or None
    where = f"{'.'.join(loc)}: " if loc else ""
    return 422, "invalid_input", f"{where}{first.get('msg', 'invalid request')}", field, details


def install_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the one error shape."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, field=exc.field, headers=exc.headers)

    @app.exception_handler(SupplyscopeError)
    async def _ours(_: Request, exc: SupplyscopeError) -> JSONResponse:
        status, code = status_for(exc)
        field = getattr(exc, "field", None) or getattr(exc, "key", None)
        message = str(exc)
        if isinstance(exc, DataError) and exc.field is not None:
            message = f"field {exc.field!r}: {exc.detail}"  # the request body is the only source here
        headers = None
        if isinstance(exc, UnavailableError):
            # a store failure is logged but the client gets a retry hint and a usable connection
            log.warning("unavailable: %s", exc)
            headers = {"Retry-After": str(exc.retry_after or 60)}
        return error_response(status, code, message, field=field, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, message, field, details = _validation_details(exc)
        return error_response(status, code, message, field=field, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        try:
            phrase = HTTPStatus(exc.status_code).phrase
        except ValueError:
            phrase = "error"
        code = phrase.lower().replace(" ", "_").replace("-", "_")
        message = exc.detail if isinstance(exc.detail, str) else phrase
        return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "the server failed to handle this request")
