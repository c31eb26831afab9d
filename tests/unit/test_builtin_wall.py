"""What the built-in protocols tell the room: each step's rule (reminder) and the floors kept when fitting."""

from __future__ import annotations

import pytest

from facilitator.core.library import Library
from facilitator.core.protocol import Protocol, Step

# A reminder is shown in one line on an 80-column terminal, beside the view's frame.
MAX_REMINDER = 70

# Steps that must not shrink to 30 seconds when a meeting is fitted into less time: the
# presentations, the silences and questions a protocol is built on, the presenter's response,
# the rounds (floor per turn) and the debriefs. Introductions and set-up may shrink.
MUST_HAVE_A_FLOOR: list[tuple[str, str]] = [
    ("atlas", "Describing the work"),
    ("atlas", "Interpreting"),
    ("atlas", "Implications for practice"),
    ("atlas", "Reflecting"),
    ("chalk-talk", "Chalk talk"),
    ("chalk-talk", "Patterns in pairs"),
    ("chalk-talk", "Round"),
    ("chalk-talk", "Debrief"),
    ("clarify-then-listen", "Naming the issue"),
    ("clarify-then-listen", "Clarifying questions"),
    ("clarify-then-listen", "Listening round"),
    ("clarify-then-listen", "Presenter's response"),
    ("clarify-then-listen", "Debrief"),
    ("collaborative-assessment-conference", "Looking at the work"),
    ("collaborative-assessment-conference", "Describing the work"),
    ("collaborative-assessment-conference", "Raising questions"),
    ("collaborative-assessment-conference", "Speculating"),
    ("collaborative-assessment-conference", "Hearing from the presenting teacher"),
    ("collaborative-assessment-conference", "Implications for teaching and learning"),
    ("collaborative-assessment-conference", "Reflecting on the conference"),
    ("consultancy", "Presenting the dilemma"),
    ("consultancy", "Clarifying questions"),
    ("consultancy", "Probing questions"),
    ("consultancy", "Discussing the dilemma"),
    ("consultancy", "Presenter's reflection"),
    ("consultancy", "Debrief"),
    ("final-word", "Rounds of the Final Word"),
    ("final-word", "Debrief"),
    ("microlabs", "Question 1: turns"),
    ("microlabs", "Question 2: turns"),
    ("microlabs", "Question 3: turns"),
    ("microlabs", "Debrief"),
    ("peeling-the-onion", "Describing the dilemma"),
    ("peeling-the-onion", "Clarifying questions"),
    ("peeling-the-onion", "Round 1: what I heard"),
    ("peeling-the-onion", "Round 2: assumptions"),
    ("peeling-the-onion", "Round 3: questions"),
    ("peeling-the-onion", "Round 4: what if"),
    ("peeling-the-onion", "Presenter reflects"),
    ("peeling-the-onion", "Now what?"),
    ("peeling-the-onion", "Debrief"),
    ("success-analysis", "Writing up a success"),
    ("success-analysis", "Telling the story"),
    ("success-analysis", "Clarifying questions"),
    ("success-analysis", "Analysing the success"),
    ("success-analysis", "Presenter's reflection"),
    ("success-analysis", "Debrief"),
    ("ten-tenets", "Silent self-rating"),
    ("ten-tenets", "Strongest and weakest"),
    ("ten-tenets", "One commitment each"),
    ("ten-tenets", "Debrief"),
    ("tuning", "Presentation"),
    ("tuning", "Clarifying questions"),
    ("tuning", "Examining the work"),
    ("tuning", "Pause to reflect"),
    ("tuning", "Warm and cool feedback"),
    ("tuning", "Presenter's reflection"),
    ("tuning", "Debrief"),
]


@pytest.fixture(scope="module")
def builtin(builtin_library: Library) -> Library:
    """The built-in library alone: no user, working-directory or environment protocols."""
    library = builtin_library
    assert library.problems == []
    assert library.protocols, "the built-in library is empty"
    assert {found.origin for found in library.protocols.values()} == {"built-in"}
    return library


def all_steps(library: Library) -> list[tuple[Protocol, Step]]:
    return [(found.protocol, step) for found in library.sorted() for step in found.protocol.steps]


def step_named(library: Library, protocol_id: str, title: str) -> Step:
    assert protocol_id in library.protocols, f"no built-in protocol {protocol_id!r}"
    matches = [step for step in library.protocols[protocol_id].protocol.steps if step.title == title]
    assert len(matches) == 1, f"{protocol_id}: expected one step titled {title!r}, found {len(matches)}"
    return matches[0]


def needs_a_reminder(step: Step) -> bool:
    title = step.title.casefold()
    return bool(step.silent) or "clarifying" in title or "probing" in title


def test_every_step_with_a_rule_tells_the_room(builtin: Library) -> None:
    checked = 0
    missing: list[str] = []
    for protocol, step in all_steps(builtin):
        if not needs_a_reminder(step):
            continue
        checked += 1
        where = f"{protocol.id}: {step.title}"
        if not step.reminder.strip():
            missing.append(where)
            continue
        assert len(step.reminder.splitlines()) == 1, f"{where}: reminder is not one line"
        assert len(step.reminder) <= MAX_REMINDER, f"{where}: reminder is {len(step.reminder)} characters"
    assert missing == [], f"steps with a rule but no reminder: {missing}"
    assert checked >= 30  # the library has many such steps; a loader that lost them would pass vacuously


@pytest.mark.parametrize(("protocol_id", "title"), MUST_HAVE_A_FLOOR, ids=lambda value: str(value))
def test_steps_that_must_not_shrink_have_a_floor(builtin: Library, protocol_id: str, title: str) -> None:
    step = step_named(builtin, protocol_id, title)
    assert step.min_minutes is not None, f"{protocol_id}: {title} has no min_minutes"
    assert step.min_minutes >= 1, f"{protocol_id}: {title}: floor {step.min_minutes} is below 1 minute"
    assert step.min_minutes <= step.minutes


def test_every_reminder_is_one_short_line(builtin: Library) -> None:
    reminders = [(protocol.id, step) for protocol, step in all_steps(builtin) if step.reminder]
    assert reminders, "no built-in step has a reminder"
    for protocol_id, step in reminders:
        where = f"{protocol_id}: {step.title}"
        assert "\n" not in step.reminder and "\r" not in step.reminder, where
        assert step.reminder == step.reminder.strip(), f"{where}: reminder has spaces at an end"
        assert len(step.reminder) <= MAX_REMINDER, f"{where}: reminder is {len(step.reminder)} characters"


def test_clarifying_and_probing_reminders_say_which_is_which(builtin: Library) -> None:
    """The most common confusion: the reminder at those steps names the kind of question."""
    for protocol, step in all_steps(builtin):
        title = step.title.casefold()
        for kind in ("clarifying", "probing"):
            if kind in title:
                assert kind in step.reminder.casefold(), f"{protocol.id}: {step.title}: {step.reminder!r}"


def test_the_tuning_floors_still_allow_a_30_minute_meeting(builtin: Library) -> None:
    """Groups also run Tuning in 30 minutes; the floors must leave that possible."""
    tuning = builtin.protocols["tuning"].protocol
    lowest = sum(step.min_minutes if step.min_minutes is not None else 0.5 for step in tuning.steps)
    assert lowest <= 30


def test_the_floor_table_names_each_step_once(builtin: Library) -> None:
    assert len(set(MUST_HAVE_A_FLOOR)) == len(MUST_HAVE_A_FLOOR)
    assert {protocol_id for protocol_id, _ in MUST_HAVE_A_FLOOR} <= set(builtin.protocols)
