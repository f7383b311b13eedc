"""CLI: ``supplyscope origin BOM`` and ``supplyscope duty HTS10`` (plus ``origin-coverage``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from supplyscope.clitools import OutputFormat, console, print_json


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def origin_command(
    bom: Annotated[Path, typer.Argument(help="Bill of materials, .json or .csv")],
    agreement: Annotated[str | None, typer.Option(help="Agreement to test, e.g. USMCA, US-Peru TPA, UK-japan")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.table,
    de_minimis_exclusions: Annotated[
        bool,
        typer.Option("--de-minimis-exclusions", help="Apply the 2024 proposal excluding 301/232 goods from de minimis"),
    ] = False,
    premium: Annotated[float | None, typer.Option(help="Price premium of a re-sourced supplier, e.g. 0.1")] = None,
    graduated: Annotated[bool, typer.Option("--graduated", help="Add the graduated-301 simulation")] = False,
) -> None:
    """Preferential and non-preferential origin of a BOM, its US duty stack, and what flips it."""
    from supplyscope.origin.bom import load_bom
    from supplyscope.origin.graduated import simulate_graduated_301
    from supplyscope.origin.report import evaluate_bom

    b = load_bom(bom)
    report = evaluate_bom(b, agreement, de_minimis_exclusions=de_minimis_exclusions, premium=premium)
    out: dict[str, Any] = report.to_dict()
    if graduated:
        d0 = report.duties
        base = (d0.total_rate - (d0.section301 or 0.0)) if d0 is not None else 0.0
        out["graduated_301"] = simulate_graduated_301(b, base_rate=base)
    if fmt is OutputFormat.json:
        print_json(out)
        return
    console.print(f"[bold]{b.name or bom.name}[/] HTS {b.hts}, value ${b.value:,.2f}, made in {b.country}")
    if report.preferential:
        verdict = "[green]qualifies[/]" if out["qualifies"] else "[red]does not qualify[/]"
        console.print(f"{report.preferential.agreement}: {verdict} — {out['rule']}")
        t = Table("rule", "passed", "detail")
        for s in out["trace"]:
            t.add_row("  " * s["depth"] + s["rule"], "yes" if s["passed"] else "no", s["detail"])
        console.print(t)
    console.print(
        f"Non-preferential origin: [bold]{out['non_preferential_origin']}[/] ({out['non_preferential_basis']})"
    )
    d = out["duties"]
    if d:
        console.print(
            f"Duties: MFN {_pct(d['mfn'])}, preferential {_pct(d['preferential'])}, "
            f"301 {_pct(d['section301'])}, 232 {_pct(d['section232'])} → total {_pct(d['total_rate'])} "
            f"= ${d['duty_usd']:,.2f}; de minimis eligible: {d['de_minimis_eligible']}"
        )
    for f in out["flip"]:
        console.print(f"Flip: move {', '.join(f['materials'])} to {f['to']} (${f['value_moved_usd']:,.2f} re-sourced)")
    if graduated:
        console.print(out["graduated_301"])


def duty_command(
    hts10: Annotated[str, typer.Argument(help="HTS8 or HTS10, dots optional")],
    origin: Annotated[str, typer.Option(help="Country of origin, ISO3")],
    value: Annotated[float, typer.Option(help="Customs value, US dollars")],
    agreement: Annotated[str | None, typer.Option(help="FTA whose preference is claimed")] = None,
    qualifies: Annotated[
        bool | None, typer.Option("--qualifies/--not-qualifies", help="Whether the good qualifies under --agreement")
    ] = None,
    de_minimis_exclusions: Annotated[bool, typer.Option("--de-minimis-exclusions")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.table,
) -> None:
    """The US duty stack for one line: MFN, preference, Section 301, Section 232, de minimis."""
    from supplyscope.origin.duty import duty_stack

    d = duty_stack(
        hts10, origin, value, agreement=agreement, qualifies=qualifies, de_minimis_exclusions=de_minimis_exclusions
    )
    if fmt is OutputFormat.json:
        print_json(d.to_dict())
        return
    t = Table("layer", "rate")
    for name, v in (
        ("MFN", d.mfn),
        ("preferential", d.preferential),
        ("Section 301", d.section301),
        ("Section 232", d.section232),
        ("total", d.total_rate),
    ):
        t.add_row(name, _pct(v))
    console.print(t)
    console.print(f"Duty on ${d.value:,.2f}: ${d.duty_usd:,.2f}; de minimis eligible: {d.de_minimis_eligible}")
    for r in d.reasons:
        console.print(f"• {r}", highlight=False)


def coverage_command(
    scheme: Annotated[str | None, typer.Option(help="One UK scheme, e.g. japan")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.table,
) -> None:
    """How many UK product-specific rules compile into the rule language, and why the rest do not."""
    from supplyscope.origin.uk_psr import uk_coverage

    cov = uk_coverage(scheme)
    if fmt is OutputFormat.json:
        print_json(cov)
        return
    t = Table("scheme", "rule sets", "compiled", "partial", "unsupported", "coverage")
    for s in cov["schemes"]:
        t.add_row(
            s["scheme"],
            str(s["rule_sets"]),
            str(s["compiled"]),
            str(s["partial"]),
            str(s["unsupported"]),
            f"{100 * s['coverage']:.1f}%",
        )
    console.print(t)
    tot = cov["total"]
    console.print(
        f"Total: {tot['rule_sets']:,} rule sets, {tot['compiled']:,} compiled "
        f"({100 * tot['coverage']:.1f}%), {tot['unsupported']:,} unsupported"
    )
    for reason, n in cov["unsupported_reasons"][:15]:
        console.print(f"  {n:>6,}  {reason}")


def register(app: typer.Typer) -> None:
    """Add ``origin``, ``duty`` and ``origin-coverage`` to the main app."""
    app.command("origin")(origin_command)
    app.command("duty")(duty_command)
    app.command("origin-coverage")(coverage_command)
