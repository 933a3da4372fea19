"""Charts as server-rendered SVG geometry: no JavaScript, and the same drawing in the PDF.

A line chart here is a few polylines over a fixed grid; the template draws what this returns.
A missing value (a suppressed group, a wave without the question) breaks the line instead of
being drawn as zero.
"""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 32, 12, 36
# Colours that stay apart for the common kinds of colour blindness (Okabe–Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


@dataclass
class Line:
    label: str
    colour: str
    dashed: bool
    segments: list[str] = field(default_factory=list)
    dots: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass
class LineChart:
    width: int
    height: int
    lines: list[Line]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if count == 1 else span * index / (count - 1))


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value)


def share_line_chart(
    *, x_labels: list[str], series: list[tuple[str, list[float | None], bool]]
) -> LineChart:
    """Shares (0–1) over the x labels; each series is (label, values, dashed)."""
    count = len(x_labels)
    lines = []
    for index, (label, values, dashed) in enumerate(series):
        line = Line(label=label, colour=PALETTE[index % len(PALETTE)], dashed=dashed)
        run: list[str] = []
        for i, value in enumerate(values):
            if value is None:
                if run:
                    line.segments.append(" ".join(run))
                run = []
                continue
            x, y = round(_x(i, count), 1), round(_y(value), 1)
            run.append(f"{x},{y}")
            line.dots.append((x, y, f"{round(value * 100)} %"))
        if run:
            line.segments.append(" ".join(run))
        lines.append(line)
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        lines=lines,
        y_ticks=[(round(_y(v / 100), 1), f"{v} %") for v in (0, 25, 50, 75, 100)],
        x_ticks=[(round(_x(i, count), 1), label) for i, label in enumerate(x_labels)],
    )
