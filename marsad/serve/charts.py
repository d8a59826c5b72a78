"""Chart geometry computed in Python and drawn by the templates as plain SVG.

No chart library: stacked bars over months and horizontal bars are all the
pages need, and SVG drawn server-side works without JavaScript and under a
strict Content-Security-Policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# One colour per event type (colour-blind-safe-ish palette, cycled).
PALETTE = (
    "#1b7f79", "#e07b39", "#4c6ef5", "#c2255c", "#5c940d", "#862e9c", "#e8590c", "#1098ad",
    "#a61e4d", "#2b8a3e", "#364fc7", "#d9480f", "#5f3dc4", "#0b7285", "#868e96",
)
BAR_W = 14  # px per month column
CHART_H = 180  # px of bar height


@dataclass(slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str


@dataclass(slots=True)
class Stacked:
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # x, label
    legend: list[tuple[str, str]] = field(default_factory=list)  # colour, key
    peak: int = 0


def colours(keys: list[str]) -> dict[str, str]:
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(sorted(keys))}


def stacked(by_month: dict[str, dict[str, int]], label: dict[str, str] | None = None) -> Stacked:
    """Months left to right, one stacked column per month, one colour per series key."""
    months = sorted(by_month)
    keys = sorted({k for v in by_month.values() for k in v})
    col = colours(keys)
    peak = max((sum(v.values()) for v in by_month.values()), default=0)
    chart = Stacked(width=max(320, len(months) * BAR_W + 40), height=CHART_H + 30, peak=peak)
    chart.legend = [(col[k], k) for k in keys]
    if not peak:
        return chart
    step = max(1, len(months) // 12)  # at most ~12 axis labels
    for i, m in enumerate(months):
        x = 30 + i * BAR_W
        y = float(CHART_H)
        for k in keys:
            n = by_month[m].get(k, 0)
            if not n:
                continue
            h = CHART_H * n / peak
            y -= h
            name = (label or {}).get(k, k)
            chart.rects.append(Rect(x, round(y, 2), BAR_W - 2, round(h, 2), col[k], f"{m} · {name}: {n}"))
        if i % step == 0:
            chart.ticks.append((x, m))
    return chart


@dataclass(slots=True)
class Bar:
    key: str
    label: str
    value: int
    pct: float  # 0..100 of the largest value
    href: str = ""


def bars(items: list[tuple[str, str, int, str]]) -> list[Bar]:
    """(key, label, value, href) rows as bars scaled to the largest value."""
    top = max((v for _k, _l, v, _h in items), default=0) or 1
    return [Bar(k, lab, v, round(100 * v / top, 1), h) for k, lab, v, h in items]
