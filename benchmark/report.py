"""Issue 5's and issue 15's targets, met or missed, and the results as Markdown."""

from .databases import label

TARGETS = {
    "queries": "Query counts identical at page sizes 1, 20 and 100, at most 6 per list, none while serialising",
    "drf_overhead": "DRF articles page of 50 at most 1.5× the plain-Django floor (p50)",
    "scale": "First page at 1 M articles at most 1.5× the first page at 10 k (p50)",
    "counting": "No unbounded COUNT(*) on the large unfiltered list",
    "search_rare": "Rare term at 1 M, top 20: p95 ≤ 50 ms",
    "search_rare_filtered": "Rare term at 1 M with a filter: p95 ≤ 100 ms",
    "facets": "Each facet at 1 M (SQLite: 100 k): p95 ≤ 200 ms",
    "facets_counted": "Each facet at 1 M (SQLite: 100 k) counted, not timed out",
    "search_common": "Common word at 1 M (SQLite: 100 k), top 20: p95 ≤ 150 ms",
    "search_common_filtered": "Common word at 1 M (SQLite: 100 k) with a filter: p95 ≤ 150 ms",
    "filtered_page": "Filtered page (one outlet) at 1 M: p95 ≤ 100 ms",
    "cursor_page": "Cursor page 90 % deep at 1 M: p95 ≤ 50 ms",
    "memory": "Peak RSS per worker at the maximum page size ≤ 200 MB",
    "conditional_get": "304 answer ≤ 25% of a full response (p50)",
    "generation": "A 1 M tier generated in a few minutes (≤ 5 min)",
}


AT_LARGEST_TIER = {
    "scale", "counting", "search_rare", "search_rare_filtered", "facets", "facets_counted", "search_common",
    "search_common_filtered", "filtered_page", "cursor_page",
}  # fmt: skip

# Issue 15 sets these for SQLite at 100 k, not 1 M ("on SQLite, the same design holds at 100 k"); the
# 1 M figure is still shown beside the judged one.
SQLITE_TIER = 100_000
AT_SQLITE_TIER = {"facets", "facets_counted", "search_common", "search_common_filtered"}


GENERATION_TIER = 1_000_000
GENERATION_SECONDS = 300


def _own_tier(engine: str, key: str, measured: list[int]) -> bool:
    return engine == "sqlite" and key in AT_SQLITE_TIER and SQLITE_TIER in measured


def _judged_at(engine: str, key: str, measured: list[int]) -> str:
    """The tier a target is judged at on this engine: the largest measured, or SQLite's own."""
    return str(SQLITE_TIER) if _own_tier(engine, key, measured) else str(measured[-1])


def _scenarios(by_tier: dict, tier: str, kind: str) -> dict:
    return by_tier.get(tier, {}).get("scenarios", {}).get(kind, {})


def _slowest(facets: dict) -> tuple[str, dict]:
    return max(facets.items(), key=lambda item: item[1].get("p95_ms", 0))


def _check(key, engine, met, figure):
    return {"target": key, "engine": engine, "met": met, "figure": figure, "text": TARGETS[key]}


def targets(results: dict) -> list[dict]:
    checks = []
    tiers = sorted({int(t) for e in results["engines"].values() for t in e["tiers"]})
    for engine, data in results["engines"].items():
        counts = data.get("query_counts") or {}
        bad = [
            name
            for name, c in counts.items()
            if len(set(c["queries"].values())) != 1 or max(c["queries"].values()) > 6 or c["during_serialisation"]
        ]
        if counts:
            worst = max(max(c["queries"].values()) for c in counts.values())
            figure = f"max {worst} per list" + (f"; not met by {', '.join(bad)}" if bad else "")
            checks.append(_check("queries", engine, not bad, figure))
        by_tier = data["tiers"]
        for tier in tiers:
            over = by_tier.get(str(tier), {}).get("overhead")
            if over and "p50_ms" in over.get("drf", {}) and "p50_ms" in over.get("values", {}):
                ratio = over["drf"]["p50_ms"] / over["values"]["p50_ms"]
                checks.append(_check("drf_overhead", engine, ratio <= 1.5, f"{ratio:.2f}× at {label(tier)}"))
        measured = sorted(int(t) for t in by_tier)
        small, large = str(measured[0]), str(measured[-1])
        # A target set at the largest tier is only judged there.
        judged = None if measured[-1] < max(tiers) else True
        first = {
            t: by_tier.get(t, {}).get("scenarios", {}).get("pages", {}).get("first page", {}) for t in (small, large)
        }
        if small != large and all("p50_ms" in f for f in first.values()):
            ratio = first[large]["p50_ms"] / first[small]["p50_ms"]
            checks.append(
                _check("scale", engine, ratio <= 1.5, f"{ratio:.2f}× ({label(int(large))} / {label(int(small))})")
            )
        pages = _scenarios(by_tier, large, "pages")
        if "first page" in pages:
            unbounded = pages["first page"]["queries"]["unbounded_count"]
            checks.append(
                _check(
                    "counting",
                    engine,
                    not unbounded,
                    f"{'an' if unbounded else 'no'} unbounded COUNT at {label(int(large))}",
                )
            )
        for key, name, limit in (
            ("search_rare", "search rare", 50),
            ("search_rare_filtered", "search rare + filter", 100),
            ("search_common", "search common", 150),
            ("search_common_filtered", "search common + filter", 150),
            ("filtered_page", "filtered page", 100),
            ("cursor_page", "deep cursor page", 50),
        ):
            tier = _judged_at(engine, key, measured)
            p = _scenarios(by_tier, tier, "pages").get(name, {})
            if "p95_ms" in p:
                figure = f"p95 {p['p95_ms']:.0f} ms at {label(int(tier))}"
                beyond = _scenarios(by_tier, large, "pages").get(name, {})
                if tier != large and "p95_ms" in beyond:
                    figure += f"; {beyond['p95_ms']:.0f} ms at {label(int(large))}, not judged"
                checks.append(_check(key, engine, p["p95_ms"] <= limit, figure))
        tier = _judged_at(engine, "facets", measured)
        facets = _scenarios(by_tier, tier, "facets")
        slow = {n: f["p95_ms"] for n, f in facets.items() if f.get("p95_ms", 0) > 200 or "error" in f}
        if facets:
            worst = _slowest(facets)
            figure = (
                f"slowest {worst[0]} p95 {worst[1].get('p95_ms', 0):.0f} ms at {label(int(tier))}; "
                f"over 200 ms: {len(slow)} of {len(facets)}"
            )
            beyond = _scenarios(by_tier, large, "facets")
            if tier != large and beyond:
                worst = _slowest(beyond)
                figure += f"; slowest at {label(int(large))} {worst[0]} {worst[1].get('p95_ms', 0):.0f} ms, not judged"
            checks.append(_check("facets", engine, not slow, figure))
            timed_out = sorted(n for n, f in facets.items() if f.get("timed_out"))
            figure = f"{len(facets) - len(timed_out)} of {len(facets)} counted at {label(int(tier))}" + (
                f"; timed out: {', '.join(timed_out)}" if timed_out else ""
            )
            checks.append(_check("facets_counted", engine, not timed_out, figure))
        if not judged:
            for check in checks:
                if (
                    check["engine"] == engine
                    and check["target"] in AT_LARGEST_TIER
                    and not _own_tier(engine, check["target"], measured)
                ):
                    check["met"] = None
        generated = by_tier.get(str(GENERATION_TIER), {}).get("generation") or {}
        if generated.get("seconds") is not None:
            figure = f"{generated['seconds']:,.0f} s at {label(GENERATION_TIER)}"
            if generated.get("phases"):
                figure += f" ({_phases(generated)})"
            checks.append(_check("generation", engine, generated["seconds"] <= GENERATION_SECONDS, figure))
        rss = data.get("rss") or {}
        if "peak_rss_mb" in rss:
            checks.append(_check("memory", engine, rss["peak_rss_mb"] <= 200, f"{rss['peak_rss_mb']:.0f} MB"))
        conditional = data.get("conditional_get") or {}
        if conditional.get("available") and "p50_ms" in conditional["not_modified"]:
            ratio = conditional["not_modified"]["p50_ms"] / conditional["full"]["p50_ms"]
            checks.append(_check("conditional_get", engine, ratio <= 0.25, f"{ratio:.0%} of full"))
        elif conditional:
            checks.append(_check("conditional_get", engine, None, "not available: no ETag on article detail"))
    return checks


def _ms(timing: dict) -> str:
    if not timing:
        return "–"
    if "error" in timing:
        return timing["error"]
    return f"{timing['p50_ms']:.1f} / {timing['p95_ms']:.1f}"


def _phases(generation: dict) -> str:
    """Where a generation's time went (generate_corpus's phases; drafting hides the writing it overlaps)."""
    phases = generation.get("phases")
    return ", ".join(f"{name} {seconds:,.0f} s" for name, seconds in phases.items()) if phases else "–"


def _size(value) -> str:
    return "–" if not value else f"{value / 2**20:,.0f} MiB"


def markdown(results: dict) -> str:
    engines = list(results["engines"])
    tiers = sorted({int(t) for e in results["engines"].values() for t in e["tiers"]})
    out = ["# Benchmark results", "",
           f"`make bench` on {results['machine']}, {results['started']}; {results['seconds']:.0f} s in all. "
           "Times are milliseconds through Django's test client against the real URLconf (DEBUG off), "
           "p50 / p95 after a warm-up; \"CPU\" is the benchmark process's own CPU time, which a busy machine "
           "disturbs less than wall time but which leaves out PostgreSQL's server work. "
           "Synthetic corpus: `generate_corpus --seed "
           f"{results['seed']}`.", ""]  # fmt: skip
    if results.get("note"):
        out += [results["note"], ""]
    if results.get("skipped"):
        out += ["Not run: " + ", ".join(results["skipped"]) + ". A target set at the largest tier is marked n/a "
                "for an engine whose largest tier did not run.", ""]  # fmt: skip
    out += ["## Targets", "", "| Target | Engine | Result | Met |", "|---|---|---|---|"]
    for c in results["targets"]:
        met = "n/a" if c["met"] is None else ("met" if c["met"] else "**missed**")
        out.append(f"| {c['text']} | {c['engine']} | {c['figure']} | {met} |")
    out += ["", "## Corpus generation", "", "| Tier | Engine | Time | Of which | Database size |",
            "|---|---|---|---|---|"]  # fmt: skip
    for tier in tiers:
        for engine in engines:
            g = results["engines"][engine]["tiers"].get(str(tier), {}).get("generation")
            if g:
                seconds = "–" if g.get("seconds") is None else f"{g['seconds']:,.0f} s"
                out.append(f"| {label(tier)} | {engine} | {seconds} | {_phases(g)} | {_size(g.get('bytes'))} |")
    out += ["", "## Articles page of 50: DRF against the floor", "",
            "| Tier | Engine | DRF | `.values()` + json | raw SQL + orjson | DRF / values | DRF / raw "
            "| DRF / values, CPU | same JSON |",
            "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for tier in tiers:
        for engine in engines:
            o = results["engines"][engine]["tiers"].get(str(tier), {}).get("overhead")
            if not o or "p50_ms" not in o["drf"]:
                continue
            r1 = o["drf"]["p50_ms"] / o["values"]["p50_ms"]
            r2 = o["drf"]["p50_ms"] / o["raw"]["p50_ms"]
            r3 = o["drf"]["cpu_p50_ms"] / max(o["values"]["cpu_p50_ms"], 0.01)
            out.append(f"| {label(tier)} | {engine} | {_ms(o['drf'])} | {_ms(o['values'])} | {_ms(o['raw'])} | "
                       f"{r1:.2f}× | {r2:.2f}× | {r3:.2f}× | {o['same_json']} |")  # fmt: skip
    out += ["", "## Tiers", ""]
    names = []
    for e in results["engines"].values():
        for t in e["tiers"].values():
            for n in t.get("scenarios", {}).get("pages", {}):
                if n not in names:
                    names.append(n)
    columns = [(tier, engine) for tier in tiers for engine in engines]
    out.append("| Scenario | " + " | ".join(f"{label(t)} {e}" for t, e in columns) + " |")
    out.append("|---|" + "---|" * len(columns))

    def cell(tier, engine, kind, name):
        s = results["engines"][engine]["tiers"].get(str(tier), {}).get("scenarios", {})
        timing = s.get(kind, {}).get(name)
        if not timing:
            return "–"
        extra = f" ({timing['count']:,})" if timing.get("count") is not None else ""
        if timing.get("timed_out"):
            extra = " (timed out)"
        return _ms(timing) + extra

    for n in names:
        out.append(f"| {n} | " + " | ".join(cell(t, e, "pages", n) for t, e in columns) + " |")
    facets = []
    for e in results["engines"].values():
        for t in e["tiers"].values():
            for n in t.get("scenarios", {}).get("facets", {}):
                if n not in facets:
                    facets.append(n)
    for n in facets:
        out.append(f"| facet {n} | " + " | ".join(cell(t, e, "facets", n) for t, e in columns) + " |")
    out += [
        "",
        'In brackets: the `count` the page reports; "timed out": the facet ran past its time budget '
        "and answered with no counts.",
        "",
    ]
    for engine in engines:
        terms = {t: v.get("scenarios", {}).get("terms") for t, v in results["engines"][engine]["tiers"].items()}
        shown = "; ".join(f"{label(int(t))}: {v}" for t, v in terms.items() if v)
        out.append(f"Terms on {engine}: {shown}.  ")
    out += ["", "## Query counts per list (page sizes 1 / 20 / 100)", "",
            "| List | " + " | ".join(engines) + " |", "|---|" + "---|" * len(engines)]  # fmt: skip
    lists = []
    for e in results["engines"].values():
        for n in e.get("query_counts") or {}:
            if n not in lists:
                lists.append(n)
    for n in lists:
        cells = []
        for engine in engines:
            c = (results["engines"][engine].get("query_counts") or {}).get(n)
            if not c:
                cells.append("–")
                continue
            q = " / ".join(str(c["queries"][k]) for k in c["queries"])
            cells.append(q + (f", {c['during_serialisation']} while serialising" if c["during_serialisation"] else ""))
        out.append(f"| {n} | " + " | ".join(cells) + " |")
    out += ["", "## Memory and conditional GET", "", "| Engine | Peak RSS (max page size) | Full GET | 304 |",
            "|---|---|---|---|"]  # fmt: skip
    for engine in engines:
        data = results["engines"][engine]
        rss = data.get("rss") or {}
        rss_text = (
            f"{rss['peak_rss_mb']:.0f} MB after {rss['requests']} requests"
            if "peak_rss_mb" in rss
            else rss.get("error", "–")
        )
        c = data.get("conditional_get") or {}
        if c.get("available"):
            full, nm = _ms(c["full"]), _ms(c["not_modified"])
        else:
            full, nm = "–", "not available (no ETag)"
        out.append(f"| {engine} | {rss_text} | {full} | {nm} |")
    out.append("")
    return "\n".join(out)
