"""Charts for the PDF report drawn as plain SVG on the server: WeasyPrint renders
SVG but runs no JavaScript, so the ECharts of the pages cannot be reused there."""

from __future__ import annotations

from xml.sax.saxutils import escape

WIDTH = 640
BAR_COLOUR = "#1e429f"


def _nice_max(value: int) -> int:
    """A round upper bound for the axis."""
    if value <= 0:
        return 1
    step: int = 10 ** (len(str(value)) - 1)
    return ((value + step - 1) // step) * step


def bar_chart(title: str, labels: list[str], values: list[int], *, height: int = 220) -> str:
    """Vertical bars with their values printed on top and the labels beneath."""
    if not values:
        return ""
    top, bottom, left = 28, 40, 40
    plot_h = height - top - bottom
    slot = (WIDTH - left - 10) / len(values)
    ceiling = _nice_max(max(values))
    parts = [_svg_open(height), _text(WIDTH / 2, 16, title, size=13, anchor="middle", weight="bold")]
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - 10}" y2="{top + plot_h}" stroke="#9aa5b1"/>')
    parts.append(_text(left - 4, top + 4, str(ceiling), size=9, anchor="end"))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / ceiling
        x = left + i * slot + slot * 0.15
        y = top + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{BAR_COLOUR}"/>')
        parts.append(_text(x + slot * 0.35, y - 3, str(value), size=9, anchor="middle"))
        parts.append(_text(x + slot * 0.35, top + plot_h + 14, label, size=9, anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(title: str, labels: list[str], values: list[int]) -> str:
    """Horizontal bars, for long labels such as specialty names."""
    if not values:
        return ""
    row, top, left = 22, 28, 110
    height = top + row * len(values) + 10
    ceiling = _nice_max(max(values))
    parts = [_svg_open(height), _text(WIDTH / 2, 16, title, size=13, anchor="middle", weight="bold")]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = (WIDTH - left - 60) * value / ceiling
        parts.append(_text(left - 6, y + 14, label, size=10, anchor="end"))
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{BAR_COLOUR}"/>')
        parts.append(_text(left + w + 4, y + 14, str(value), size=10))
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif">'
    )


def _text(x: float, y: float, content: str, *, size: int, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="#1f2933">{escape(content)}</text>'
    )
