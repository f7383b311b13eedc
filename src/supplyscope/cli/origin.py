"""CLI: ``supplyscope origin BOM`` and ``supplyscope duty HTS10`` (plus ``origin-coverage``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from supplyscope.clitools import OutputFormat, XlsxOpt, console, finite, format_option, print_json, save_workbook


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def origin_command(
    bom: Annotated[Path, typer.Argument(help="Bill of materials, .json or .csv", exists=True, dir_okay=False)],
    agreement: Annotated[str | None, typer.Option(help="Agreement to test, e.g. USMCA, US-Peru TPA, UK-japan")] = None,
    fmt: Annotated[OutputFormat, format_option(help="table or json")] = OutputFormat.table,
    de_minimis_exclusions: Annotated[
        bool,
        typer.Option("--de-minimis-exclusions", help="Apply the 2024 proposal excluding 301/232 goods from de minimis"),
    ] = False,
    premium: Annotated[
        float | None, typer.Option(help="Price premium of a re-sourced supplier, e.g. 0.1", min=0, callback=finite)
    ] = None,
    graduated: Annotated[bool, typer.Option("--graduated", help="Add the graduated-301 simulation")] = False,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", exists=True, help="Your own rule set (YAML, rule language of docs/origin.md)"),
    ] = None,
    origin_301: Annotated[
        str,
        typer.Option(
            "--origin-301",
            help="Origin for Section 301: part102 (19 CFR 102) or substantial_transformation (judgement call)",
        ),
    ] = "part102",
    entry: Annotated[
        str | None, typer.Option("--date", help="Entry date YYYY-MM-DD for the duty stack (default today)")
    ] = None,
    xlsx: XlsxOpt = None,
) -> None:
    """Preferential and non-preferential origin of a BOM, its US duty stack, and what flips it."""
    from supplyscope.errors import ConfigError
    from supplyscope.origin.agreements import Agreement, load_agreement
    from supplyscope.origin.bom import load_bom
    from supplyscope.origin.graduated import simulate_graduated_301
    from supplyscope.origin.report import evaluate_bom

    if origin_301 not in ("part102", "substantial_transformation"):
        raise ConfigError("use part102 or substantial_transformation", key="--origin-301")
    agr: str | Agreement | None = agreement
    if rules is not None:
        if agreement is not None:
            raise ConfigError("give --agreement or --rules, not both", key="--rules")
        agr = load_agreement(rules)
    b = load_bom(bom)
    report = evaluate_bom(
        b, agr, de_minimis_exclusions=de_minimis_exclusions, premium=premium, origin_301_mode=origin_301, on=entry
    )
    out: dict[str, Any] = report.to_dict()
    if graduated:
        d0 = report.duties
        base = (d0.total_rate - (d0.section301 or 0.0)) if d0 is not None else 0.0
        out["graduated_301"] = simulate_graduated_301(
            b, base_rate=base, applied_section301_rate=d0.section301 if d0 is not None else None
        )
    if xlsx is not None:
        save_workbook(xlsx, _origin_sheets(out), _origin_about(out, b.name or bom.name, b.hts, b.value, b.country))
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
    if out["preferential_unsupported"]:
        console.print(f"[yellow]{out['preferential_unsupported']}[/]", highlight=False)
    console.print(
        f"Non-preferential origin: [bold]{out['non_preferential_origin']}[/] ({out['non_preferential_basis']})"
    )
    d = out["duties"]
    if d:
        label = "" if d["complete"] else " [bold red]INCOMPLETE[/] (missing: " + "; ".join(d["missing"]) + ")"
        console.print(
            f"Duties on {d['date']}: MFN {_pct(d['mfn'])}, preferential {_pct(d['preferential'])}, "
            f"301 {_pct(d['section301'])}, 232 {_pct(d['section232'])}, IEEPA {_pct(d['ieepa'])}, "
            f"122 {_pct(d['section122'])} → total {_pct(d['total_rate'])} "
            f"= ${d['duty_usd']:,.2f}{label}; de minimis eligible: {d['de_minimis_eligible']}"
        )
    o301 = out["section301_origin"]
    if o301:
        label = " — judgement call" if o301["judgement_call"] else ""
        console.print(f"Section 301 origin: {o301['origin']} ({o301['mode']}{label}): {o301['basis']}", highlight=False)
    gaps = dict.fromkeys(g for g in out["flip_gaps"])
    for g in gaps:
        console.print(g, highlight=False)
    for f in out["flip"]:
        part = "part of " if f["partial"] else ""
        console.print(
            f"Flip: move {part}{', '.join(f['materials'])} to {f['to']} (${f['value_moved_usd']:,.2f} re-sourced)",
            highlight=False,
        )
    if graduated:
        console.print(out["graduated_301"])


def _frame(rows: list[dict[str, Any]], columns: list[str] | None = None) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns) if rows or columns else pd.DataFrame()


def _origin_about(out: dict[str, Any], name: str, hts: str, value: float, country: str) -> dict[str, Any]:
    d = out["duties"] or {}
    return {
        "product": name,
        "HTS": hts,
        "value (USD)": value,
        "made in": country,
        "agreement": out["agreement"] or "none tested",
        "qualifies": out["qualifies"],
        "rule": out["rule"],
        "non-preferential origin": f"{out['non_preferential_origin']} ({out['non_preferential_basis']})",
        "entry date": d.get("date", ""),
        "total duty rate": d.get("total_rate"),
        "duty (USD)": d.get("duty_usd"),
        "duty stack complete": d.get("complete"),
        "missing": d.get("missing") or "",
    }


def _origin_sheets(out: dict[str, Any]) -> dict[str, Any]:
    """``--xlsx`` of ``origin``: the rule trace, the duty layers and the flips."""
    d = out["duties"] or {}
    return {
        "rule trace": _frame(out["trace"], ["depth", "rule", "passed", "detail"]),
        "duty layers": _frame(d.get("layers", [])),
        "flips": _frame(out["flip"], ["materials", "from", "to", "value_moved_usd", "partial", "extra_cost_usd"]),
    }


def duty_command(
    hts10: Annotated[str, typer.Argument(help="HTS8 or HTS10, dots optional")],
    origin: Annotated[str, typer.Option(help="Country of origin, ISO3")],
    value: Annotated[float, typer.Option(help="Customs value, US dollars", min=0, callback=finite)],
    entry: Annotated[str | None, typer.Option("--date", help="Entry date YYYY-MM-DD (default today)")] = None,
    agreement: Annotated[
        str | None, typer.Option(help="US FTA whose preference is claimed (name or HTS program code, e.g. KORUS, KR)")
    ] = None,
    qualifies: Annotated[
        bool | None, typer.Option("--qualifies/--not-qualifies", help="Whether the good qualifies under --agreement")
    ] = None,
    quantity: Annotated[
        float | None, typer.Option(help="Quantity in --unit, for specific and compound rates", min=0, callback=finite)
    ] = None,
    unit: Annotated[str | None, typer.Option(help="HTS unit of quantity of --quantity, e.g. kg, No., liters")] = None,
    origin_301: Annotated[
        str | None, typer.Option("--origin-301", help="Country of origin for Section 301 if different, ISO3")
    ] = None,
    de_minimis_exclusions: Annotated[bool, typer.Option("--de-minimis-exclusions")] = False,
    fmt: Annotated[OutputFormat, format_option(help="table or json")] = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """The US duty stack for one line on an entry date: base rate, preference, 232, 301, IEEPA, 122, de minimis."""
    from supplyscope.origin.duty import duty_stack

    d = duty_stack(
        hts10,
        origin,
        value,
        on=entry,
        agreement=agreement,
        qualifies=qualifies,
        quantity=quantity,
        unit=unit,
        origin_301=origin_301,
        de_minimis_exclusions=de_minimis_exclusions,
    )
    if xlsx is not None:
        doc = d.to_dict()
        about: dict[str, Any] = {
            k: doc[k]
            for k in ("hts10", "origin", "value", "date", "total_rate", "duty_usd", "complete", "missing")
            if k in doc
        }
        save_workbook(xlsx, {"duty layers": _frame(doc["layers"])}, about)
    if fmt is OutputFormat.json:
        print_json(d.to_dict())
        return
    t = Table("layer", "heading", "rate", "duty", "in force", "approximate")
    for ly in d.layers:
        t.add_row(
            ly.name + ("" if ly.applied else " (not added)"),
            ly.heading or "",
            _pct(ly.rate),
            "—" if ly.duty_usd is None else f"${ly.duty_usd:,.2f}",
            ly.window,
            "yes" if ly.approximate else "",
        )
    console.print(t)
    label = "" if d.complete else " [bold red]INCOMPLETE[/] (missing: " + "; ".join(d.missing) + ")"
    console.print(
        f"{d.date}: duty on ${d.value:,.2f} = ${d.duty_usd:,.2f} ({_pct(d.total_rate)}){label}; "
        f"de minimis eligible: {d.de_minimis_eligible}"
    )
    for r in d.reasons:
        console.print(f"• {r}", highlight=False, markup=False)
    console.print("Not modelled: " + "; ".join(d.not_modelled), highlight=False, markup=False)


def coverage_command(
    scheme: Annotated[str | None, typer.Option(help="One UK scheme, e.g. japan")] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", exists=True, help="Also report a rule set of your own (YAML)")
    ] = None,
    fmt: Annotated[OutputFormat, format_option(help="table or json")] = OutputFormat.table,
    xlsx: XlsxOpt = None,
) -> None:
    """Rule coverage per agreement: US FTAs (share of HS6 with a compiled rule) and UK schemes."""
    from supplyscope.origin.agreements import agreement_coverage, load_agreement, us_fta_coverage
    from supplyscope.origin.uk_psr import uk_coverage

    cov: dict[str, Any] = dict(uk_coverage(scheme))
    us = us_fta_coverage()
    if rules is not None:
        us.append({**agreement_coverage(load_agreement(rules)), "unsupported": None})
    cov["us_agreements"] = us
    if xlsx is not None:
        reasons = _frame(
            [{"reason": r, "rule sets": n} for r, n in cov["unsupported_reasons"]], ["reason", "rule sets"]
        )
        sheets = {"US agreements": _frame(us), "UK schemes": _frame(cov["schemes"]), "UK unsupported": reasons}
        save_workbook(xlsx, sheets, {k: v for k, v in cov["total"].items()})
    if fmt is OutputFormat.json:
        print_json(cov)
        return
    u = Table("US agreement", "rule entries", "HS6 covered", "partial", "coverage", "unsupported")
    for r in us:
        u.add_row(
            r["agreement"],
            str(r["rule_entries"]),
            f"{r['hs6_covered']:,}/{r['hs6']:,}",
            str(r["hs6_partial"]),
            f"{100 * r['coverage']:.1f}%" + (" (+general rule)" if r["general_rule"] else ""),
            r["unsupported"] or "",
        )
    console.print(u)
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
