"""Where Spark runs and stages its data: the ``[spark]`` section of the user's settings, or the environment.

```toml
[spark]
master = "spark://10.0.0.5:7077"           # default local[2]
staging = "s3a://my-bucket/supplyscope"    # shared by the driver and every executor
tables = "/shared/supplyscope-export"     # where `assess --engine spark` keeps the Parquet export
```

``$SUPPLYSCOPE_SPARK_MASTER``, ``$SUPPLYSCOPE_SPARK_STAGING`` and ``$SUPPLYSCOPE_SPARK_TABLES`` override
the file (CI sets them for its standalone cluster); command-line options (``--spark-master``,
``--staging``) override both. With no master named anywhere, a process launched by ``spark-submit``
runs on the master given to ``spark-submit``, and any other process on :data:`DEFAULT_MASTER`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from supplyscope.config import user_section
from supplyscope.errors import ConfigError

MASTER_ENV = "SUPPLYSCOPE_SPARK_MASTER"
STAGING_ENV = "SUPPLYSCOPE_SPARK_STAGING"
KEYS = ("master", "staging", "tables")
TABLES_ENV = "SUPPLYSCOPE_SPARK_TABLES"
DEFAULT_MASTER = "local[2]"


@dataclass(frozen=True)
class SparkSettings:
    """The Spark master URL (``None``: not named; see the module), the staging location (``None``: a
    temporary directory, local mode only) and the directory of the warehouse's Parquet export (``None``:
    under ``$SUPPLYSCOPE_HOME``)."""

    master: str | None = None
    staging: str | None = None
    tables: str | None = None


def spark_settings(path: Path | str | None = None) -> SparkSettings:
    """Settings from ``[spark]`` of the user's file, then the environment variables on top."""
    section, where = user_section("spark", path)
    unknown = sorted(set(section) - set(KEYS))
    if unknown:
        raise ConfigError(f"unknown key(s) {unknown}; known: {list(KEYS)}", key="spark", source=where)
    for key in KEYS:
        if key in section and not (isinstance(section[key], str) and section[key].strip()):
            raise ConfigError("expected a non-empty string", key=f"spark.{key}", source=where)
    master = os.environ.get(MASTER_ENV) or section.get("master")
    staging = os.environ.get(STAGING_ENV) or section.get("staging")
    tables = os.environ.get(TABLES_ENV) or section.get("tables")
    return SparkSettings(
        master=str(master) if master else None,
        staging=str(staging) if staging else None,
        tables=str(tables) if tables else None,
    )
