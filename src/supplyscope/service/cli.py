"""``supplyscope serve`` and ``supplyscope alerts ...`` (user admin, migrations, published aggregates)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from supplyscope.alerts.aggregate import published_aggregates
from supplyscope.alerts.auth import Role
from supplyscope.alerts.disclosure import load_rules
from supplyscope.alerts.storage import open_store
from supplyscope.clitools import OutputFormat, console, print_json
from supplyscope.errors import ConfigError
from supplyscope.service.settings import ServiceSettings, default_db

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Alert store: sqlite:///path (default <home>/alerts.sqlite3) or postgresql://..."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table or json")]

alerts_app = typer.Typer(help="Disruption alerts: users, migrations and published aggregates.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port", min=0, max=65535)] = 8000,
    db: DbOption = None,
    warehouse: Annotated[str | None, typer.Option(help="DuckDB warehouse for the assessment")] = None,
    disclosure: Annotated[Path | None, typer.Option(help="TOML overriding the disclosure thresholds")] = None,
    rate_limit: Annotated[int, typer.Option(help="Reports per submitter per window", min=1)] = 30,
    rate_window: Annotated[int, typer.Option(help="Rate-limit window in seconds", min=1)] = 60,
    max_body: Annotated[int, typer.Option(help="Largest request body in bytes", min=1024)] = 64 * 1024,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
) -> None:
    """Run the web service and dashboard (FastAPI under uvicorn); OpenAPI spec at /openapi.json."""
    import uvicorn

    from supplyscope.service.app import create_app

    settings = ServiceSettings(
        db=db or default_db(),
        warehouse=warehouse,
        rate_limit=rate_limit,
        rate_window_s=rate_window,
        max_body_bytes=max_body,
        disclosure=load_rules(disclosure),
    )
    app = create_app(settings)
    where = app.state.supplyscope.store.url.split("@")[-1]  # never print a password
    console.print(f"supplyscope serving on http://{host}:{port} (alerts in {where})", highlight=False, soft_wrap=True)
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


@alerts_app.command("aggregates")
def aggregates(
    db: DbOption = None,
    disclosure: Annotated[Path | None, typer.Option(help="TOML overriding the disclosure thresholds")] = None,
    fmt: FormatOption = OutputFormat.json,
) -> None:
    """Print the published aggregates (after disclosure control) as JSON."""
    if fmt is not OutputFormat.json:
        raise ConfigError("aggregates are printed as JSON only; use --format json", key="format")
    store = open_store(db or default_db())
    try:
        print_json(published_aggregates(store.contributions(), load_rules(disclosure)))
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``alerts`` group to the main CLI."""
    app.command("serve")(serve)
    app.add_typer(alerts_app, name="alerts")
