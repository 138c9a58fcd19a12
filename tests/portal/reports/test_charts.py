"""The report charts: inline SVG that says what the tables say, in the browser and the PDF."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from portal.pdf import pdf_render
from portal.reports.charts import Threshold, bar_chart, line_chart
from portal.reports.tables import COUNT, PERCENT, SUPPRESSED, cell_text
from tests.pdf_text import pdf_text

SVG = "{http://www.w3.org/2000/svg}"
THRESHOLDS = (Threshold(0.16, "Early adopters, 16 %"), Threshold(0.25, "Tipping point, 25 %"))
LONG_NAME = "People, Culture and Organisational Development Shared Services " * 2
BARS = [
    ("Finance", 1.0),
    ("Legal", 0.5),
    ("Procurement", SUPPRESSED),
    ("Estates", None),
    ("Sales", 0.2),
    (LONG_NAME, 0.25),
]
WEEKS = [date(2024, 12, 16) + timedelta(weeks=i) for i in range(6)]


def _tree(svg) -> ET.Element:
    root = ET.fromstring(str(svg))  # noqa: S314  (the module's own output, parsed to check it)
    assert root.tag == f"{SVG}svg"
    return root


def _classed(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    elements = root.iter(None if tag == "*" else f"{SVG}{tag}")
    return [e for e in elements if name in e.get("class", "").split()]


def _texts(root: ET.Element, name: str) -> list[str]:
    return [e.text for e in _classed(root, "text", name)]


def _rows(root: ET.Element) -> dict[str, ET.Element]:
    return {row.find(f"{SVG}title").text: row for row in _classed(root, "g", "chart__row")}


def _departments():
    return bar_chart(
        key="by_department",
        title="Share at target by department",
        summary="Finance has everyone at target.",
        bars=BARS,
        thresholds=THRESHOLDS,
    )


def test_bar_chart_draws_one_bar_per_shown_value_in_proportion():
    root = _tree(_departments())
    bars = _classed(root, "rect", "chart__bar")
    assert len(bars) == 4  # Procurement (suppressed) and Estates (no value) have none
    widths = {
        name: float(row.find(f"{SVG}rect[@class='chart__bar']").get("width"))
        for name, row in _rows(root).items()
        if name not in ("Procurement", "Estates")
    }
    assert widths["Legal"] == pytest.approx(widths["Finance"] / 2, abs=0.01)
    assert widths["Sales"] == pytest.approx(widths["Finance"] / 5, abs=0.01)
    assert widths[LONG_NAME.strip()] == pytest.approx(widths["Finance"] / 4, abs=0.01)


def test_bar_chart_writes_suppressed_and_missing_values_out_instead_of_a_bar():
    rows = _rows(_tree(_departments()))
    for name, text in (("Procurement", "withheld"), ("Estates", "–")):
        row = rows[name]
        assert row.findall(f"{SVG}rect[@class='chart__bar']") == []
        assert [e.text for e in _classed(row, "text", "chart__value")] == [text]
    assert _classed(rows["Finance"], "rect", "chart__bar")


def test_bar_chart_value_labels_are_the_table_text():
    root = _tree(_departments())
    assert _texts(root, "chart__value") == [cell_text(value, PERCENT) for _, value in BARS]
    assert _texts(root, "chart__value")[:2] == ["100 %", "50 %"]


def test_bar_chart_value_label_sits_right_after_its_bar():
    row = _rows(_tree(_departments()))["Legal"]
    bar = row.find(f"{SVG}rect[@class='chart__bar']")
    label = _classed(row, "text", "chart__value")[0]
    end = float(bar.get("x")) + float(bar.get("width"))
    assert 0 < float(label.get("x")) - end <= 10


def test_bar_chart_threshold_lines_sit_at_their_share_of_the_scale():
    root = _tree(_departments())
    finance = _classed(_rows(root)["Finance"], "rect", "chart__bar")[0]
    left, full = float(finance.get("x")), float(finance.get("width"))  # Finance is 100 %
    lines = _classed(root, "line", "chart__threshold-line")
    assert [float(line.get("x1")) for line in lines] == [
        pytest.approx(left + 0.16 * full, abs=0.01),
        pytest.approx(left + 0.25 * full, abs=0.01),
    ]
    assert all(line.get("x1") == line.get("x2") for line in lines)  # vertical
    assert all(line.get("stroke-dasharray") for line in lines)
    assert _texts(root, "chart__threshold-label") == [t.label for t in THRESHOLDS]


def test_bar_chart_wraps_long_labels_and_keeps_them_whole_in_the_row_title():
    cohort = "Wave 2: customer-facing teams"
    root = _tree(bar_chart(key="c", title="C", summary="", bars=[(cohort, 0.4), ("Pilot", 0.5)]))
    lines = [t.text for t in _classed(_rows(root)[cohort], "text", "chart__label")]
    assert lines == ["Wave 2: customer-facing", "teams"]  # whole, on two lines
    pilot = _classed(_rows(root)["Pilot"], "rect", "chart__bar")[0]
    wave = _classed(_rows(root)[cohort], "rect", "chart__bar")[0]
    assert float(pilot.get("y")) - float(wave.get("y")) > 26  # the wrapped row is taller


def test_bar_chart_cuts_only_what_two_lines_cannot_hold():
    row = _rows(_tree(_departments()))[LONG_NAME.strip()]
    shown = [t.text for t in _classed(row, "text", "chart__label")]
    assert len(shown) == 2 and shown[1].endswith("…")
    assert all(len(line) < 30 for line in shown)
    assert " ".join(LONG_NAME.split()).startswith(" ".join(shown)[:-1])


def test_bar_chart_counts_scale_to_the_largest_and_grow_with_rows():
    def chart(bars):
        return _tree(bar_chart(key="funnel", title="Funnel", summary="", bars=bars, kind=COUNT))

    root = chart([("Aware", 1234), ("Trained", 617), ("Champion", 2)])
    widths = [float(bar.get("width")) for bar in _classed(root, "rect", "chart__bar")]
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.01)
    assert _texts(root, "chart__value") == ["1,234", "617", "2"]
    taller = chart([("Aware", 1234), ("Trained", 617), ("Champion", 2), ("Lead", 1)])
    height = float(root.get("viewBox").split()[3])
    assert float(taller.get("viewBox").split()[3]) > height


def test_bar_chart_with_explicit_max_value_clamps_beyond_it():
    bars = [("half", 10), ("full", 20), ("over", 40), ("below", -3)]
    chart = bar_chart(key="k", title="t", summary="s", bars=bars, kind=COUNT, max_value=20)
    half, full, over, below = (
        float(bar.get("width")) for bar in _classed(_tree(chart), "rect", "chart__bar")
    )
    assert half == pytest.approx(full / 2, abs=0.01)
    assert over == full  # drawn to the end of the scale, labelled with its own value
    assert below == 0


def test_line_chart_y_axis_steps_suit_a_smaller_range():
    chart = line_chart(
        key="k", title="t", summary="s", series=[("a", [(WEEKS[0], 0.1)])], y_max=0.5
    )
    ticks = _texts(_tree(chart), "chart__axis-label")
    assert ticks[:6] == ["0 %", "10 %", "20 %", "30 %", "40 %", "50 %"]


def test_empty_bar_chart_says_there_is_no_data():
    root = _tree(bar_chart(key="empty", title="Cohorts", summary="None yet.", bars=[]))
    assert [e.text for e in root.iter(f"{SVG}text")] == ["No data yet"]
    assert _classed(root, "rect", "chart__bar") == []


def _over_time():
    whole = [(week, 0.05 * (i + 1)) for i, week in enumerate(WEEKS)]
    finance = [(week, SUPPRESSED if i == 2 else 0.1 * i) for i, week in enumerate(WEEKS)]
    legal = [(WEEKS[0], None), (WEEKS[5], 0.29)]  # one visible week, ending close to `whole`
    return line_chart(
        key="over-time",
        title="Share at target over time",
        summary="Rising in every group.",
        series=[("Whole organisation", whole), ("Finance", finance), ("Legal", legal)],
        thresholds=THRESHOLDS,
    )


def _series(root: ET.Element) -> list[ET.Element]:
    return _classed(root, "g", "chart__series")


def test_line_chart_breaks_the_line_at_a_suppressed_week():
    whole, finance, legal = _series(_tree(_over_time()))
    assert len(_classed(whole, "polyline", "chart__line")) == 1
    segments = _classed(finance, "polyline", "chart__line")
    assert [len(s.get("points").split()) for s in segments] == [2, 3]
    assert _classed(legal, "polyline", "chart__line") == []  # one point: no line


def test_line_chart_marks_every_shown_point_with_a_shape_per_series():
    root = _tree(_over_time())
    counts = [len(_classed(g, "*", "chart__marker")) for g in _series(root)]
    assert counts == [6, 5, 1]
    shapes = [{m.tag for m in _classed(g, "*", "chart__marker")} for g in _series(root)]
    assert shapes == [{f"{SVG}circle"}, {f"{SVG}rect"}, {f"{SVG}polygon"}]


def test_line_chart_tells_series_apart_by_dash_and_names_them_directly():
    root = _tree(_over_time())
    dashes = [
        _classed(g, "polyline", "chart__line")[0].get("stroke-dasharray") for g in _series(root)[:2]
    ]
    assert len(set(dashes)) == 2
    assert sorted(_texts(root, "chart__series-label")) == ["Finance", "Legal", "Whole organisation"]
    labels = {e.text: e for e in _classed(root, "text", "chart__series-label")}
    ys = sorted(float(e.get("y")) for e in labels.values())
    assert all(b - a >= 14 for a, b in zip(ys, ys[1:], strict=False))  # no overlap
    for name, g in zip(["Whole organisation", "Finance", "Legal"], _series(root), strict=True):
        x, y = _centre(_classed(g, "*", "chart__marker")[-1])  # the last point of the series
        assert 0 < float(labels[name].get("x")) - x <= 12
        assert abs(float(labels[name].get("y")) - 4 - y) <= 14  # beside it, moved apart at most


def _centre(marker: ET.Element) -> tuple[float, float]:
    if marker.get("points"):
        xs, ys = zip(*(map(float, p.split(",")) for p in marker.get("points").split()), strict=True)
        return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    if marker.get("cx"):
        return float(marker.get("cx")), float(marker.get("cy"))
    size = float(marker.get("width"))
    return float(marker.get("x")) + size / 2, float(marker.get("y")) + size / 2


def test_line_chart_axes_and_thresholds():
    root = _tree(_over_time())
    ticks = _texts(root, "chart__axis-label")
    assert ticks[:5] == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert ticks[5:] == ["16 Dec 2024", "30 Dec", "13 Jan 2025"]  # the year where it changes
    lines = _classed(root, "line", "chart__threshold-line")
    ys = [float(line.get("y1")) for line in lines]
    grid = {e.text: float(e.get("y")) - 4 for e in _classed(root, "text", "chart__axis-label")}
    assert ys[1] == pytest.approx(grid["25 %"], abs=0.01)
    assert ys[0] == pytest.approx(grid["0 %"] - (grid["0 %"] - grid["100 %"]) * 0.16, abs=0.01)
    assert all(line.get("y1") == line.get("y2") for line in lines)  # horizontal
    assert _texts(root, "chart__threshold-label") == [t.label for t in THRESHOLDS]


def test_line_chart_refuses_more_series_than_it_can_tell_apart():
    series = [(f"s{i}", [(WEEKS[0], 0.1)]) for i in range(4)]
    with pytest.raises(ValueError):
        line_chart(key="k", title="t", summary="s", series=series)


EVIL = '<script>alert(1)</script>"><svg onload=x>'


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bar_chart(
            key=EVIL,
            title=EVIL,
            summary=EVIL,
            bars=[(EVIL, 0.3), ("x", 0.1)],
            thresholds=[Threshold(0.2, EVIL)],
        ),
        lambda: line_chart(
            key=EVIL,
            title=EVIL,
            summary=EVIL,
            series=[(EVIL, [(WEEKS[0], 0.2)])],
            thresholds=[Threshold(0.2, EVIL)],
        ),
    ],
    ids=["bar", "line"],
)
def test_labels_are_escaped_and_the_svg_stays_well_formed(chart):
    svg = str(chart())
    assert "<script" not in svg and "<svg onload" not in svg
    root = _tree(svg)
    tags = {e.tag for e in root.iter()}
    assert f"{SVG}script" not in tags
    assert [e for e in root.iter() if e.tag == f"{SVG}svg"] == [root]
    assert not any(
        name.startswith("on") or "href" in name for e in root.iter() for name in e.attrib
    )
    assert root.find(f"{SVG}title").text == EVIL
    assert root.find(f"{SVG}desc").text == EVIL
    assert EVIL in [e.text for e in root.iter(f"{SVG}text")]  # threshold label, whole


def test_control_characters_from_an_import_do_not_break_the_xml():
    root = _tree(bar_chart(key="k", title="a\x00b", summary="c\x0bd", bars=[("e\x1ff\ng", 0.1)]))
    assert root.find(f"{SVG}title").text == "ab"
    assert _texts(root, "chart__label") == ["ef g"]


def test_svg_is_named_and_described_by_its_title_and_desc():
    root = _tree(bar_chart(key="By Department/2025 Q1", title="T", summary="S", bars=[("a", 1)]))
    title, desc = list(root)[:2]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert re.fullmatch(r"chart-[a-z0-9-]+-title", title.get("id"))
    assert title.get("id") == "chart-by-department-2025-q1-title"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("viewBox").split()[:3] == ["0", "0", "640"]


def test_numbers_in_attributes_have_at_most_two_decimals():
    svg = str(_departments()) + str(_over_time())
    numbers = re.findall(r"\d+\.\d+", " ".join(re.findall(r'="([^"]*)"', svg)))
    assert numbers
    assert all(len(n.split(".")[1]) <= 2 for n in numbers)


def test_charts_render_into_the_pdf_with_their_text():
    html = (
        f"<!doctype html><html><body><h1>Adoption</h1>{_departments()}{_over_time()}</body></html>"
    )
    pdf = pdf_render(html=html)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)  # fails under CI=true without poppler, skips loudly elsewhere
    for words in (
        "Finance",
        "Procurement",
        "withheld",
        "Tipping point, 25 %",
        "50 %",
        "Whole organisation",
        "16 Dec 2024",
    ):
        assert words in text
