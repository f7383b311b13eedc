# %% [markdown]
# # Assessment walkthrough
#
# A percent-format script (open it as a notebook in Jupyter via jupytext, VS Code or Spyder, or run it
# with `python examples/assessment_walkthrough.py [OUTPUT_DIR]`). It scores every HS6 product the
# United States imports on the bundled real data (US Census 2024 imports, OECD ICIO, USGS MCS, WGI),
# explains the top score, re-weights the dimensions without writing TOML, and saves a chart.

# %%
import sys
import tempfile
from pathlib import Path

import supplyscope

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="supplyscope-walkthrough-"))
out.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## Score and rank
# `supplyscope.assess` builds the warehouse on first use (a few seconds) and caches the assessment.

# %%
result = supplyscope.assess(importer="USA")
frame = result.to_frame()
print(f"{len(frame):,} products scored for {result.importer} {result.year}")
print(frame[["hs6", "description", "score", "rank_lo", "rank_hi", "main_driver"]].head(10).to_string(index=False))

# %% [markdown]
# ## Why is the top product on top?

# %%
top = str(frame["hs6"].iloc[0])
record = result.explain(top)
parts = sorted(
    ((name, item["contribution"]) for name, item in record["indicators"].items() if item["contribution"]),
    key=lambda t: -t[1],
)
print(f"{top} {record['description']}: score {record['score']}, main driver {record['main_driver']}")
for name, points in parts[:5]:
    print(f"  {name:<32} {points:6.2f} points")
print("top suppliers:", ", ".join(f"{s['country']} {s['share']:.0%}" for s in record["suppliers"][:5]))

# %% [markdown]
# ## What if security counted double?

# %%
security_first = result.with_weights({"security": 2.0})
moved = security_first.to_frame().set_index("hs6")["rank"] - frame.set_index("hs6")["rank"]
print(f"security weight 2: {int((moved != 0).sum()):,} products change rank; largest rise {-int(moved.min())} places")

# %% [markdown]
# ## A chart

# %%
chart = out / "assessment_top30.html"
result.plot(top=30).write_html(chart, include_plotlyjs=True)
print(f"chart: {chart}")
