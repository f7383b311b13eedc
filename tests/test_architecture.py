"""The architecture as checks: import layers, one door for bundled data, the public API, a lazy CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import typer

import supplyscope
from supplyscope.cli import COMMANDS, load_command
from supplyscope.data.paths import BUNDLED_DIR

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "supplyscope"
DATA_DOORS = ("data", "codes")  # the only packages that may read bundled files


def _bin(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed; it comes with the [test] extra")
    return found


def test_import_contracts_hold() -> None:
    proc = subprocess.run([_bin("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_architecture_doc_is_generated_from_the_contracts() -> None:
    proc = subprocess.run(
        [sys.executable, "tools/architecture_doc.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def _modules_outside_data_doors() -> list[Path]:
    return [
        p
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).parts[0] not in DATA_DOORS and p.relative_to(SRC).parts[0] != "data"
    ]


# What reading a bundled file looks like: the helper, the directory constant, or a path into it.
_BUNDLED_READ = re.compile(r"\bbundled\(|\bBUNDLED_DIR\b|data/bundled|data\.paths import bundled")


def test_only_data_and_codes_read_bundled_files() -> None:
    offenders = []
    for path in _modules_outside_data_doors():
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if _BUNDLED_READ.search(code) and not code.lstrip().startswith(('"""', "'")):
                offenders.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert not offenders, "bundled files are read outside data/ and codes/:\n" + "\n".join(offenders)


def test_every_bundled_file_has_one_reader() -> None:
    readers: dict[str, set[str]] = {}
    door_modules = [p for d in DATA_DOORS for p in (SRC / d).rglob("*.py")]
    texts = {p: p.read_text(encoding="utf-8") for p in door_modules}
    for f in BUNDLED_DIR.rglob("*"):
        if not f.is_file() or f.suffix in (".md",) or f.name == "provenance.json":
            continue
        rel = f.relative_to(BUNDLED_DIR).as_posix()
        readers[rel] = {str(p.relative_to(SRC)) for p, t in texts.items() if rel in t}
    many = {rel: sorted(mods) for rel, mods in readers.items() if len(mods) > 1}
    assert not many, f"bundled files named by more than one module: {many}"


@pytest.mark.parametrize(
    ("pattern", "home"),
    [
        (r"^\s*import tomllib|^\s*from tomllib ", "config.py"),  # one TOML reader: config.read_toml
        (r"^def (to_iso3|country_code_of|resolve_country)\b", "codes/country_names.py"),  # one name resolver
        (r"^def hhi\b", "indicators/concentration.py"),  # one Herfindahl-Hirschman index
    ],
)
def test_one_definition_per_concept(pattern: str, home: str) -> None:
    found = re.compile(pattern, re.MULTILINE)
    holders = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if found.search(p.read_text("utf-8")))
    assert holders == [home]


def test_the_public_api_is_curated_and_every_name_resolves() -> None:
    assert len(set(supplyscope.__all__)) == len(supplyscope.__all__)
    assert {"assess", "AssessmentResult", "Warehouse", "explain"} <= set(supplyscope.__all__)
    assert supplyscope.assess.__module__ == "supplyscope.notebook"  # returns a result, not the JSON dict
    for name in supplyscope.__all__:
        assert getattr(supplyscope, name) is not None, name
    assert issubclass(supplyscope.DataError, supplyscope.SupplyscopeError)
    with pytest.raises(AttributeError):
        _ = supplyscope.no_such_name  # type: ignore[attr-defined]


def test_importing_the_package_loads_no_heavy_library() -> None:
    heavy = ("pandas", "duckdb", "typer", "fastapi")
    code = f"import sys, supplyscope; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "supplyscope._version.__version__"}
    out = subprocess.run([_bin("supplyscope"), "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"supplyscope {supplyscope.__version__}"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_lazy_command_table_matches_the_real_command(name: str) -> None:
    real = load_command(name)
    assert real.name == name
    assert COMMANDS[name][1] == real.get_short_help_str(limit=500), f"update COMMANDS[{name!r}] in supplyscope.cli"


def test_every_registered_command_is_in_the_table() -> None:
    modules = {module for module, _ in COMMANDS.values()}
    registered: set[str] = set()
    for module in modules:
        holder = typer.Typer()
        __import__(module, fromlist=["register"]).register(holder)
        group = typer.main.get_group(holder)
        registered |= set(group.list_commands(typer.Context(group)))
    assert registered == set(COMMANDS)


def test_help_lists_every_command_without_importing_any() -> None:
    code = (
        "import sys; from supplyscope.cli import app, COMMANDS\n"
        "from typer.testing import CliRunner\n"
        "res = CliRunner().invoke(app, ['--help'], terminal_width=200)\n"
        "assert res.exit_code == 0, res.output\n"
        "missing = [c for c in COMMANDS if c not in res.output]\n"
        "loaded = sorted({m for m, _ in COMMANDS.values()} & set(sys.modules))\n"
        "print(missing, loaded, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] [] False"
