"""The benchmark's results: the targets, ``bench/results.json`` and the console's tables.

Pure functions of the measurements ``bench.run`` takes, so that the shape of the results can be
tested without a server.
"""

import re

from bench.addresses import SETS

CACHE_MODES = ("cache_on", "cache_off")

# Ratios to the floor at the large size.
FIXED_TARGETS = {"policy-list-cached": 0.70, "policy-list-304": 0.70}
SET_TARGETS = {
    "document": {"cache_on": 0.15, "cache_off": 0.12},
    "zone": {"cache_on": 0.15, "cache_off": 0.12},
    "list": {"cache_on": 0.05, "cache_off": 0.04},
    "search": {"cache_on": 0.03, "cache_off": 0.03},
    "api": {"cache_on": 0.10, "cache_off": 0.08},
}
# p95 of the search set with the cache on, in milliseconds.
SEARCH_P95_MS = 1000
FIRST_READ_MS = 300
EDITING_P95_RATIO = 1.5
# p95 at the large size over p95 at the small one.
SCALING_P95_RATIO = 2.0


def admin_target_ms(path: str) -> int:
    """Changelists and change forms 200 ms, a changelist's search 400 ms, its counts 1 s."""
    if "_facets=" in path:
        return 1000
    if re.search(r"[?&]q=", path):
        return 400
    return 200


def summary(item: dict) -> dict:
    """A measurement as results.json keeps it."""
    return {
        "name": item["name"],
        "rps": round(item["rps"], 1),
        "ratio": round(item["ratio"], 3),
        "p50_ms": round(item["p50_ms"], 1),
        "p95_ms": round(item["p95_ms"], 1),
        "errors": item["errors"],
    }


def fixed_results(large: list[dict], small: list[dict] | None) -> tuple[list, dict]:
    small_by_name = {item["name"]: item for item in small or []}
    endpoints, scaling = [], {}
    for item in large:
        endpoints.append(
            {
                **summary(item),
                "path": item["path"],
                "server": item["server"],
                "queries": item["queries"],
            }
        )
        before = small_by_name.get(item["name"])
        if before:
            scaling[item["name"]] = {
                "queries_small": before["queries"],
                "queries_large": item["queries"],
                "p95_ratio": round(item["p95_ms"] / before["p95_ms"], 2)
                if before["p95_ms"]
                else None,
            }
    return endpoints, scaling


def longtail_results(large: dict, small: dict | None, queries: dict) -> tuple[dict, dict]:
    """``large`` and ``small``: cache mode → measurements of the sets; ``queries``: size →
    set → its query counts. Returns the ``longtail`` and ``longtail_scaling`` entries."""
    longtail = {mode: [summary(item) for item in large.get(mode, [])] for mode in CACHE_MODES}
    scaling = {}
    for mode in CACHE_MODES:
        small_by_name = {item["name"]: item for item in (small or {}).get(mode, [])}
        for item in large.get(mode, []):
            name = item["name"]
            entry = scaling.setdefault(
                name,
                {
                    "queries_small": queries.get("small", {}).get(name, {}).get("queries_mean"),
                    "queries_large": queries.get("large", {}).get(name, {}).get("queries_mean"),
                },
            )
            before = small_by_name.get(name)
            entry[f"p95_ms_small_{mode}"] = round(before["p95_ms"], 1) if before else None
            entry[f"p95_ms_large_{mode}"] = round(item["p95_ms"], 1)
            entry[f"p95_ratio_{mode}"] = (
                round(item["p95_ms"] / before["p95_ms"], 2) if before and before["p95_ms"] else None
            )
    return longtail, scaling


def rounded(figures: dict) -> dict:
    """Milliseconds per path, to a tenth; None where a request failed."""
    return {path: None if value is None else round(value, 1) for path, value in figures.items()}


def build_results(measured: dict, previous: dict | None = None) -> dict:
    """results.json from this run's parts; the parts not run keep their figures from
    ``previous`` (``measured_at`` says when each part was measured)."""
    results = dict(previous or {})
    results["dataset"] = measured["dataset"]
    results.setdefault("measured_at", {})
    results["measured_at"] = dict(results["measured_at"])
    if "floor_rps" in measured:
        results["floor"] = {"rps": round(measured["floor_rps"], 1)}
    if "fixed" in measured:
        fixed = measured["fixed"]
        results["endpoints"], results["scaling"] = fixed_results(fixed["large"], fixed.get("small"))
    if "longtail" in measured:
        longtail = measured["longtail"]
        results["longtail"], results["longtail_scaling"] = longtail_results(
            longtail["large"], longtail.get("small"), longtail.get("queries", {})
        )
    if "first_read" in measured:
        results["first_read_ms"] = rounded(measured["first_read"])
    if "admin" in measured:
        results["admin_ms"] = rounded(measured["admin"])
    if "editing" in measured:
        results["editing"] = measured["editing"]
    for part, moment in measured.get("measured_at", {}).items():
        results["measured_at"][part] = moment
    return results


def none_as_dash(value) -> str:
    return "-" if value is None else str(value)


def mark(ok: bool | None) -> str:
    if ok is None:
        return ""
    return "ok" if ok else "MISSED"


def fixed_table(results: dict) -> list[str]:
    header = (
        f"{'endpoint':<21} {'server':<9} {'rps':>8} {'ratio':>6} {'target':>6} {'':<6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'errors':>6} | small: {'queries':>7} "
        f"{'p95 ×':>6}"
    )
    lines = ["Fixed addresses", header, "-" * len(header)]
    for item in results.get("endpoints", []):
        target = FIXED_TARGETS.get(item["name"])
        scale = results.get("scaling", {}).get(item["name"], {})
        ok = None if target is None else item["ratio"] >= target and not item["errors"]
        if item["errors"]:
            ok = False
        p95_ratio = scale.get("p95_ratio")
        lines.append(
            f"{item['name']:<21} {item.get('server', ''):<9} {item['rps']:8.1f} "
            f"{item['ratio']:6.3f} {(f'{target:.2f}' if target else '-'):>6} {mark(ok):<6} "
            f"{item['p50_ms']:8.1f} {item['p95_ms']:8.1f} {item['queries']!s:>7} "
            f"{item['errors']:>6} |        {scale.get('queries_small', '-')!s:>7} "
            f"{(f'{p95_ratio:.2f}' if p95_ratio is not None else '-'):>6}"
        )
    return lines


def set_ok(mode: str, item: dict) -> bool:
    target = SET_TARGETS[item["name"]][mode]
    ok = item["ratio"] >= target and not item["errors"]
    if item["name"] == "search" and mode == "cache_on":
        ok = ok and item["p95_ms"] <= SEARCH_P95_MS
    return ok


def longtail_table(results: dict) -> list[str]:
    lines = []
    scaling = results.get("longtail_scaling", {})
    for mode in CACHE_MODES:
        items = results.get("longtail", {}).get(mode, [])
        if not items:
            continue
        title = "production settings, page cache on" if mode == "cache_on" else "every cache off"
        header = (
            f"{'set':<9} {'rps':>8} {'ratio':>6} {'target':>6} {'':<6} {'p50 ms':>9} "
            f"{'p95 ms':>9} {'errors':>6} | {'queries':>7} {'small':>7} | {'p95 small':>9} "
            f"{'p95 ×':>6}"
        )
        lines += ["", f"Long tail, {title}", header, "-" * len(header)]
        for item in items:
            scale = scaling.get(item["name"], {})
            ratio = scale.get(f"p95_ratio_{mode}")
            small_p95 = scale.get(f"p95_ms_small_{mode}")
            lines.append(
                f"{item['name']:<9} {item['rps']:8.1f} {item['ratio']:6.3f} "
                f"{SET_TARGETS[item['name']][mode]:6.2f} {mark(set_ok(mode, item)):<6} "
                f"{item['p50_ms']:9.1f} {item['p95_ms']:9.1f} {item['errors']:>6} | "
                f"{none_as_dash(scale.get('queries_large')):>7} "
                f"{none_as_dash(scale.get('queries_small')):>7} | "
                f"{(f'{small_p95:.1f}' if small_p95 is not None else '-'):>9} "
                f"{(f'{ratio:.2f}' if ratio is not None else '-'):>6}"
            )
    if lines:
        lines.append(
            f"(targets: ratio to the floor; search with the cache on also p95 <= "
            f"{SEARCH_P95_MS} ms; queries: mean per first read at 100,000 and at the small size; "
            f"p95 × = p95 large / p95 small, target <= {SCALING_P95_RATIO:.0f})"
        )
    return lines


def milliseconds_table(title: str, figures: dict, target_of) -> list[str]:
    if not figures:
        return []
    width = max(len(path) for path in figures)
    header = f"{'path':<{width}} {'median ms':>10} {'target':>7}"
    lines = ["", title, header, "-" * len(header)]
    for path, value in figures.items():
        target = target_of(path)
        ok = value is not None and value <= target
        shown = f"{value:10.1f}" if value is not None else f"{'failed':>10}"
        lines.append(f"{path:<{width}} {shown} {target:7d} {mark(ok)}")
    return lines


def editing_table(editing: dict | None) -> list[str]:
    if not editing:
        return []
    ratio = editing.get("p95_ratio")
    ok = ratio is not None and ratio <= EDITING_P95_RATIO and not editing.get("reader_errors")
    return [
        "",
        "Editing load (one save a second through the API while readers read the long tail)",
        f"readers' p95 without edits {editing.get('p95_ms_without')} ms, with edits "
        f"{editing.get('p95_ms_with')} ms: ratio {ratio} (target <= {EDITING_P95_RATIO}) "
        f"{mark(ok)}; {editing.get('edits')} saves ({editing.get('edit_errors')} failed, "
        f"median {editing.get('edit_median_ms')} ms); reader errors "
        f"{editing.get('reader_errors')}",
    ]


def tables(results: dict) -> str:
    dataset = results.get("dataset", {})
    lines = [
        f"Floor (hello world, same server and middleware): "
        f"{results.get('floor', {}).get('rps', 0):.1f} rps; {dataset.get('documents', 0):,} "
        f"documents, {dataset.get('zones', 0):,} zones.",
        "",
    ]
    if results.get("endpoints"):
        lines += fixed_table(results)
    lines += longtail_table(results)
    lines += milliseconds_table(
        "First read after an edit (single requests, production settings)",
        results.get("first_read_ms", {}),
        lambda path: FIRST_READ_MS,
    )
    lines += milliseconds_table(
        "The admin at the large size (signed in as a superuser)",
        results.get("admin_ms", {}),
        admin_target_ms,
    )
    lines += editing_table(results.get("editing"))
    return "\n".join(lines)


def results_shape_problems(results: dict) -> list[str]:
    """What a results.json of a full run lacks, as sentences; empty when it is complete."""
    problems = []
    for mode in CACHE_MODES:
        entries = results.get("longtail", {}).get(mode)
        if entries is None:
            problems.append(f"longtail.{mode} is missing")
            continue
        names = [entry.get("name") for entry in entries]
        if sorted(names) != sorted(SETS):
            problems.append(f"longtail.{mode} has sets {names}")
        for entry in entries:
            keys = {"name", "rps", "ratio", "p50_ms", "p95_ms", "errors"}
            if not keys <= set(entry):
                problems.append(f"longtail.{mode}.{entry.get('name')} lacks {keys - set(entry)}")
    for key in ("first_read_ms", "admin_ms"):
        if not isinstance(results.get(key), dict) or not results[key]:
            problems.append(f"{key} is missing")
    if "p95_ratio" not in results.get("editing", {}):
        problems.append("editing.p95_ratio is missing")
    return problems
