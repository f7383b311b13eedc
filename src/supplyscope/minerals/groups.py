"""Country groups for the minerals analyses: countries of concern and coalitions.

Groups come from the project settings (``supplyscope/defaults/groups.toml`` plus the user's
``--config`` file). A coalition can also be given ad hoc as comma-separated ISO3 codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from supplyscope.codes.countries import eu_members
from supplyscope.config import load_settings
from supplyscope.errors import ConfigError, NotFoundError

EU27 = "EU27"

FALLBACK_CONCERN = ("CHN", "HKG", "MAC", "CUB", "IRN", "PRK", "RUS", "VEN")
FALLBACK_CONCERN_SOURCE = (
    "15 CFR 791.4 (foreign adversaries): China incl. Hong Kong and Macau, Cuba, Iran, North Korea, "
    "Russia, Venezuela (Maduro regime)"
)


@dataclass(frozen=True)
class CountryGroup:
    """A resolved group: its name, ISO3 members (EU27 expanded) and the source it cites."""

    name: str
    members: frozenset[str]
    source: str

    @property
    def trade_partners(self) -> frozenset[str]:
        """Partner codes of the Census import table that belong to the group (EU27 when all 27 are in)."""
        eu = set(eu_members())
        return self.members | {EU27} if eu <= self.members else self.members


def _expand(members: tuple[str, ...]) -> frozenset[str]:
    out = set(members)
    if EU27 in out:
        out |= set(eu_members())
    return frozenset(out)


def resolve_group(spec: str, config: Path | str | None = None) -> CountryGroup:
    """A settings group by name (``concern``, ``like_minded`` ...) or a list such as ``USA,JPN,EU27``."""
    settings = load_settings(config)
    if spec in settings.groups:
        g = settings.groups[spec]
        return CountryGroup(spec, _expand(g.members), g.source)
    if spec == "concern":
        return CountryGroup(spec, _expand(FALLBACK_CONCERN), FALLBACK_CONCERN_SOURCE)
    codes = tuple(c.strip().upper() for c in spec.split(",") if c.strip())
    if "," in spec or (len(codes) == 1 and len(codes[0]) == 3 and codes[0].isalpha()):
        bad = [c for c in codes if not (c == EU27 or (c.isalpha() and len(c) == 3))]
        if bad:
            raise ConfigError(f"not ISO3 codes: {bad}", key="coalition")
        return CountryGroup(spec, _expand(codes), "ad hoc list given by the user")
    raise NotFoundError("country group", spec, sorted(settings.groups))


def concern_group(config: Path | str | None = None) -> CountryGroup:
    """Countries of concern: the settings group ``concern`` (default: 15 CFR 791.4)."""
    return resolve_group("concern", config)
