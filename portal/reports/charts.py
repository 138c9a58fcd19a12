"""Server-side SVG charts for the adoption reports, drawn from the same values as their tables.

One inline `<svg>` serves the browser page and the WeasyPrint PDF, so there is no JavaScript,
no stylesheet dependency (presentation attributes sit on each element) and nothing to fetch.
Labels come from people and HR imports, so every text passes through Django's escaping and
the output stays well-formed XML. Values are labelled with `cell_text`, so a chart and its
table say the same thing, and "withheld" is written out, never drawn as a short bar.
Series differ by dash pattern and marker shape, never by colour alone, so greyscale prints
and colour-blind readers lose nothing.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from portal.reports.tables import COUNT, PERCENT, SUPPRESSED, _Suppressed, cell_text

Value = float | int | _Suppressed | None

WIDTH = 640
FONT = "DejaVu Sans, Arial, sans-serif"
INK = "#1f2937"  # text, lines, bars
MUTED = "#4b5563"  # axis labels, "withheld"
THRESHOLD = "#6b7280"
GRID = "#e5e7eb"
AXIS = "#9ca3af"
CHAR_W = 7.0  # rough advance of a DejaVu Sans character at 12px, to truncate labels

# Bar chart geometry: label column, plot, room after the longest bar for its value label.
BAR_X0, BAR_RIGHT, ROW_H, BAR_H, FLAG_H = 212, 76, 26, 16, 16
LINE_STEP = 14  # a wrapped label's second line, below the first
# Line chart geometry.
LINE_X0, LINE_RIGHT, LINE_TOP, LINE_H, LINE_BOTTOM = 48, 150, 14, 220, 30
DASHES = ("none", "7 4", "2 3")  # solid, dashed, dotted: one per series
MARKERS = ("circle", "square", "triangle")

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Threshold:
    """A reference value drawn as a dashed line, such as the diffusion tipping point (0.25)."""

    value: float
    label: str


def bar_chart(
    *,
    key: str,
    title: str,
    summary: str,
    bars: Sequence[tuple[str, Value]],
    kind: str = PERCENT,
    thresholds: Sequence[Threshold] = (),
    max_value: float | None = None,
) -> SafeString:
    """Horizontal bars, one row per `(label, value)`: the tier funnel, departments, cohorts.

    The scale runs from 0 to `max_value` (default: 1 for shares, the largest count for
    counts) so that bars in one chart compare by length. A suppressed or missing value draws
    no bar but its `cell_text` ("withheld", "–"), so a hidden number never reads as zero.
    Labels too long for the label column wrap onto a second line (its row grows), and only
    what does not fit on two is cut with "…"; the row's `<title>` keeps them whole.
    """
    if not bars:
        return _empty(key, title, summary)
    if max_value is None or max_value <= 0:
        max_value = 1.0 if kind != COUNT else max([1, *(v for _, v in bars if _is_number(v))])
    plot_w = WIDTH - BAR_X0 - BAR_RIGHT
    top = 8 + FLAG_H * len(thresholds)
    chars = int((BAR_X0 - 14) / CHAR_W)
    labels = [_wrap(label, chars) for label, _ in bars]
    heights = [ROW_H + LINE_STEP * (len(lines) - 1) for lines in labels]
    bottom = top + sum(heights)

    def x_of(value: float) -> float:
        return BAR_X0 + plot_w * min(max(value / max_value, 0.0), 1.0)

    parts = [_line(BAR_X0, top, BAR_X0, bottom, "chart__axis", AXIS)]
    for i, threshold in enumerate(thresholds):  # behind the bars, so labels stay readable
        x, flag_y = x_of(threshold.value), 19 + FLAG_H * i
        side = "end" if x > BAR_X0 + plot_w * 0.6 else "start"  # near the right edge: leftwards
        flag_x = x - 4 if side == "end" else x + 4
        flag = _small(threshold.label, flag_x, flag_y, "chart__threshold-label", THRESHOLD, side)
        parts.append(_g("chart__threshold", _dashed(x, flag_y - 11, x, bottom), flag))
    y = top
    for (label, value), lines, height in zip(bars, labels, heights, strict=True):
        mid = y + height / 2 + 4  # a text baseline centred on the bar
        first = mid - LINE_STEP * (len(lines) - 1) / 2
        row = [
            _el("title", _clean(label)),
            *(
                _text(line, BAR_X0 - 8, first + LINE_STEP * n, "chart__label", anchor="end")
                for n, line in enumerate(lines)
            ),
        ]
        text = cell_text(value, kind)
        if _is_number(value):
            end, bar_y = x_of(value), y + (height - BAR_H) / 2
            bar = {"x": BAR_X0, "y": bar_y, "width": end - BAR_X0, "height": BAR_H, "fill": INK}
            row.append(_el("rect", **bar, class_="chart__bar"))
            row += _haloed(text, end + 6, mid, "chart__value")
        else:
            missing = "chart__value chart__value--missing"
            row += _haloed(text, BAR_X0 + 6, mid, missing, MUTED, font_style="italic")
        parts.append(_g("chart__row", *row))
        y += height
    return _svg(key, title, summary, bottom + 8, parts)


def line_chart(
    *,
    key: str,
    title: str,
    summary: str,
    series: Sequence[tuple[str, Sequence[tuple[date, float | _Suppressed | None]]]],
    thresholds: Sequence[Threshold] = (),
    y_max: float = 1.0,
) -> SafeString:
    """A share from 0 to `y_max` over weekly dates, for one to three series.

    Each series has its own dash pattern and marker shape and is named at its last point, so
    no legend and no colour is needed. A suppressed or missing week breaks the line rather
    than joining its neighbours, which would invent a value nobody may see.
    """
    if len(series) > len(DASHES):
        raise ValueError(f"{key}: at most {len(DASHES)} series tell apart without colour")
    dates = sorted({day for _, points in series for day, _ in points})
    if not dates:
        return _empty(key, title, summary)
    y_max = y_max if y_max > 0 else 1.0
    plot_w, x1, bottom = WIDTH - LINE_X0 - LINE_RIGHT, WIDTH - LINE_RIGHT, LINE_TOP + LINE_H
    span = (dates[-1] - dates[0]).days

    def x_of(day: date) -> float:
        return LINE_X0 + (plot_w * (day - dates[0]).days / span if span else plot_w / 2)

    def y_of(value: float) -> float:
        return bottom - LINE_H * min(max(value / y_max, 0.0), 1.0)

    step = next((s for s in (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0) if y_max / s <= 5), y_max)
    parts = []
    for k in range(int(y_max / step + 1e-9) + 1):
        y = y_of(k * step)
        parts.append(_line(LINE_X0, y, x1, y, "chart__grid", AXIS if k == 0 else GRID))
        tick = cell_text(k * step, PERCENT)
        parts.append(_small(tick, LINE_X0 - 6, y + 4, "chart__axis-label", MUTED, "end"))
    year = None
    for day in dates[:: math.ceil(len(dates) / 5)]:
        label = f"{day:%-d %b}" if day.year == year else f"{day:%-d %b %Y}"  # year when it changes
        year = day.year
        parts.append(_small(label, x_of(day), bottom + 18, "chart__axis-label", MUTED, "middle"))
    for threshold in thresholds:  # under the series: the data wins where they cross
        y = y_of(threshold.value)
        flag = _haloed(
            threshold.label, LINE_X0 + 4, y - 4, "chart__threshold-label", THRESHOLD, size=11
        )
        parts.append(_g("chart__threshold", _dashed(LINE_X0, y, x1, y), *flag))
    ends = []  # [label baseline y, x, label] at each series' last drawn point
    for i, (label, points) in enumerate(series):
        runs, run = [], []
        for day, value in sorted(points, key=lambda point: point[0]):
            if _is_number(value):
                run.append((x_of(day), y_of(value)))
            elif run:
                runs, run = [*runs, run], []
        runs += [run] if run else []
        drawn = [_el("title", _clean(label))]
        drawn += [_polyline(run, DASHES[i]) for run in runs if len(run) > 1]
        drawn += [_marker(MARKERS[i], x, y) for run in runs for x, y in run]
        parts.append(_el("g", _join(drawn), class_="chart__series", data_series=i + 1))
        if runs:
            ends.append([runs[-1][-1][1] + 4, runs[-1][-1][0] + 9, label])
    ends.sort()  # move direct labels apart, so series ending close together stay readable
    for above, below in zip(ends, ends[1:], strict=False):
        below[0] = max(below[0], above[0] + 14)
    shift = max([0, *(y - (bottom + 4) for y, _, _ in ends)])
    for y, x, label in ends:
        short = _fit(label, int((LINE_RIGHT - 12) / CHAR_W))
        parts.append(_text(short, x, y - shift, "chart__series-label"))
    return _svg(key, title, summary, bottom + LINE_BOTTOM, parts)


def _svg(key: str, title: str, summary: str, height: float, parts: list[SafeString]) -> SafeString:
    """The accessible wrapper: `role="img"`, named by its `<title>` and described by `<desc>`."""
    ident = re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", key.lower())).strip("-") or "chart"
    head = [
        _el("title", _clean(title), id=f"chart-{ident}-title"),
        _el("desc", _clean(summary), id=f"chart-{ident}-desc"),
    ]
    return _el(
        "svg",
        _join(head + parts),
        xmlns="http://www.w3.org/2000/svg",
        role="img",
        aria_labelledby=f"chart-{ident}-title chart-{ident}-desc",
        viewBox=f"0 0 {WIDTH} {_num(height)}",
        width="100%",
        preserveAspectRatio="xMinYMin meet",
        class_="chart",
        font_family=FONT,
    )


def _empty(key: str, title: str, summary: str) -> SafeString:
    """A chart with no rows still takes its place in the report and says why it is blank."""
    return _svg(key, title, summary, 48, [_text("No data yet", 16, 30, "chart__empty", MUTED)])


def _el(tag: str, content: str = "", **attrs: object) -> SafeString:
    """One element; attribute names from code (`class_` → class, `_` → `-`), values escaped.

    `content` is escaped unless it is already safe markup (the output of `_el` or `_join`).
    Attributes whose value is None are left out.
    """
    pairs = [
        ("class" if name == "class_" else name.replace("_", "-"), _num(value))
        for name, value in attrs.items()
        if value is not None
    ]
    return format_html("<{}{}>{}</{}>", tag, format_html_join("", ' {}="{}"', pairs), content, tag)


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _g(class_: str, *children: SafeString) -> SafeString:
    return _el("g", _join(children), class_=class_)


def _line(x1: float, y1: float, x2: float, y2: float, class_: str, stroke: str) -> SafeString:
    return _el("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, class_=class_)


def _dashed(x1: float, y1: float, x2: float, y2: float) -> SafeString:
    dash = {"stroke": THRESHOLD, "stroke_width": 1.5, "stroke_dasharray": "5 4"}
    return _el("line", x1=x1, y1=y1, x2=x2, y2=y2, **dash, class_="chart__threshold-line")


def _polyline(points: list[tuple[float, float]], dash: str) -> SafeString:
    xy = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
    style = {"fill": "none", "stroke": INK, "stroke_width": 2, "stroke_linejoin": "round"}
    return _el("polyline", points=xy, **style, stroke_dasharray=dash, class_="chart__line")


def _text(
    value: str,
    x: float,
    y: float,
    class_: str,
    fill: str = INK,
    anchor: str = "start",
    *,
    size: int = 12,
    font_style: str | None = None,
) -> SafeString:
    """Text with its font set on the element, so it needs no stylesheet (the PDF has none)."""
    style = {"font_size": size, "font_family": FONT, "font_style": font_style}
    anchor = None if anchor == "start" else anchor
    return _el(
        "text", _clean(value), x=x, y=y, fill=fill, **style, text_anchor=anchor, class_=class_
    )


def _small(value: str, x: float, y: float, class_: str, fill: str, anchor: str) -> SafeString:
    return _text(value, x, y, class_, fill, anchor, size=11)


def _haloed(value: str, x: float, y: float, class_: str, fill: str = INK, **kw) -> list:
    """Left-aligned text on a white box about its width, so a dashed line behind it does not
    run through the words."""
    size = kw.setdefault("size", 12)
    box = {"width": len(_clean(value)) * size * 0.62 + 4, "height": size + 2, "fill": "#fff"}
    return [
        _el("rect", x=x - 2, y=y - size, **box, class_="chart__halo"),
        _text(value, x, y, class_, fill, **kw),
    ]


def _marker(shape: str, x: float, y: float) -> SafeString:
    common = {"fill": INK, "class_": f"chart__marker chart__marker--{shape}"}
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=4, **common)
    if shape == "square":
        return _el("rect", x=x - 3.5, y=y - 3.5, width=7, height=7, **common)
    corners = ((x, y - 4.5), (x + 4.5, y + 3.5), (x - 4.5, y + 3.5))
    return _el("polygon", points=" ".join(f"{_num(a)},{_num(b)}" for a, b in corners), **common)


def _is_number(value: object) -> bool:
    return value is not SUPPRESSED and value is not None


def _num(value: object) -> str:
    """Numbers with at most two decimals; other attribute values as they are."""
    if isinstance(value, float):
        return f"{round(value, 2) + 0.0:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _clean(text: str) -> str:
    """Text without characters XML forbids (an HR export can hold them) or line breaks."""
    return " ".join(_XML_INVALID.sub("", str(text)).split())


def _fit(text: str, chars: int) -> str:
    text = _clean(text)
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _wrap(text: str, chars: int) -> list[str]:
    """`text` on one line of `chars`, or two broken at a space (or mid-word when it has none);
    the second is cut with "…" only when the two cannot hold it."""
    text = _clean(text)
    if len(text) <= chars:
        return [text]
    cut = text.rfind(" ", 0, chars + 1)
    if cut <= 0:
        cut = chars
    return [text[:cut].rstrip(), _fit(text[cut:].strip(), chars)]
