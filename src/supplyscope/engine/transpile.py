"""DuckDB-dialect SQL to Spark SQL, with sqlglot."""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, UnsupportedError

from supplyscope.errors import ConfigError


def _unique_cte_names(tree: exp.Expression) -> exp.Expression:
    """Rename nested CTEs whose names repeat an enclosing or earlier CTE.

    DuckDB allows ``WITH ws AS (WITH ws AS (...) SELECT ...)``; sqlglot's Spark output hoists every
    CTE to the top level, where repeated names are an error. Each repeated name is renamed within the
    query that declares it (where it shadows the outer one), which keeps the meaning.
    """
    seen: set[str] = set()
    for k, with_ in enumerate(list(tree.find_all(exp.With))):
        scope = with_.parent
        for cte in with_.expressions:
            name = cte.alias
            if name.lower() in seen and scope is not None:
                new = f"{name}__{k}"
                cte.set("alias", exp.TableAlias(this=exp.to_identifier(new)))
                for table in scope.find_all(exp.Table):
                    if table.name == name and not table.db:
                        table.set("this", exp.to_identifier(new))
                        if not table.alias:  # keep qualified references (ws.col) working
                            table.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
                name = new
            seen.add(name.lower())
    return tree


@lru_cache(maxsize=512)
def to_spark(query: str) -> str:
    """Spark SQL for a query written in DuckDB's dialect (one statement)."""
    try:
        parsed = sqlglot.parse(query, read="duckdb")
    except ParseError as exc:
        raise ConfigError(f"cannot parse the query: {exc}", key="query") from exc
    trees = [t for t in parsed if isinstance(t, exp.Expression)]
    if len(trees) != 1:
        raise ConfigError(f"expected one SQL statement, got {len(trees)}", key="query")
    tree = _unique_cte_names(trees[0])
    try:
        return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except UnsupportedError as exc:
        raise ConfigError(f"cannot translate the query to Spark SQL: {exc}", key="query") from exc
