"""``supplyscope serve`` and ``supplyscope alerts ...`` (users, migrations, releases, audit verification)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from supplyscope.alerts.auth import Role
from supplyscope.alerts.disclosure import load_rules
from supplyscope.alerts.releases import ReleasePolicy, cut_release, published_release
from supplyscope.alerts.storage import open_store
from supplyscope.clitools import OutputFormat, console, format_option, print_json
from supplyscope.errors import DataError, NotFoundError
from supplyscope.service.settings import ServiceSettings, default_db

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Alert store: sqlite:///path (default <home>/alerts.sqlite3) or postgresql://..."),
]
FormatOption = Annotated[OutputFormat, format_option(help="table or json")]

alerts_app = typer.Typer(
    help="Disruption alerts: users, migrations, releases and audit verification.", no_args_is_help=True
)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port", min=0, max=65535)] = 8000,
    db: DbOption = None,
    warehouse: Annotated[str | None, typer.Option(help="DuckDB warehouse for the assessment")] = None,
    disclosure: Annotated[
        Path | None, typer.Option(help="TOML overriding the disclosure thresholds", exists=True, dir_okay=False)
    ] = None,
    rate_limit: Annotated[int, typer.Option(help="Reports per submitter per window", min=1)] = 30,
    rate_window: Annotated[int, typer.Option(help="Rate-limit window in seconds", min=1)] = 60,
    max_body: Annotated[int, typer.Option(help="Largest request body in bytes", min=1024)] = 64 * 1024,
    release_interval: Annotated[
        int, typer.Option(help="Try to cut a release every N seconds (0 = on command only)", min=0)
    ] = 0,
    cookie_secure: Annotated[bool, typer.Option(help="Mark the session cookie Secure (behind HTTPS)")] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
) -> None:
    """Run the web service and dashboard (FastAPI under uvicorn); OpenAPI spec at /openapi.json."""
    from supplyscope.extras import require

    uvicorn = require("uvicorn", "the web service")
    require("fastapi", "the web service")

    from supplyscope.service.app import create_app

    settings = ServiceSettings(
        db=db or default_db(),
        warehouse=warehouse,
        rate_limit=rate_limit,
        rate_window_s=rate_window,
        max_body_bytes=max_body,
        disclosure=load_rules(disclosure),
        release_interval_s=release_interval,
        cookie_secure=cookie_secure,
    )
    app = create_app(settings)
    store = app.state.supplyscope.store
    where = store.url.split("@")[-1]  # never print a password
    mode = " READ-ONLY: reports cannot be filed" if store.read_only else ""
    console.print(
        f"supplyscope serving on http://{host}:{port} (alerts in {where}){mode}", highlight=False, soft_wrap=True
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


@alerts_app.command("migrate")
def migrate(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Create or upgrade the alert store's schema."""
    store = open_store(db or default_db(), migrate=False)
    try:
        applied = store.migrate()
        version = store.schema_version()
    finally:
        store.close()
    if fmt is OutputFormat.json:
        print_json({"applied": applied, "schema_version": version})
    else:
        console.print(f"applied {applied or 'nothing'}; schema version {version}")


@alerts_app.command("add-user")
def add_user(
    name: Annotated[str, typer.Argument(help="User name (unique)")],
    role: Annotated[Role, typer.Option(help="submitter, analyst or admin")] = Role.submitter,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Create a user and print its API token (shown only now; only its hash is stored)."""
    store = open_store(db or default_db())
    try:
        user, token = store.create_user(name, role)
    finally:
        store.close()
    if fmt is OutputFormat.json:
        print_json({"id": user.id, "name": user.name, "role": user.role.value, "token": token})
    else:
        console.print(f"user {user.id} {user.name!r} ({user.role.value}); token: {token}", highlight=False)


@alerts_app.command("users")
def users(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """List users (never tokens)."""
    store = open_store(db or default_db())
    try:
        rows = [
            {"id": u.id, "name": u.name, "role": u.role.value, "active": u.active, "created_at": u.created_at}
            for u in store.users()
        ]
    finally:
        store.close()
    if fmt is OutputFormat.json:
        print_json(rows)
    else:
        for r in rows:
            console.print(
                f"{r['id']:>4}  {r['name']:<24} {r['role']:<10} {'active' if r['active'] else 'inactive'}",
                highlight=False,
            )


@alerts_app.command("cut-release")
def cut(
    db: DbOption = None,
    disclosure: Annotated[
        Path | None, typer.Option(help="TOML overriding the disclosure thresholds", exists=True, dir_okay=False)
    ] = None,
) -> None:
    """Cut the next release now (refused while too few new submitters have contributed) and print it as JSON."""
    store = open_store(db or default_db())
    try:
        print_json(cut_release(store, load_rules(disclosure), ReleasePolicy(), cut_by=None, reason="command line"))
    finally:
        store.close()


@alerts_app.command("release")
def release(
    number: Annotated[int | None, typer.Argument(help="Release number (default: the latest)", min=1)] = None,
    db: DbOption = None,
) -> None:
    """Print a published release as JSON (releases never change once cut)."""
    store = open_store(db or default_db())
    try:
        stored = store.releases()
    finally:
        store.close()
    chosen = stored[-1] if number is None and stored else next((r for r in stored if r["number"] == number), None)
    if chosen is None:
        raise NotFoundError("release", "latest" if number is None else number, [r["number"] for r in stored])
    print_json(published_release(chosen))


@alerts_app.command("reset-token")
def reset_token(
    name: Annotated[str, typer.Argument(help="User name")],
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Issue a new token for a user (run by the operator on the server; the old token stops working)."""
    store = open_store(db or default_db())
    try:
        user = next((u for u in store.users() if u.name == name), None)
        if user is None:
            raise NotFoundError("user", name)
        token = store.rotate_token(user.id)
        store.audit(None, "reset_token", detail=f"user {user.id} from the command line")
    finally:
        store.close()
    if fmt is OutputFormat.json:
        print_json({"id": user.id, "name": user.name, "token": token})
    else:
        console.print(f"user {user.id} {user.name!r}; new token: {token}", highlight=False)


@alerts_app.command("verify-audit")
def verify_audit(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Recompute the audit log's hash chain; exits with an error naming the first entry that was altered."""
    store = open_store(db or default_db())
    try:
        check = store.verify_audit()
    finally:
        store.close()
    if fmt is OutputFormat.json:
        print_json({"entries": check.entries, "ok": check.ok, "first_bad_id": check.first_bad_id, "head": check.head})
    if not check.ok:
        raise DataError(check.reason, source="audit log", row=check.first_bad_id)
    if fmt is not OutputFormat.json:
        console.print(f"audit log intact: {check.entries} entries, head {check.head}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``alerts`` group to the main CLI."""
    app.command("serve")(serve)
    app.add_typer(alerts_app, name="alerts")
