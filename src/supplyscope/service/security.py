"""Who is calling: bearer tokens (API) or the dashboard's login cookie, and role checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from supplyscope.alerts.auth import Role, User
from supplyscope.service.errors import ApiError
from supplyscope.service.state import state

COOKIE = "supplyscope_token"
bearer = HTTPBearer(auto_error=False, description="API token issued by an admin (`supplyscope alerts add-user`)")
Creds = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def token_from(request: Request, creds: HTTPAuthorizationCredentials | None) -> str | None:
    if creds is not None and creds.scheme.lower() == "bearer" and creds.credentials:
        return creds.credentials
    cookie = request.cookies.get(COOKIE)
    return cookie or None


async def optional_user(request: Request, creds: Creds) -> User | None:
    """The authenticated user, or None when no credentials were sent (invalid ones are refused)."""
    token = token_from(request, creds)
    if token is None:
        return None
    if len(token) > 200:
        raise ApiError(401, "unauthorized", "invalid or inactive token", headers={"WWW-Authenticate": "Bearer"})
    user = await run_in_threadpool(state(request).store.user_for_token, token)
    if user is None:
        raise ApiError(401, "unauthorized", "invalid or inactive token", headers={"WWW-Authenticate": "Bearer"})
    return user


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise ApiError(
            401,
            "unauthorized",
            "authentication required: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def require(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """Dependency factory: the caller must hold one of ``roles``."""
    allowed = ", ".join(r.value for r in roles)

    async def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise ApiError(403, "forbidden", f"this action needs the role {allowed}; you are {user.role.value}")
        return user

    return check


async def page_user(request: Request, creds: Creds) -> User | None:
    """Like :func:`optional_user` but a stale or wrong cookie just means "not logged in" (dashboard)."""
    token = token_from(request, creds)
    if token is None or len(token) > 200:
        return None
    return await run_in_threadpool(state(request).store.user_for_token, token)


AnyUser = Annotated[User, Depends(current_user)]
"""Any authenticated user."""
PageUser = Annotated[User | None, Depends(page_user)]
"""The dashboard's logged-in user, if any."""
Submitter = Annotated[User, Depends(require(Role.submitter))]
Reader = Annotated[User, Depends(require(Role.analyst, Role.admin))]
Admin = Annotated[User, Depends(require(Role.admin))]
