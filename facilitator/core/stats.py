"""Across sessions: how long each protocol takes, and which steps run over, how often, how much."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from .store.catalog import Summary
from .words import OVER_S, clock_text, plural


@dataclass(frozen=True)
class StepStat:
    """One step of a protocol across the sessions that ran it."""

    title: str
    runs: int
    overruns: int
    typical_over: int  # median overrun, seconds, among the sessions where it ran over
    typical_planned: int
    typical_actual: int


@dataclass(frozen=True)
class ProtocolStat:
    """One protocol across completed sessions (a session whose timer never ran is not one)."""

    protocol_id: str
    name: str
    sessions: int
    unfinished: int
    not_started: int  # opened and finished (or left) without the timer ever running
    typical_length: int  # median actual seconds
    typical_planned: int
    steps: tuple[StepStat, ...]


def protocol_stats(summaries: list[Summary], protocol_id: str | None = None) -> list[ProtocolStat]:
    """Statistics per protocol from full summaries: completed sessions count; unfinished ones and
    those never started (no `start` event: the timer never ran) are counted apart."""
    groups: dict[str, list[Summary]] = {}
    for s in summaries:
        if s.readable and (protocol_id is None or s.protocol_id == protocol_id):
            groups.setdefault(s.protocol_id, []).append(s)
    out = []
    for pid, items in groups.items():
        idle = [s for s in items if s.started is False]
        done = [
            s for s in items if s.status == "completed" and s.steps is not None and s.started is not False
        ]
        titles: list[str] = []
        per_step: dict[str, list[tuple[int, int]]] = {}
        for s in done:
            for step in s.steps or ():
                if step.title not in per_step:
                    titles.append(step.title)
                    per_step[step.title] = []
                if step.actual > 0:
                    per_step[step.title].append((step.planned, step.actual))
        steps = []
        for title in titles:
            runs = per_step[title]
            overs = [a - p for p, a in runs if a - p >= OVER_S]
            steps.append(
                StepStat(
                    title=title,
                    runs=len(runs),
                    overruns=len(overs),
                    typical_over=int(median(overs)) if overs else 0,
                    typical_planned=int(median(p for p, _ in runs)) if runs else 0,
                    typical_actual=int(median(a for _, a in runs)) if runs else 0,
                )
            )
        name = (done or items)[0].protocol_name or pid
        out.append(
            ProtocolStat(
                protocol_id=pid,
                name=name,
                sessions=len(done),
                unfinished=len(items) - len(done) - len(idle),
                not_started=len(idle),
                typical_length=int(median(s.actual for s in done)) if done else 0,
                typical_planned=int(median(s.planned for s in done)) if done else 0,
                steps=tuple(steps),
            )
        )
    out.sort(key=lambda p: (-p.sessions, p.name.casefold()))
    return out


def counts_text(stat: ProtocolStat) -> str:
    """ "3 completed sessions, 1 not started, 1 unfinished"."""
    words = plural(stat.sessions, "completed session")
    if stat.not_started:
        words += f", {stat.not_started} not started"
    if stat.unfinished:
        words += f", {stat.unfinished} unfinished"
    return words


def length_text(stat: ProtocolStat) -> str:
    """ "Typical length 47:10 against 45:00 planned (+2:10 over)"."""
    diff = stat.typical_length - stat.typical_planned
    words = (
        f"Typical length {clock_text(stat.typical_length)} against {clock_text(stat.typical_planned)} planned"
    )
    if diff >= OVER_S:
        words += f" (+{clock_text(diff)} over)"
    elif -diff >= OVER_S:
        words += f" ({clock_text(diff)} under)"
    return words


def overrun_bar(stat: StepStat, width: int) -> str:
    """A bar: filled for the share of sessions where the step ran over."""
    if stat.runs == 0:
        return "·" * width
    filled = round(width * stat.overruns / stat.runs)
    return "█" * filled + "░" * (width - filled)


def step_line(stat: StepStat) -> str:
    """ "ran over in 7 of 9 sessions, typically by 3:10" in words."""
    if stat.runs == 0:
        return "never run"
    if stat.overruns == 0:
        return "kept its time" if stat.runs == 1 else f"kept its time in all {stat.runs} sessions"
    return f"ran over in {stat.overruns} of {stat.runs}, typically by {clock_text(stat.typical_over)}"


def stats_text(stats: list[ProtocolStat], width: int = 100) -> str:
    """Statistics as text a facilitator can read, with a bar per step."""
    if not stats:
        return "No saved sessions to learn from yet.\n"
    lines: list[str] = []
    for p in stats:
        head = f"{p.name} ({p.protocol_id}): {counts_text(p)}"
        lines += [head, "-" * min(len(head), width)]
        if not p.sessions:
            lines += ["No completed sessions yet.", ""]
            continue
        lines.append(length_text(p))
        lines.append("Steps that ran over (█ = share of sessions):")
        title_w = min(28, max(len(s.title) for s in p.steps) if p.steps else 10)
        bar_w = 12
        for s in p.steps:
            title = s.title if len(s.title) <= title_w else s.title[: title_w - 1] + "…"
            lines.append(f"  {title.ljust(title_w)}  {overrun_bar(s, bar_w)}  {step_line(s)}")
        lines.append("")
    return "\n".join(lines)
