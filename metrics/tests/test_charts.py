"""The SVG charts: well-formed, accessible, free of inline style and script, escaped, and right."""

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from django.utils import translation

from metrics.charts import PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, goal_chart, rhythm_chart

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [(date(2026, 1, 1), Decimal("1200")), (date(2026, 3, 1), Decimal("1650"))]
PROJECTION = ((date(2026, 3, 1), Decimal("1650")), (date(2027, 12, 31), Decimal("2100")))


def parse(html) -> ET.Element:
    return ET.fromstring(str(html))  # noqa: S314 -- our own output, parsed to check it is well-formed XML


def chart(**overrides):
    arguments = {
        "title": "Followers",
        "points": POINTS,
        "target": Decimal("2000"),
        "projection": PROJECTION,
        "unit": "followers",
        "id_prefix": "goal-7",
    }
    with translation.override("en"):
        return parse(str(goal_chart(**(arguments | overrides))))


def rhythm(**overrides):
    arguments = {
        "title": "Posts per week",
        "weeks": [(date(2026, 3, 2), 3), (date(2026, 3, 9), 0), (date(2026, 3, 16), 1)],
        "required_per_week": Decimal("2"),
        "id_prefix": "rhythm-1",
    }
    with translation.override("en"):
        return parse(str(rhythm_chart(**(arguments | overrides))))


def test_goal_chart_parses_as_a_figure_with_svg_and_table():
    figure = chart()

    assert [child.tag for child in figure] == ["figcaption", f"{SVG}svg", "table"]


def test_goal_chart_has_no_style_and_no_script():
    figure = chart()

    assert [element.tag for element in figure.iter() if "style" in element.attrib] == []
    assert [element.tag for element in figure.iter() if element.tag.split("}")[-1] in {"style", "script"}] == []


def test_rhythm_chart_has_no_style_and_no_script():
    figure = rhythm()

    assert [element.tag for element in figure.iter() if "style" in element.attrib] == []
    assert [element.tag for element in figure.iter() if element.tag.split("}")[-1] in {"style", "script"}] == []


def test_goal_chart_is_labelled_by_its_title_and_description():
    svg = chart().find(f"{SVG}svg")

    assert (svg.get("role"), svg.get("aria-labelledby")) == ("img", "goal-7-title goal-7-desc")
    assert (svg.find(f"{SVG}title").get("id"), svg.find(f"{SVG}title").text) == ("goal-7-title", "Followers")
    assert (svg.find(f"{SVG}desc").get("id"), svg.find(f"{SVG}desc").text) == (
        "goal-7-desc",
        "2 measurements from Jan. 1, 2026 to March 1, 2026, the latest 1,650 followers; target 2,000 followers; "
        "projected 2,100 followers on Dec. 31, 2027.",
    )


def test_goal_chart_ids_without_a_prefix_are_stable_and_differ_between_charts():
    with translation.override("en"):
        first = parse(str(goal_chart(title="A", points=POINTS, target=None, projection=None, unit="x")))
        again = parse(str(goal_chart(title="A", points=POINTS, target=None, projection=None, unit="x")))
        other = parse(str(goal_chart(title="B", points=POINTS, target=None, projection=None, unit="x")))

    ids = [figure.find(f"{SVG}svg/{SVG}title").get("id") for figure in (first, again, other)]

    assert (ids[0] == ids[1], ids[0] == ids[2]) == (True, False)


def test_goal_chart_table_has_a_row_per_point_with_the_values():
    table = chart().find("table")

    rows = [[cell.text for cell in row] for row in table.find("tbody")]
    heads = [(cell.text, cell.get("scope")) for cell in table.find("thead/tr")]

    assert rows == [["Jan. 1, 2026", "1,200"], ["March 1, 2026", "1,650"]]
    assert heads == [("Date", "col"), ("Followers", "col")]
    assert [[cell.text for cell in row] for row in table.find("tfoot")] == [
        ["Target", "2,000"],
        ["Projection, Dec. 31, 2027", "2,100"],
    ]


def test_goal_chart_table_in_swedish_groups_with_a_non_breaking_space():
    with translation.override("sv"):
        figure = parse(str(goal_chart(title="Följare", points=POINTS, target=None, projection=None, unit="följare")))

    assert [row[1].text for row in figure.find("table/tbody")] == ["1\xa0200", "1\xa0650"]


def test_goal_chart_escapes_user_text():
    title = 'Fans <script>alert("x")</script> & friends'

    with translation.override("en"):
        html = str(goal_chart(title=title, points=POINTS, target=None, projection=None, unit="<b>&"))
    figure = parse(html)

    assert "<script>" not in html
    assert (figure.find("figcaption").text, figure.find(f"{SVG}svg/{SVG}title").text) == (title, title)
    assert figure.find("table/thead/tr")[1].text == "<b>&"


def test_goal_chart_without_points_says_so_in_text():
    figure = chart(points=[])

    assert [child.tag for child in figure] == ["figcaption", "p"]
    assert figure.find("p").text == "No measurements yet."


def test_goal_chart_two_points_first_at_the_left_edge_and_higher_value_higher_up():
    figure = chart(target=None, projection=None)

    circles = [(Decimal(c.get("cx")), Decimal(c.get("cy"))) for c in figure.iter(f"{SVG}circle")]
    line = figure.find(f".//{SVG}polyline").get("points")

    assert circles[0][0] == PLOT_LEFT
    assert circles[1][0] == PLOT_RIGHT
    assert PLOT_TOP <= circles[1][1] < circles[0][1] < PLOT_BOTTOM
    assert line == f"{circles[0][0]:.1f},{circles[0][1]:.1f} {circles[1][0]:.1f},{circles[1][1]:.1f}"


def test_goal_chart_value_maps_onto_the_axis():
    figure = chart(points=[(date(2026, 1, 1), Decimal("0")), (date(2026, 3, 1), Decimal("2000"))], projection=None)

    ys = [Decimal(c.get("cy")) for c in figure.iter(f"{SVG}circle")]
    target = figure.find(f".//{SVG}line[@class='chart__target']")

    # Ticks 0, 500, ..., 2000: zero on the bottom edge, the highest value on the top edge.
    assert ys == [PLOT_BOTTOM, PLOT_TOP]
    assert (Decimal(target.get("y1")), target.get("stroke-dasharray")) == (PLOT_TOP, "8 5")


def test_goal_chart_projection_is_a_dotted_line_from_the_last_point_to_the_deadline():
    figure = chart()

    line = figure.find(f".//{SVG}line[@class='chart__projection']")
    last = list(figure.iter(f"{SVG}circle"))[-1]

    assert (line.get("x1"), line.get("y1"), Decimal(line.get("x2"))) == (last.get("cx"), last.get("cy"), PLOT_RIGHT)
    assert line.get("stroke-dasharray") == "2 4"


def test_goal_chart_single_point_sits_at_the_left_edge():
    figure = chart(points=POINTS[:1], target=None, projection=None)

    circle = figure.find(f".//{SVG}circle")

    assert Decimal(circle.get("cx")) == PLOT_LEFT
    assert figure.find(f"{SVG}svg/{SVG}desc").text == "One measurement, 1,200 followers on Jan. 1, 2026."


def test_rhythm_chart_marks_short_weeks_and_draws_the_requirement():
    figure = rhythm()

    bars = [bar.get("class") for bar in figure.iter(f"{SVG}rect")]
    rows = [[cell.text for cell in row] for row in figure.find("table/tbody")]

    assert bars == ["chart__bar", "chart__bar chart__bar--short", "chart__bar chart__bar--short"]
    assert rows == [["March 2, 2026", "3", "Yes"], ["March 9, 2026", "0", "No"], ["March 16, 2026", "1", "No"]]
    assert figure.find(f"{SVG}svg/{SVG}desc").text == (
        "3 weeks from March 2, 2026 to March 16, 2026; 2 weeks had fewer posts than the required 2."
    )


def test_rhythm_chart_without_requirement_has_no_line_and_no_column():
    figure = rhythm(required_per_week=None)

    assert figure.findall(f".//{SVG}line[@class='chart__target']") == []
    assert [cell.text for cell in figure.find("table/thead/tr")] == ["Week starting", "Posts"]


def test_rhythm_chart_without_weeks_says_so_in_text():
    figure = rhythm(weeks=[])

    assert (figure.find("p").text, figure.find(f"{SVG}svg")) == ("No weeks to show yet.", None)
