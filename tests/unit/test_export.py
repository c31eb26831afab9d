"""A session's export says what happened: the plan it started with beside the plan it ended
with and the time taken, which steps were skipped and which were adapted, times as M:SS."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from facilitator.core.clock import FakeClock
from facilitator.core.export import outcome_of, session_markdown
from facilitator.core.library import protocol_from_data
from facilitator.core.protocol import Protocol
from facilitator.core.run import Run
from facilitator.core.session import Details, Session
from facilitator.core.store.record import SessionRecord, load_record
from facilitator.core.store.saver import create_session_file

STEPS = [
    ("Opening", 5, 2),
    ("Presenting", 10, 5),
    ("Questions", 5, 3),
    ("Feedback", 10, 4),
    ("Reflection", 5, 2),
]


def protocol(title: str = "Questions") -> Protocol:
    """Five steps, 35 minutes: 5, 10, 5, 10, 5 (the third one's title may be given)."""
    steps = [
        {"title": title if i == 2 else name, "minutes": minutes, "min_minutes": floor}
        for i, (name, minutes, floor) in enumerate(STEPS)
    ]
    return protocol_from_data({"name": "Feedback Protocol", "steps": steps}, "feedback.toml", "feedback")


def meeting(
    play: Callable[[Run, FakeClock], None],
    *,
    completed: bool = True,
    details: Details | None = None,
    of: Protocol | None = None,
) -> SessionRecord:
    """A meeting run through the engine by `play`, then its record (finished unless not completed)."""
    clock = FakeClock()
    session = Session.new(of or protocol(), details or Details(group="Team A"), clock)
    play(session.run, clock)
    if completed:
        session.run.finish()
    return session.record(completed=completed)


def skip_one_lengthen_one(run: Run, clock: FakeClock) -> None:
    """Opening and Presenting keep time; Questions is passed over; Feedback gets one more minute."""
    run.toggle()
    clock.advance(5 * 60)
    run.next()
    clock.advance(10 * 60)
    run.goto(3)
    run.extend(1)
    clock.advance(11 * 60)
    run.next()
    clock.advance(5 * 60)


def agenda(text: str) -> list[str]:
    """The agenda table's lines, header included."""
    lines = text.splitlines()
    start = lines.index("## Agenda") + 2
    end = lines.index("", start)
    return lines[start:end]


def bullets(text: str) -> dict[str, str]:
    """The head's `- **Label:** value` lines."""
    return dict(re.findall(r"^- \*\*(.+?):\*\* (.*)$", text, re.MULTILINE))


def test_a_skipped_and_an_adapted_step_beside_the_plan_at_the_start() -> None:
    text = session_markdown(meeting(skip_one_lengthen_one))
    assert agenda(text) == [
        "| # | Step | Planned at start | Planned at end | Actual | What happened |",
        "| --- | --- | --- | --- | --- | --- |",
        "| 1 | Opening | 5:00 | 5:00 | 5:00 |  |",
        "| 2 | Presenting | 10:00 | 10:00 | 10:00 |  |",
        "| 3 | Questions | 5:00 | 5:00 | 0:00 | skipped (passed over) |",
        "| 4 | Feedback | 10:00 | 11:00 | 11:00 | adapted: 10:00 at the start, 11:00 at the end, "
        "made longer with + |",
        "| 5 | Reflection | 5:00 | 5:00 | 5:00 |  |",
        "|  | **Total** | **35:00** | **36:00** | **31:00** |  |",
    ]
    head = bullets(text)
    assert head["Status"] == "completed"
    assert head["Planned"] == "35:00 at the start, 36:00 at the end"
    assert head["Actual"] == "31:00 (5:00 under the plan at the end; 4:00 under the plan at the start)"
    assert head["Skipped"] == "3. Questions (passed over)"
    assert head["Adapted"] == "4. Feedback (10:00 at the start, 11:00 at the end, made longer with +)"
    notes = text[text.index("## Notes") :]
    assert "### 3. Questions\n\nWhat happened: skipped (passed over).\n" in notes
    assert "What happened: adapted: 10:00 at the start, 11:00 at the end, made longer with +." in notes
    assert "### 1. Opening\n\n*(no notes)*" in notes  # a step that kept its plan says nothing more


def test_the_outcome_names_skipped_and_adapted_steps() -> None:
    outcome = outcome_of(meeting(skip_one_lengthen_one))
    assert [s.title for s in outcome.skipped] == ["Questions"]
    assert [(s.title, s.changed_by) for s in outcome.adapted] == [("Feedback", ("+",))]
    assert (outcome.planned_at_start, outcome.planned, outcome.actual) == (35 * 60, 36 * 60, 31 * 60)
    assert [s.state for s in outcome.steps] == ["ran", "ran", "skipped", "ran", "ran"]


def test_steps_after_the_finish_were_never_reached() -> None:
    def stop_early(run: Run, clock: FakeClock) -> None:
        run.toggle()
        clock.advance(5 * 60)
        run.next()
        clock.advance(12 * 60)

    text = session_markdown(meeting(stop_early))
    assert "| 3 | Questions | 5:00 | 5:00 | 0:00 | skipped (never reached) |" in agenda(text)
    assert "| 5 | Reflection | 5:00 | 5:00 | 0:00 | skipped (never reached) |" in agenda(text)
    assert "| 2 | Presenting | 10:00 | 10:00 | 12:00 (+2:00 over) |  |" in agenda(text)
    head = bullets(text)
    assert head["Skipped"] == (
        "3. Questions (never reached); 4. Feedback (never reached); 5. Reflection (never reached)"
    )
    assert head["Adapted"] == "none"
    assert head["Planned"] == "35:00 at the start, unchanged"
    assert head["Actual"] == "17:00 (18:00 under the plan at the end)"


def test_a_step_passed_through_with_no_time_run_is_skipped() -> None:
    def through_while_paused(run: Run, clock: FakeClock) -> None:
        run.toggle()
        clock.advance(5 * 60)
        run.toggle()  # paused
        run.next()  # Presenting, no time runs
        run.next()  # Questions
        run.toggle()
        clock.advance(5 * 60)

    text = session_markdown(meeting(through_while_paused))
    assert "| 2 | Presenting | 10:00 | 10:00 | 0:00 | skipped (left with no time run) |" in agenda(text)
    assert "| 3 | Questions | 5:00 | 5:00 | 5:00 |  |" in agenda(text)
    assert bullets(text)["Skipped"].startswith("2. Presenting (left with no time run); 4. Feedback (never")


def test_adapt_refits_the_later_steps_and_the_export_says_so() -> None:
    def behind_then_adapt(run: Run, clock: FakeClock) -> None:
        run.toggle()
        clock.advance(9 * 60)  # four minutes behind
        event, said = run.adapt()
        assert event is not None, said
        for _ in range(4):
            run.next()
            clock.advance(run.unit_planned_ms(run.step, 0) / 1000)

    record = meeting(behind_then_adapt)
    outcome = outcome_of(record)
    refit = [s for s in outcome.steps if "adapt" in s.changed_by]
    assert refit and all(s.number > 1 for s in refit)
    assert outcome.planned_at_start == 35 * 60
    assert outcome.planned == sum(s.planned_seconds for s in record.steps) < 35 * 60 + 4 * 60
    text = session_markdown(record)
    for step in refit:
        saved = record.steps[step.number - 1]
        start = f"{step.planned_at_start // 60}:00"
        end = f"{saved.planned_seconds // 60}:{saved.planned_seconds % 60:02d}"
        assert f"| {step.number} | {step.title} | {start} | {end} | " in text
        assert f"adapted: {start} at the start, {end} at the end, refit by adapt |" in text
    assert "| 1 | Opening | 5:00 | 5:00 | 9:00 (+4:00 over) |  |" in agenda(text)
    assert (
        bullets(text)["Planned"]
        == f"35:00 at the start, {outcome.planned // 60}:{outcome.planned % 60:02d} at the end"
    )


def test_plus_then_minus_back_to_the_plan_still_counts_as_adapted() -> None:
    def there_and_back(run: Run, clock: FakeClock) -> None:
        run.toggle()
        run.extend(1)
        run.extend(-1)
        clock.advance(5 * 60)

    text = session_markdown(meeting(there_and_back))
    assert (
        "| 1 | Opening | 5:00 | 5:00 | 5:00 | "
        "adapted: 5:00 at the start and at the end, changed with + and - |"
    ) in agenda(text)


def test_the_plan_at_the_start_is_the_one_fitted_at_setup() -> None:
    def on_time(run: Run, clock: FakeClock) -> None:
        run.toggle()
        clock.advance(run.unit_planned_ms(0, 0) / 1000)

    record = meeting(on_time, details=Details(group="Team A", fit_minutes=21))
    fitted = [s.planned_seconds for s in record.steps]
    assert sum(fitted) == 21 * 60 and fitted != [m * 60 for _, m, _ in STEPS]  # fitted, not the file's
    text = session_markdown(record)
    assert bullets(text)["Fitted at setup to"] == "21:00"
    assert bullets(text)["Planned"] == "21:00 at the start, unchanged"
    opening = fitted[0]
    assert (
        f"| 1 | Opening | {opening // 60}:{opening % 60:02d} | {opening // 60}:{opening % 60:02d} |" in text
    )


def test_a_meeting_never_started_says_so_and_skipped_every_step() -> None:
    record = meeting(lambda run, clock: None)
    assert not [e for e in record.events if e.kind == "start"]
    text = session_markdown(record)
    head = bullets(text)
    assert head["Status"] == "not started: finished before the timer ever ran"
    assert head["Skipped"] == "every step: the timer was never started"
    assert head["Actual"] == "0:00"  # not "35:00 under": nothing ran
    assert "| 1 | Opening | 5:00 | 5:00 | 0:00 | skipped (the timer was never started) |" in agenda(text)


def test_a_meeting_in_progress_has_steps_not_reached_yet_rather_than_skipped() -> None:
    def halfway(run: Run, clock: FakeClock) -> None:
        run.toggle()
        clock.advance(5 * 60)
        run.next()
        clock.advance(60)

    text = session_markdown(meeting(halfway, completed=False))
    head = bullets(text)
    assert head["Status"] == "in progress"
    assert head["Skipped"] == "none"
    assert head["Actual"] == "6:00"
    assert "| 2 | Presenting | 10:00 | 10:00 | 1:00 |  |" in agenda(text)
    assert "| 3 | Questions | 5:00 | 5:00 | 0:00 | not reached yet |" in agenda(text)


def test_the_current_step_of_an_unstarted_meeting_in_progress_is_not_skipped() -> None:
    outcome = outcome_of(meeting(lambda run, clock: None, completed=False))
    assert [s.state for s in outcome.steps] == ["current"] + ["not reached yet"] * 4
    assert outcome.skipped == ()


def test_every_time_is_minutes_and_seconds(tmp_path: Path) -> None:
    def odd_lengths(run: Run, clock: FakeClock) -> None:
        run.toggle()
        clock.advance(48)  # 0:48, never "0.8 min"
        run.next()
        clock.advance(10 * 60 + 7)

    record = load_record(create_session_file(tmp_path, meeting(odd_lengths)))
    text = session_markdown(record)
    assert not re.search(r"\d\s*min\b", text)
    assert "| 1 | Opening | 5:00 | 5:00 | 0:48 |  |" in text
    assert "| 2 | Presenting | 10:00 | 10:00 | 10:07 (+0:07 over) |  |" in text


def test_titles_are_shown_literally() -> None:
    record = meeting(skip_one_lengthen_one, of=protocol("[bold]Warm[/bold] | cool"))
    text = session_markdown(record)
    assert "| 3 | [bold]Warm[/bold] \\| cool | 5:00 | 5:00 | 0:00 | skipped (passed over) |" in text
    assert bullets(text)["Skipped"] == "3. [bold]Warm[/bold] \\| cool (passed over)"


@pytest.mark.parametrize("kind", ["plan", "all"])
def test_a_log_without_its_plan_falls_back_to_the_plan_at_the_end(kind: str) -> None:
    record = meeting(skip_one_lengthen_one)
    events = [e for e in record.events if e.kind != "plan"] if kind == "plan" else []
    outcome = outcome_of(replace(record, events=events))
    assert [s.planned_at_start for s in outcome.steps] == [s.planned_seconds for s in record.steps]
    assert outcome.planned_at_start == outcome.planned == 36 * 60
