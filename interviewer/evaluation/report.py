"""Render an eval run result as Markdown or as one self-contained HTML page (inline CSS and SVG, no scripts).

A run is a dict: {"suite", "started_at", "model", "prompt_versions": {name: hash}, "metrics": [{"name", "value",
"low", "high", "threshold", "passed"}], "confusion": {"categories", "matrix"} | None, "cases": [{"id", ...}],
"comparison": [PairedResult dicts] | None}. Missing optional parts are left out of the report."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

Run = Mapping[str, Any]

COMPARISON_COLUMNS = ["metric", "n", "mean_a", "mean_b", "difference", "95% CI", "p_value", "verdict"]
BAR_WIDTH = 360
BAR_HEIGHT = 34
BAR_LEFT = 40
BAR_RIGHT = 40


def _fmt(value: Any) -> str:
    """One cell's text: numbers to 3 decimals, None as a dash, containers as JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}" if math.isfinite(value) else str(value)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _interval(row: Mapping[str, Any]) -> str:
    low, high = row.get("low"), row.get("high")
    if low is None and high is None:
        return "—"
    return f"[{_fmt(low)}, {_fmt(high)}]"


def _passed(value: Any) -> str:
    if value is None:
        return "—"
    return "pass" if value else "FAIL"


def _metric_cells(metric: Mapping[str, Any]) -> list[str]:
    return [
        _fmt(metric.get("name")),
        _fmt(metric.get("value")),
        _interval(metric),
        _fmt(metric.get("threshold")),
        _passed(metric.get("passed")),
    ]


def _comparison_cells(row: Mapping[str, Any]) -> list[str]:
    return [
        _fmt(row.get("metric")),
        _fmt(row.get("n")),
        _fmt(row.get("mean_a")),
        _fmt(row.get("mean_b")),
        _fmt(row.get("difference")),
        _interval(row),
        _fmt(row.get("p_value")),
        _fmt(row.get("verdict")),
    ]


def _case_columns(cases: Sequence[Mapping[str, Any]]) -> list[str]:
    columns = ["id"]
    for case in cases:
        columns.extend(key for key in case if key not in columns)
    return columns


def _prompt_rows(run: Run) -> list[list[str]]:
    versions: Mapping[str, Any] = run.get("prompt_versions") or {}
    return [[_fmt(name), _fmt(digest)] for name, digest in sorted(versions.items())]


def _confusion(run: Run) -> tuple[list[str], list[list[int]]] | None:
    confusion = run.get("confusion")
    if not confusion:
        return None
    return [_fmt(c) for c in confusion.get("categories", [])], [list(row) for row in confusion.get("matrix", [])]


# ---------------------------------------------------------------- Markdown


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows)
    return lines


def render_markdown(run: Run) -> str:
    """The run as Markdown: header facts, then prompt versions, metrics, confusion, comparison and cases tables."""
    lines = [
        f"# Eval report: {_md_cell(_fmt(run.get('suite')))}",
        "",
        f"- Started: {_md_cell(_fmt(run.get('started_at')))}",
        f"- Model: {_md_cell(_fmt(run.get('model')))}",
    ]
    prompts = _prompt_rows(run)
    if prompts:
        lines += ["", "## Prompt versions", "", *_md_table(["prompt", "hash"], prompts)]
    metrics = run.get("metrics") or []
    lines += ["", "## Metrics", ""]
    if metrics:
        lines += _md_table(["metric", "value", "95% CI", "threshold", "passed"], [_metric_cells(m) for m in metrics])
    else:
        lines.append("No metrics.")
    confusion = _confusion(run)
    if confusion is not None:
        categories, matrix = confusion
        header = ["label \\ predicted", *categories]
        rows = [[categories[i], *(str(count) for count in row)] for i, row in enumerate(matrix)]
        lines += ["", "## Confusion matrix", "", "Rows are labels, columns are predictions.", ""]
        lines += _md_table(header, rows)
    comparison = run.get("comparison")
    if comparison:
        rows = [_comparison_cells(row) for row in comparison]
        lines += ["", "## Comparison (B − A)", "", *_md_table(COMPARISON_COLUMNS, rows)]
    cases = run.get("cases") or []
    if cases:
        columns = _case_columns(cases)
        rows = [[_fmt(case.get(column)) for column in columns] for case in cases]
        lines += ["", f"## Cases ({len(cases)})", "", *_md_table(columns, rows)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 980px;
       color: #1f2933; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d9e2ec; padding-bottom: .2rem; }
.meta { color: #52606d; margin: 0; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
th, td { border: 1px solid #d9e2ec; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
td.num, .num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #17803d; font-weight: 600; }
.fail { color: #c81e1e; font-weight: 600; }
.better { color: #17803d; font-weight: 600; }
.worse { color: #c81e1e; font-weight: 600; }
.bars figure { margin: .4rem 0; display: flex; align-items: center; gap: 1rem; }
.bars figcaption { width: 14rem; font-size: .9rem; overflow-wrap: anywhere; }
.heat td { text-align: center; min-width: 3rem; font-variant-numeric: tabular-nums; }
.legend { font-size: .8rem; color: #52606d; }
"""


def _h(value: Any) -> str:
    return escape(_fmt(value), quote=True)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, raw_cells: bool = False) -> str:
    """A table of already formatted cells; cells are escaped unless `raw_cells` (then the caller escaped them)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell if raw_cells else escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status_class(metric: Mapping[str, Any]) -> str:
    passed = metric.get("passed")
    return "" if passed is None else ("pass" if passed else "fail")


def _metrics_html(metrics: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for metric in metrics:
        name, value, interval, threshold, passed = (escape(cell) for cell in _metric_cells(metric))
        status = _status_class(metric)
        rows.append(
            [
                name,
                f'<span class="num">{value}</span>',
                interval,
                threshold,
                f'<span class="{status}">{passed}</span>' if status else passed,
            ]
        )
    return _html_table(["metric", "value", "95% CI", "threshold", "passed"], rows, raw_cells=True)


def _domain(metric: Mapping[str, Any]) -> tuple[float, float]:
    """The axis range of one metric's bar: [0, 1] unless a value falls outside it."""
    points = [p for p in (_number(metric.get(k)) for k in ("value", "low", "high", "threshold")) if p is not None]
    lo, hi = min([0.0, *points]), max([1.0, *points])
    return lo, hi if hi > lo else lo + 1.0


def _bar_svg(metric: Mapping[str, Any]) -> str:
    """One horizontal bar (value) with the CI as a whisker and the threshold as a dashed line."""
    lo, hi = _domain(metric)
    width = BAR_LEFT + BAR_WIDTH + BAR_RIGHT

    def x(v: float) -> float:
        return round(BAR_LEFT + (v - lo) / (hi - lo) * BAR_WIDTH, 2)

    value, low, high = (_number(metric.get(k)) for k in ("value", "low", "high"))
    threshold = _number(metric.get("threshold"))
    passed = metric.get("passed")
    fill = "#9aa5b1" if passed is None else ("#3ebd6b" if passed else "#e66a6a")
    mid = BAR_HEIGHT / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{BAR_HEIGHT}" '
        f'viewBox="0 0 {width} {BAR_HEIGHT}" role="img">',
        f"<title>{_h(metric.get('name'))}: {_h(metric.get('value'))} {escape(_interval(metric))}</title>",
        f'<rect x="{BAR_LEFT}" y="8" width="{BAR_WIDTH}" height="{BAR_HEIGHT - 16}" fill="#f0f4f8"/>',
    ]
    if value is not None:
        start, end = sorted((x(0.0 if lo <= 0.0 <= hi else lo), x(value)))
        parts.append(
            f'<rect x="{start}" y="10" width="{round(end - start, 2)}" height="{BAR_HEIGHT - 20}" fill="{fill}"/>'
        )
    if low is not None and high is not None:
        a, b = x(low), x(high)
        parts.append(
            f'<g stroke="#1f2933" stroke-width="1.5"><line x1="{a}" y1="{mid}" x2="{b}" y2="{mid}"/>'
            f'<line x1="{a}" y1="{mid - 6}" x2="{a}" y2="{mid + 6}"/>'
            f'<line x1="{b}" y1="{mid - 6}" x2="{b}" y2="{mid + 6}"/></g>'
        )
    if value is not None:
        parts.append(f'<circle cx="{x(value)}" cy="{mid}" r="3" fill="#1f2933"/>')
    if threshold is not None:
        t = x(threshold)
        parts.append(
            f'<line x1="{t}" y1="3" x2="{t}" y2="{BAR_HEIGHT - 3}" stroke="#3e4c59" stroke-width="1.5" '
            'stroke-dasharray="3,2"/>'
        )
    parts.append(
        f'<text x="{BAR_LEFT - 4}" y="{mid + 4}" font-size="10" text-anchor="end" fill="#52606d">{_h(lo)}</text>'
        f'<text x="{BAR_LEFT + BAR_WIDTH + 4}" y="{mid + 4}" font-size="10" fill="#52606d">{_h(hi)}</text>'
        "</svg>"
    )
    return "".join(parts)


def _bars_html(metrics: Sequence[Mapping[str, Any]]) -> str:
    figures = "".join(
        f"<figure><figcaption>{_h(m.get('name'))} = {_h(m.get('value'))}</figcaption>{_bar_svg(m)}</figure>"
        for m in metrics
    )
    legend = (
        '<p class="legend">Bar: value (green pass, red fail, grey no threshold); whisker: 95% confidence interval; '
        "dashed line: threshold.</p>"
    )
    return f'<div class="bars">{figures}</div>{legend}'


def _heatmap_html(categories: list[str], matrix: list[list[int]]) -> str:
    """The confusion matrix as a table whose cells are shaded by count (darkest = largest)."""
    peak = max((count for row in matrix for count in row), default=0) or 1
    head = "<th>label \\ predicted</th>" + "".join(f"<th>{escape(c)}</th>" for c in categories)
    body = []
    for i, row in enumerate(matrix):
        label = escape(categories[i]) if i < len(categories) else ""
        cells = []
        for count in row:
            shade = count / peak
            ink = "#ffffff" if shade > 0.55 else "#1f2933"
            cells.append(f'<td style="background: rgba(37, 99, 235, {shade:.3f}); color: {ink}">{_h(count)}</td>')
        body.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    return f'<table class="heat"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _comparison_html(comparison: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for row in comparison:
        cells = [escape(cell) for cell in _comparison_cells(row)]
        verdict = row.get("verdict")
        if verdict in ("better", "worse"):
            cells[-1] = f'<span class="{verdict}">{cells[-1]}</span>'
        rows.append(cells)
    return _html_table(COMPARISON_COLUMNS, rows, raw_cells=True)


def render_html(run: Run) -> str:
    """The run as one self-contained HTML page: metrics table and bars, confusion heatmap, comparison, cases."""
    suite = _h(run.get("suite"))
    sections = [
        f"<h1>Eval report: {suite}</h1>",
        f'<p class="meta">Started {_h(run.get("started_at"))} · model {_h(run.get("model"))}</p>',
    ]
    prompts = _prompt_rows(run)
    if prompts:
        sections += ["<h2>Prompt versions</h2>", _html_table(["prompt", "hash"], prompts)]
    metrics = run.get("metrics") or []
    sections.append("<h2>Metrics</h2>")
    if metrics:
        sections += [_metrics_html(metrics), _bars_html(metrics)]
    else:
        sections.append("<p>No metrics.</p>")
    confusion = _confusion(run)
    if confusion is not None:
        sections += [
            "<h2>Confusion matrix</h2>",
            '<p class="legend">Rows are labels, columns are predictions.</p>',
            _heatmap_html(*confusion),
        ]
    comparison = run.get("comparison")
    if comparison:
        sections += ["<h2>Comparison (B − A)</h2>", _comparison_html(comparison)]
    cases = run.get("cases") or []
    if cases:
        columns = _case_columns(cases)
        rows = [[_fmt(case.get(column)) for column in columns] for case in cases]
        sections += [f"<h2>Cases ({len(cases)})</h2>", _html_table(columns, rows)]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Eval report: {suite}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )
