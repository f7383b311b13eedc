"""Who is calling, and the browser protections of the dashboard.

- The JSON API authenticates with bearer tokens only, so a cross-site page cannot act through a cookie.
- The dashboard uses server-side sessions (:meth:`Store.create_session`): the cookie holds a random
  session id, never the token; sessions expire, logout and deactivation revoke them.
- Every dashboard form carries a CSRF token, checked together with the ``Origin`` (or ``Referer``)
  header. Before login the token is a double-submit cookie, so a foreign page cannot log a victim into
  the attacker's account (login CSRF).
- :class:`SecurityHeaders` adds CSP (with a per-request nonce for the inline scripts), framing and
  sniffing protections to every response, and ``Cache-Control: no-store`` to everything but static assets.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from supplyscope.alerts.auth import Role, User
from supplyscope.service.errors import ApiError
from supplyscope.service.state import state

SESSION_COOKIE = "supplyscope_session"
LOGIN_CSRF_COOKIE = "supplyscope_login_csrf"
bearer = HTTPBearer(auto_error=False, description="API token issued by an admin (`supplyscope alerts add-user`)")
Creds = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


async def optional_user(request: Request, creds: Creds) -> User | None:
    """The user of the bearer token, or None when none was sent (invalid or expired ones are refused)."""
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        return None
    token = creds.credentials
    app = state(request)
    user = await run_in_threadpool(app.store.user_for_token, token) if len(token) <= 200 else None
    if user is None:
        await run_in_threadpool(app.store.audit, None, "auth_failed", (), f"bearer from {client_address(request)}")
        raise _unauthorized("invalid, expired or revoked token")
    return user


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise _unauthorized("authentication required: send 'Authorization: Bearer <token>'")
    return user


def require(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """Dependency factory: the caller must hold one of ``roles``."""
    allowed = ", ".join(r.value for r in roles)

    async def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise ApiError(403, "forbidden", f"this action needs the role {allowed}; you are {user.role.value}")
        return user

    return check


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class PageSession:
    """The dashboard's logged-in user and the CSRF token of its session."""

    def __init__(self, user: User, csrf: str, sid: str) -> None:
        self.user = user
        self.csrf = csrf
        self.sid = sid


async def page_session(request: Request) -> PageSession | None:
    """The live session named by the cookie, or None (expired, revoked or unknown just means logged out)."""
    sid = request.cookies.get(SESSION_COOKIE)
    if not sid or len(sid) > 100:
        return None
    found = await run_in_threadpool(state(request).store.session_user, sid)
    return PageSession(found[0], found[1], sid) if found else None


def same_origin(request: Request) -> bool:
    """True when ``Origin`` (or, failing that, ``Referer``) names this server, or neither is sent."""
    expected = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == expected
    referer = request.headers.get("referer")
    if referer is not None:
        return referer == expected or referer.startswith(expected + "/")
    return True  # no header (some privacy settings): the CSRF token alone decides


def csrf_ok(request: Request, sent: str | None, expected: str | None) -> bool:
    """Origin check plus a constant-time comparison of the form's token with the expected one."""
    if not same_origin(request) or not sent or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


AnyUser = Annotated[User, Depends(current_user)]
"""Any authenticated user."""
PageUser = Annotated[PageSession | None, Depends(page_session)]
"""The dashboard's session, if logged in."""
Submitter = Annotated[User, Depends(require(Role.submitter))]
Reader = Annotated[User, Depends(require(Role.analyst, Role.admin))]
Admin = Annotated[User, Depends(require(Role.admin))]

_STATIC_PREFIXES = ("/static/", "/assets/")


class SecurityHeaders:
    """Add security headers to every HTTP response; a fresh CSP nonce is put in ``scope['state']``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path: str = scope.get("path", "")
        static = path.startswith(_STATIC_PREFIXES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control" or static]
                headers += [
                    (
                        b"content-security-policy",
                        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
                        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                        "frame-ancestors 'none'".encode(),
                    ),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
