"""The quality figures as a small PNG, for /quality chart:True. matplotlib is the optional extra
``askbot[chart]``: it is imported only here, when a chart is asked for."""

from __future__ import annotations

import io

from askbot.errors import AskbotError
from askbot.learning.quality import Quality, verdict_shares


class ChartNotInstalled(AskbotError):
    """Charts need matplotlib, which the core install leaves out."""

    def __init__(self) -> None:
        super().__init__("charts need matplotlib: pip install 'askbot[chart]'")


def quality_chart(quality: Quality) -> bytes:
    """Members' confirmed and flagged shares by week, titled with today's top-1 (CPU-bound: off
    the event loop in the bot)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ChartNotInstalled() from exc

    weeks = [week.week for week in quality.weeks]
    shares = [verdict_shares(week) for week in quality.weeks]
    figure = Figure(figsize=(6, 3), dpi=100)
    axes = figure.subplots()
    positions = range(len(weeks))
    axes.bar([p - 0.2 for p in positions], [c for c, _ in shares], 0.4, label="confirmed")
    axes.bar([p + 0.2 for p in positions], [f for _, f in shares], 0.4, label="flagged")
    axes.set_xticks(list(positions), weeks, rotation=45, ha="right", fontsize=7)
    axes.set_ylabel("% of answers")
    axes.set_title(
        f"top-1 {quality.now.top1:.1f}% on {quality.now.questions} community labels,"
        f" {quality.now.wrong} confident wrong",
        fontsize=9,
    )
    axes.legend(fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
