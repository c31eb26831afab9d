"""The protocols added from DOMAIN.md's table "More protocols worth building in", pinned.

Each row of STEPS is one step as the table gives it (or as we chose and say so in `source`
where the table gives no minutes): its title, minutes (per turn in a step taken in turns),
floor, turns and who stays silent. The protocols are read through the app's own loader, the
built-in library alone, so an edit to a file that drifts from the table fails here.
"""

from __future__ import annotations

import pytest

from facilitator.core.details import Details
from facilitator.core.library import Library
from facilitator.core.protocol import EACH_PARTICIPANT, Protocol, Step
from facilitator.core.session import plan_for

EACH = EACH_PARTICIPANT
FOUR = ["Ana", "Ben", "Chi", "Dev"]

# (title, minutes, min_minutes, turns, silent roles)
Row = tuple[str, float, float | None, int | str | None, set[str]]

STEPS: dict[str, list[Row]] = {
    # presentation 5 · clarifying 2 · "I like / I wonder" 6, presenter silent · response 5, others
    # silent · debrief 1-2
    "tuning-short": [
        ("Presentation", 5, 3, None, {"participants"}),
        ("Clarifying questions", 2, 1, None, set()),
        ("Warm and cool feedback", 6, 4, None, {"presenter"}),
        ("Presenter's response", 5, 3, None, {"participants"}),
        ("Debrief", 2, 1, None, set()),
    ],
    # overview 5 (with a silent look) · clarifying 3 · discussion 8-10, presenter silent taking
    # notes · reflection 3 · (our two-minute debrief)
    "consultancy-short": [
        ("Presenting the dilemma", 5, 3, None, set()),
        ("Clarifying questions", 3, 2, None, set()),
        ("Discussing the dilemma", 8, 6, None, {"presenter"}),
        ("Presenter's reflection", 3, 2, None, {"participants"}),
        ("Debrief", 2, 1, None, set()),
    ],
    # show work in progress 5 · clarifying 5 · say what they need (n/f: 2) · friends discuss 10,
    # presenters silent · presenters summarise 5 · debrief 5-10
    "charrette": [
        ("Presenting the work in progress", 5, 3, None, {"participants"}),
        ("Clarifying questions", 5, 2, None, set()),
        ("What the presenters need", 2, 1, None, set()),
        ("Critical friends at work", 10, 6, None, {"presenter"}),
        ("Presenters summarise", 5, 3, None, set()),
        ("Debrief", 5, 3, None, set()),
    ],
    # getting started, no conclusions 3 · silent look (n/f: 5) · describe 10 · interpret 10 ·
    # implications 10 · reflect 10 · optional action plan (n/f: 5)
    "atlas-looking-at-data": [
        ("Getting started", 3, 2, None, set()),
        ("Looking at the data in silence", 5, 3, None, {"everyone"}),
        ("Describing the data", 10, 5, None, {"presenter"}),
        ("Interpreting", 10, 6, None, {"presenter"}),
        ("Implications for practice", 10, 6, None, {"presenter"}),
        ("Reflecting", 10, 5, None, set()),
        ("Action plan (optional)", 5, None, None, set()),
    ],
    # predict (rounds) · go visual · observe (rounds) · infer / question; minutes n/f ·
    # (our debrief)
    "data-driven-dialogue": [
        ("Predicting", 1, 1, EACH, set()),
        ("Going visual", 10, 5, None, set()),
        ("Observing", 1.5, 1, EACH, set()),
        ("Inferring and questioning", 15, 8, None, set()),
        ("Debrief", 5, 3, None, set()),
    ],
    # silent reading (our 10) · rounds: assumptions, agree, argue, aspire (5 min a person) ·
    # what it means for our students · debrief (together 10)
    "four-as": [
        ("Reading and annotating", 10, 5, None, {"everyone"}),
        ("Round: Assumptions", 1.25, 1, EACH, set()),
        ("Round: Agree", 1.25, 1, EACH, set()),
        ("Round: Argue", 1.25, 1, EACH, set()),
        ("Round: Aspire", 1.25, 1, EACH, set()),
        ("What this means for our students", 5, 3, None, set()),
        ("Debrief", 5, 3, None, set()),
    ],
    # a round per person of ~7 min (read without comment, 1 min each, 3 min last word) · debrief
    "save-the-last-word": [
        ("Rounds: save the last word", 7, 6, EACH, set()),
        ("Debrief", 5, 3, None, set()),
    ],
    # mark a sentence, phrase, word · round of sentences · of phrases · of words · discuss ·
    # debrief; minutes n/f
    "text-rendering": [
        ("Reading and marking", 10, 5, None, {"everyone"}),
        ("Round of sentences", 1, 0.5, EACH, set()),
        ("Round of phrases", 0.5, 0.5, EACH, set()),
        ("Round of words", 0.5, 0.5, EACH, set()),
        ("Discussing the words", 10, 5, None, set()),
        ("Debrief", 5, 3, None, set()),
    ],
    # presenter 5-10 · clarifying 3 · active listening round 5-7 · interpretive round 3 ·
    # check-in 2 · probing · suggestions · reflection · debrief (n/f); ~60 in all
    "issaquah-coaching": [
        ("Presenting the dilemma", 5, 3, None, {"participants"}),
        ("Clarifying questions", 3, 2, None, set()),
        ("Active listening round", 1.25, 1, EACH, {"presenter"}),
        ("Interpretive round", 0.75, 0.5, EACH, {"presenter"}),
        ("Presenter check-in", 2, 1, None, {"participants"}),
        ("Probing questions", 15, 5, None, set()),
        ("Suggestions", 12, 4, None, {"presenter"}),
        ("Presenter's reflection", 10, 4, None, {"participants"}),
        ("Debrief", 5, 3, None, set()),
    ],
    # pairs, equal time each (2-5 min), listener silent; switch; debrief
    "listening-dyad": [
        ("Agreements and the question", 3, 2, None, set()),
        ("Listening turns", 3, 2, 2, {"listener"}),
        ("Debrief", 5, 3, None, set()),
    ],
    # overview 3 · presentation 5 · clarifying 5 · discussion 15-20, presenter silent ·
    # presenter reflects, observers silent · debrief (n/f)
    "critical-friends-observation": [
        ("Overview", 3, 2, None, set()),
        ("Host teacher's presentation", 5, 3, None, {"observers"}),
        ("Clarifying questions", 5, 3, None, set()),
        ("Observers' discussion", 15, 10, None, {"presenter"}),
        ("Presenter's reflection", 5, 4, None, {"observers"}),
        ("Debrief", 5, 4, None, set()),
    ],
}

# The planned length for four people (per-person steps counted four times).
TOTAL_FOR_FOUR = {
    "tuning-short": 20,
    "consultancy-short": 21,
    "charrette": 32,
    "atlas-looking-at-data": 53,
    "data-driven-dialogue": 40,
    "four-as": 40,
    "save-the-last-word": 33,
    "text-rendering": 33,
    "issaquah-coaching": 60,
    "listening-dyad": 14,
    "critical-friends-observation": 38,
}

# Where the published version gives no minutes (all or some), `source` says the times are ours.
OUR_MINUTES = {
    "charrette",
    "atlas-looking-at-data",
    "data-driven-dialogue",
    "four-as",
    "text-rendering",
    "issaquah-coaching",
    "listening-dyad",
    "critical-friends-observation",
}

FAMILY_TAGS = {"tuning", "student work", "dilemma", "text", "data", "listening", "feedback", "reflection"}

# A step title fits beside "Step N of M" on a narrow screen.
TITLE_LENGTH = 60


@pytest.fixture(scope="module")
def builtin(builtin_library: Library) -> Library:
    """The built-in library alone: no user, working-directory or environment protocols."""
    library = builtin_library
    mine = [problem for problem in library.problems if any(f"{pid}.toml" in problem for pid in STEPS)]
    assert mine == []
    return library


def protocol(library: Library, protocol_id: str) -> Protocol:
    assert protocol_id in library.protocols, f"no built-in protocol {protocol_id!r}"
    found = library.protocols[protocol_id]
    assert found.origin == "built-in"
    return found.protocol


def row_of(step: Step) -> Row:
    return (step.title, step.minutes, step.min_minutes, step.turns, set(step.silent))


def test_the_table_is_the_eleven_rows_of_domain() -> None:
    assert len(STEPS) == 11
    assert set(STEPS) == set(TOTAL_FOR_FOUR)
    assert set(STEPS) >= OUR_MINUTES


@pytest.mark.parametrize("protocol_id", sorted(STEPS))
def test_steps_follow_the_table(builtin: Library, protocol_id: str) -> None:
    steps = protocol(builtin, protocol_id).steps
    assert [row_of(step) for step in steps] == STEPS[protocol_id]


@pytest.mark.parametrize("protocol_id", sorted(STEPS))
def test_planned_length_for_four_people(builtin: Library, protocol_id: str) -> None:
    assert protocol(builtin, protocol_id).total_minutes(4) == TOTAL_FOR_FOUR[protocol_id]


@pytest.mark.parametrize("protocol_id", sorted(STEPS))
def test_every_step_but_an_optional_one_has_a_floor(builtin: Library, protocol_id: str) -> None:
    for step in protocol(builtin, protocol_id).steps:
        if "optional" in step.title.casefold():
            continue
        assert step.min_minutes is not None, f"{protocol_id}: {step.title} has no floor"
        assert step.min_minutes <= step.minutes
    debriefs = [s for s in protocol(builtin, protocol_id).steps if "debrief" in s.title.casefold()]
    silences = [s for s in protocol(builtin, protocol_id).steps if s.silent == ["everyone"]]
    for step in debriefs + silences:
        assert step.min_minutes is not None and step.min_minutes >= 1, f"{protocol_id}: {step.title}"


@pytest.mark.parametrize("protocol_id", sorted(STEPS))
def test_fits_in_30_minutes_for_four_people(builtin: Library, protocol_id: str) -> None:
    """Every new protocol runs in a 30-minute slot for four people without breaking a floor."""
    found = protocol(builtin, protocol_id)
    shapes, plan, result = plan_for(found, Details(participants=FOUR, fit_minutes=30))
    assert result is not None and result.possible
    assert abs(result.total - 30 * 60) <= 30
    for step, units in zip(found.steps, plan, strict=True):
        assert len(units) == step.turn_count(4)
        floor_ms = (step.min_minutes or 0.5) * 60_000
        assert all(unit >= floor_ms for unit in units), f"{protocol_id}: {step.title}"


@pytest.mark.parametrize("protocol_id", sorted(STEPS))
def test_source_tags_and_the_words_around_the_steps(builtin: Library, protocol_id: str) -> None:
    found = protocol(builtin, protocol_id)
    assert found.source.startswith("Adapted from ")
    assert ("our suggestion" in found.source) == (protocol_id in OUR_MINUTES), found.source
    assert found.tags and set(found.tags) <= FAMILY_TAGS
    assert found.summary.strip() and found.purpose.strip() and found.group_size.strip()
    assert len(found.norms) >= 3 and found.materials and len(found.roles) >= 2
    for step in found.steps:
        where = f"{protocol_id}: {step.title}"
        assert len(step.title) <= TITLE_LENGTH, where
        assert step.description.strip() and step.prompts and step.facilitator_notes.strip(), where
        for role in step.speakers + step.silent:
            assert role == "everyone" or role in found.roles, where


@pytest.mark.parametrize("protocol_id", sorted(STEPS))
def test_a_step_where_the_room_keeps_a_rule_says_it(builtin: Library, protocol_id: str) -> None:
    for step in protocol(builtin, protocol_id).steps:
        where = f"{protocol_id}: {step.title}"
        title = step.title.casefold()
        if step.silent or step.in_turns or "clarifying" in title or "probing" in title:
            assert step.reminder.strip(), where
            assert "\n" not in step.reminder and len(step.reminder) <= 70, where
        for kind in ("clarifying", "probing"):
            if kind in title:
                assert kind in step.reminder.casefold(), where


def test_rounds_are_taken_in_turns(builtin: Library) -> None:
    """Where the protocol goes round, each person has a turn (the clock and the wall follow it)."""
    for protocol_id, key_words in {
        "data-driven-dialogue": ("predicting", "observing"),
        "four-as": ("assumptions", "agree", "argue", "aspire"),
        "save-the-last-word": ("rounds",),
        "text-rendering": ("sentences", "phrases", "words"),
        "issaquah-coaching": ("active listening", "interpretive"),
    }.items():
        found = protocol(builtin, protocol_id)
        for word in key_words:
            steps = [s for s in found.steps if word in s.title.casefold() and s.in_turns]
            assert len(steps) == 1, f"{protocol_id}: no single round titled with {word!r}"
            assert steps[0].turns == EACH


def test_the_per_person_parts(builtin: Library) -> None:
    four_as = protocol(builtin, "four-as")
    assert sum(s.minutes for s in four_as.steps if s.turns == EACH) == 5  # ~5 min a person
    assert sum(s.minutes for s in four_as.steps[-2:]) == 10  # ... plus 10
    last_word = protocol(builtin, "save-the-last-word")
    assert last_word.steps[0].minutes == 7 and last_word.total_minutes(4) <= 35  # ~30 in all
    issaquah = protocol(builtin, "issaquah-coaching")
    assert issaquah.total_minutes(4) == 60  # about 60 in all
    by_title = {s.title: s for s in issaquah.steps}
    assert by_title["Active listening round"].minutes * 4 == 5  # 5-7 for the round
    assert by_title["Interpretive round"].minutes * 4 == 3  # 3 for the round


def test_silence_and_turns_in_the_listening_dyad(builtin: Library) -> None:
    dyad = protocol(builtin, "listening-dyad")
    turns = [s for s in dyad.steps if s.in_turns]
    assert len(turns) == 1
    listening = turns[0]
    assert listening.turns == 2  # two partners, equal time
    assert 2 <= listening.minutes <= 5 and listening.min_minutes is not None
    assert listening.speakers == ["speaker"] and listening.silent == ["listener"]
    rule = listening.reminder.casefold()
    for word in ("interrupt", "interpret", "advis", "own stor"):
        assert word in rule, f"the listener's rule does not say {word!r}: {listening.reminder!r}"
    norms = " ".join(dyad.norms).casefold()
    assert "stays in the pair" in norms  # confidentiality
    assert "own story" in norms and "criticise" in norms
    assert "stays in the pair" in dyad.steps[0].reminder.casefold()
    assert "debrief" in dyad.steps[-1].title.casefold()


def test_the_silence_rules_that_do_not_shrink(builtin: Library) -> None:
    """The Critical Friends guides: time limits, silences and the debrief should not vary."""
    cfg = protocol(builtin, "critical-friends-observation")
    silent = {s.title: s.silent for s in cfg.steps}
    assert silent["Observers' discussion"] == ["presenter"]
    assert silent["Presenter's reflection"] == ["observers"]
    save = protocol(builtin, "save-the-last-word")
    assert "silent" in save.steps[0].reminder.casefold()  # the reader waits for the last word
    tuning = protocol(builtin, "tuning-short")
    assert "outside the circle" in tuning.steps[2].reminder.casefold()
