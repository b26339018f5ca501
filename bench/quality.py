"""``make bench-quality``: precision and recall of the website modules on the test world.

Starts the test world's web (every site, with its ground truth) and the whole platform, runs
each module through the API on every site — ``emails`` in ``normal`` mode, then ``deep`` on
that run — and compares each cell with the truth. For a field: a cell is a true positive when
it holds the right value, a false positive when it holds another, a false negative when the
truth has a value the cell does not hold. Writes ``bench/results/quality.json`` and
``docs/quality.md``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.enrichers.truth import WEBSITE_MODULES, expected
from tests.support.api import Api
from tests.support.platform import running_platform
from tests.world.web import SEED, WebWorld
from tests.world.web.sites import SiteSpec

ROOT = Path(__file__).resolve().parent.parent


def score(sites: list[SiteSpec], rows: list[dict[str, str]], module: str, deep: bool = False) -> dict[str, Any]:
    fields: dict[str, dict[str, int]] = {}
    for site, row in zip(sites, rows, strict=True):
        for column, truth in expected(site, module, deep=deep).items():
            counts = fields.setdefault(column, {"tp": 0, "fp": 0, "fn": 0, "truth": 0})
            got = row.get(column, "")
            counts["truth"] += bool(truth)
            if got and got == truth:
                counts["tp"] += 1
            elif got:
                counts["fp"] += 1
            if truth and got != truth:
                counts["fn"] += 1
    for counts in fields.values():
        found, wanted = counts["tp"] + counts["fp"], counts["tp"] + counts["fn"]
        counts["precision"] = round(counts["tp"] / found, 4) if found else None  # type: ignore[assignment]
        counts["recall"] = round(counts["tp"] / wanted, 4) if wanted else None  # type: ignore[assignment]
    return fields


def run() -> dict[str, Any]:
    web = WebWorld()
    settings = web.start()
    results: dict[str, Any] = {"sites": len(web.sites), "seed": SEED, "modules": {}}
    try:
        with running_platform(settings) as platform:
            api = Api(platform).signup()
            items = [site.row() for site in web.sites]
            for module in WEBSITE_MODULES:
                started = time.monotonic()
                job = api.wait(api.create(module, items=items)["id"], timeout=1800)
                rows = api.all_items(job["id"])
                results["modules"][module] = {
                    "seconds": round(time.monotonic() - started, 1),
                    "fields": score(web.sites, rows, module),
                }
                if module == "emails":
                    started = time.monotonic()
                    deep = api.wait(api.create("emails", source_job_id=job["id"], mode="deep")["id"], timeout=3600)
                    results["modules"]["emails (deep)"] = {
                        "seconds": round(time.monotonic() - started, 1),
                        "fields": score(web.sites, api.all_items(deep["id"]), "emails", deep=True),
                    }
                print(module, "done", flush=True)
    finally:
        web.stop()
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        "# Quality of the website modules",
        "",
        f"Measured by `make bench-quality` on the web of the test world ({results['sites']} generated sites with "
        "their ground truth, broken sites included), through the API on the real platform. A cell is right when it "
        "holds exactly the true value; precision = right / filled, recall = right / cells whose truth is not empty. "
        "`fetch_error` is scored like a field: its truth is the error a broken site must produce.",
        "",
        "| module | field | truth | right | wrong | missed | precision | recall |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for module, data in results["modules"].items():
        for field, c in data["fields"].items():
            precision = "—" if c["precision"] is None else f"{c['precision']:.3f}"
            recall = "—" if c["recall"] is None else f"{c['recall']:.3f}"
            lines.append(
                f"| {module} | {field} | {c['truth']} | {c['tp']} | {c['fp']} | {c['fn']} | {precision} | {recall} |"
            )
    lines += ["", "The test world, its hard cases and its broken sites: [test-world-web.md](test-world-web.md)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    results = run()
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "quality.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (ROOT / "docs" / "quality.md").write_text(table(results))
    print(table(results))


if __name__ == "__main__":
    main()
