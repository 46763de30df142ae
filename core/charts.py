"""Bar charts drawn as SVG on the server: no script, readable without colour, with a table.

A chart is plain geometry computed here and drawn by ``templates/includes/bar_chart.html``,
which also writes the same figures as a table for screen readers.
"""

from dataclasses import dataclass, field

# Colours for series, each at least 4.5:1 against white so that they also work as text.
PALETTE = ["#0b5cad", "#a63d12", "#2d6a31", "#6b3fa0", "#8a5a00", "#00636b"]

WIDTH = 640
HEIGHT = 240
MARGIN_LEFT = 36
MARGIN_RIGHT = 12
MARGIN_TOP = 12
MARGIN_BOTTOM = 28


@dataclass
class Series:
    label: str
    colour: str
    values: dict  # category -> number


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass
class BarChart:
    title: str
    description: str
    categories: list
    series: list
    bars: list = field(default_factory=list)
    x_labels: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - MARGIN_BOTTOM
    left: int = MARGIN_LEFT
    right: int = WIDTH - MARGIN_RIGHT

    @property
    def rows(self):
        """The table equivalent: one row per category, one column per series, and the total."""
        return [
            {
                "category": category,
                "values": [series.values.get(category, 0) for series in self.series],
                "total": sum(series.values.get(category, 0) for series in self.series),
            }
            for category in self.categories
        ]

    @property
    def is_empty(self):
        return not self.bars


def _tick_step(maximum: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
        if maximum / step <= 5:
            return step
    return max(1, maximum // 5)


def stacked_bar_chart(*, title: str, description: str, categories: list, series: list) -> BarChart:
    """Bars per category, the series stacked in the order given."""
    chart = BarChart(title=title, description=description, categories=categories, series=series)
    totals = [sum(s.values.get(category, 0) for s in series) for category in categories]
    if not categories or not any(totals):
        return chart
    step = _tick_step(max(totals))
    top = step * -(-max(totals) // step)  # the next tick at or above the tallest bar
    plot_height = chart.baseline - MARGIN_TOP
    slot = (chart.right - chart.left) / len(categories)
    bar_width = min(48.0, slot * 0.7)
    for index, category in enumerate(categories):
        x = chart.left + slot * index + (slot - bar_width) / 2
        y = chart.baseline
        for s in series:
            value = s.values.get(category, 0)
            if not value:
                continue
            height = plot_height * value / top
            y -= height
            chart.bars.append(
                Bar(
                    round(x, 1),
                    round(y, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    s.colour,
                    f"{category}: {s.label} {value}",
                )
            )
        chart.x_labels.append((round(chart.left + slot * index + slot / 2, 1), category))
    chart.y_ticks = [
        (round(chart.baseline - plot_height * value / top, 1), value)
        for value in range(0, top + 1, step)
    ]
    return chart
