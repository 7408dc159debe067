"""Horizontal bar charts drawn on the server as SVG, so the pages run no chart script and the
Content Security Policy stays strict.

The SVG uses presentation attributes only (fill, font-size), never a style attribute or element,
which the policy's style-src would block. Every piece of text in it (labels, values, title,
description) is escaped here, so the template may place the markup as it is; the figures are also
on the page as a table, since the chart is one image to assistive technology (role="img", named
by its title and description)."""

from django.utils.html import escape

# GOV.UK Design System colours.
BLUE = "#1d70b8"
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
MID_GREY = "#b1b4b6"
FONT = "arial, sans-serif"  # as the GOV.UK Frontend styles here

WIDTH = 760
LABEL_WIDTH = 300  # the bar labels, right-aligned against the bars
PLOT_LEFT = LABEL_WIDTH + 10
PLOT_WIDTH = 340
ROW_HEIGHT = 34
BAR_HEIGHT = 22
TOP = 34  # room for the category axis's title
BOTTOM = 60  # room for the value axis's ticks and title
LABEL_CHARACTERS = 40  # longer labels are shortened; the table has them in full


def _shorten(text):
    if len(text) <= LABEL_CHARACTERS:
        return text
    return text[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _number(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _scale_top(bars, percentages):
    """The value at the right-hand end of the axis: 100 for percentages, else four round steps
    reaching the largest bar (so the gridlines fall on whole numbers)."""
    if percentages:
        return 100
    largest = max((bar.value for bar in bars), default=0)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if largest <= step * 4:
            return step * 4
    return 4 * -(-largest // 4)


def _ticks(top, percentages):
    return [top * part / 4 for part in range(5)]


def bar_chart(*, chart_id, title, description, bars, axis_label, category_label, percentages):
    """The SVG markup of a horizontal bar chart, every piece of text escaped. `bars` have label,
    value and text (the value as shown)."""
    top = _scale_top(bars, percentages)
    height = TOP + max(len(bars), 1) * ROW_HEIGHT + BOTTOM
    plot_bottom = TOP + max(len(bars), 1) * ROW_HEIGHT
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{FONT}" font-size="16" fill="{TEXT}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<text x="{LABEL_WIDTH}" y="20" text-anchor="end" font-weight="bold">'
        f"{escape(category_label)}</text>",
    ]
    # The value axis: gridlines with their values, and its title beneath.
    for tick in _ticks(top, percentages):
        x = PLOT_LEFT + PLOT_WIDTH * tick / top
        label = f"{_number(tick)}%" if percentages else _number(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{plot_bottom}" '
            f'stroke="{MID_GREY}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{plot_bottom + 20}" text-anchor="middle" font-size="14" '
            f'fill="{SECONDARY_TEXT}">{escape(label)}</text>'
        )
    parts.append(
        f'<text x="{PLOT_LEFT + PLOT_WIDTH / 2:.1f}" y="{plot_bottom + 46}" text-anchor="middle" '
        f'font-weight="bold">{escape(axis_label)}</text>'
    )
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        length = PLOT_WIDTH * min(max(bar.value, 0), top) / top
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH}" y="{middle:.1f}" text-anchor="end">'
            f"{escape(_shorten(bar.label))}</text>"
        )
        parts.append(
            f'<rect x="{PLOT_LEFT}" y="{y:.1f}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{BLUE}"/>'
        )
        parts.append(
            f'<text x="{PLOT_LEFT + length + 6:.1f}" y="{middle:.1f}">{escape(bar.text)}</text>'
        )
    if not bars:
        parts.append(
            f'<text x="{PLOT_LEFT}" y="{TOP + ROW_HEIGHT / 2 + 5}">'
            "No figures for this period</text>"
        )
    parts.append(
        f'<line x1="{PLOT_LEFT}" y1="{TOP - 4}" x2="{PLOT_LEFT}" y2="{plot_bottom}" '
        f'stroke="{TEXT}" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def report_chart(report):
    """The chart of a panels.reports.Report."""
    return bar_chart(
        chart_id=f"chart-{report.slug}",
        title=report.title,
        description=(
            f"Horizontal bar chart. {report.category_label} against "
            f"{report.axis_label.lower()}. The same figures are in the table below."
        ),
        bars=report.bars,
        axis_label=report.axis_label,
        category_label=report.category_label,
        percentages=report.percentages,
    )
