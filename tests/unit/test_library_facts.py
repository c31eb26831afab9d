"""The facts of the eleven original built-in protocols, written down once so an edit cannot drift.

Each table row is one step, in order: a word its title contains, its minutes (per turn, in a
step taken in turns), its floor where the floor is part of the protocol (a round that must stay
whole, a step the guides say to stay in for its full time), whether it is taken in turns, and
who keeps silent. The figures are the ones shared/DOMAIN.md gives to ship, with its
"Corrections to the built-in library" applied; where it gives none, the library's own choice.
The protocols are read through the app's own loader, as `facilitator list` reads them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from facilitator.core.library import Library
from facilitator.core.protocol import EACH_PARTICIPANT, Protocol

EACH = EACH_PARTICIPANT
EVERYONE = frozenset({"everyone"})
PRESENTER = frozenset({"presenter"})
PARTICIPANTS = frozenset({"participants"})
NOBODY: frozenset[str] = frozenset()

# The families every protocol is tagged with at least one of (more descriptive tags may follow).
FAMILIES = {"tuning", "student work", "dilemma", "text", "data", "listening", "feedback", "reflection"}


@dataclass(frozen=True)
class Fact:
    word: str
    """A word (or words) the step's title contains, compared without case."""
    minutes: float
    silent: frozenset[str] = NOBODY
    turns: int | str | None = None
    floor: float | None = None
    """The step's min_minutes, checked only where it is given here."""


FACTS: dict[str, list[Fact]] = {
    "tuning": [
        Fact("introduction", 5),
        Fact("presentation", 15, PARTICIPANTS),
        Fact("clarifying", 5),
        Fact("examining the work", 10, EVERYONE),
        Fact("pause to reflect", 2, EVERYONE),
        Fact("warm and cool", 15, PRESENTER),
        Fact("presenter's reflection", 10, PARTICIPANTS),
        Fact("debrief", 5),
    ],
    "collaborative-assessment-conference": [
        Fact("looking at the work", 5, EVERYONE),
        Fact("describing", 10, PRESENTER),
        Fact("raising questions", 10, PRESENTER),
        Fact("speculating", 10, PRESENTER),
        Fact("hearing from the presenting teacher", 10),
        Fact("implications", 10),
        Fact("reflecting", 5),
    ],
    "atlas": [
        Fact("getting started", 3),
        Fact("silence", 5, EVERYONE),
        Fact("describing", 10, PRESENTER),
        Fact("interpreting", 10, PRESENTER, floor=10),
        Fact("implications", 10, PRESENTER, floor=10),
        Fact("reflecting", 10),
    ],
    "consultancy": [
        Fact("presenting the dilemma", 5),
        Fact("clarifying", 5),
        Fact("probing", 10),
        Fact("discussing", 15, PRESENTER),
        Fact("presenter's reflection", 5, PARTICIPANTS),
        Fact("debrief", 5),
    ],
    "peeling-the-onion": [
        Fact("describing the dilemma", 5, PARTICIPANTS),
        Fact("clarifying", 3),
        Fact("round 1: what i heard", 1, PRESENTER, EACH, floor=1),
        Fact("round 2: assumptions", 1, PRESENTER, EACH, floor=1),
        Fact("round 3: questions", 1, PRESENTER, EACH, floor=1),
        Fact("round 4: what if", 1, PRESENTER, EACH, floor=1),
        Fact("presenter reflects", 5, PARTICIPANTS),
        Fact("now what", 5),
        Fact("debrief", 5),
    ],
    "final-word": [
        Fact("rounds", 8, NOBODY, EACH, floor=8),
        Fact("debrief", 5),
    ],
    "success-analysis": [
        Fact("writing up a success", 5, EVERYONE),
        Fact("telling the story", 5, PARTICIPANTS),
        Fact("clarifying", 3),
        Fact("analysing", 10, PRESENTER),
        Fact("presenter's reflection", 5, PARTICIPANTS),
        Fact("debrief", 5),
    ],
    "clarify-then-listen": [
        Fact("opening", 3),
        Fact("naming the issue", 5, PARTICIPANTS),
        Fact("clarifying", 5),
        Fact("listening round", 3, PRESENTER, EACH),
        Fact("presenter's response", 5, PARTICIPANTS),
        Fact("debrief", 5),
    ],
    "ten-tenets": [
        Fact("opening", 3),
        Fact("silent self-rating", 10, EVERYONE),
        Fact("strongest and weakest", 3, NOBODY, EACH),
        Fact("commitment", 1, NOBODY, EACH),
        Fact("debrief", 5),
    ],
    "microlabs": [
        Fact("setting up", 5),
        Fact("question 1: think", 2, PARTICIPANTS),
        Fact("question 1: turns", 2, NOBODY, 3, floor=1),
        Fact("question 2: think", 2, PARTICIPANTS),
        Fact("question 2: turns", 2, NOBODY, 3, floor=1),
        Fact("question 3: think", 2, PARTICIPANTS),
        Fact("question 3: turns", 2, NOBODY, 3, floor=1),
        Fact("debrief", 10),
    ],
    "chalk-talk": [
        Fact("introduction", 3),
        Fact("chalk talk", 10, EVERYONE),
        Fact("patterns", 5),
        Fact("round", 1, NOBODY, EACH),
        Fact("debrief", 5),
    ],
}


@pytest.fixture(scope="module")
def builtin(builtin_library: Library) -> Library:
    """The built-in library alone: no user, working-directory or environment protocols."""
    library = builtin_library
    ours = [problem for problem in library.problems if any(f"{name}.toml" in problem for name in FACTS)]
    assert ours == []
    return library


def protocol(library: Library, protocol_id: str) -> Protocol:
    assert protocol_id in library.protocols, f"no built-in protocol {protocol_id!r}"
    found = library.protocols[protocol_id]
    assert found.origin == "built-in" and Path(found.path).stem == protocol_id
    return found.protocol


def drift(found: Protocol, facts: list[Fact]) -> list[str]:
    """Every way the protocol's steps differ from the table; empty when they agree."""
    problems: list[str] = []
    if len(found.steps) != len(facts):
        titles = [step.title for step in found.steps]
        problems.append(f"{found.id}: {len(found.steps)} steps {titles}, the table has {len(facts)}")
    for number, (step, fact) in enumerate(zip(found.steps, facts, strict=False), start=1):
        where = f"{found.id} step {number} ({step.title!r})"
        if fact.word not in step.title.casefold():
            problems.append(f"{where}: title does not contain {fact.word!r}")
        if step.minutes != fact.minutes:
            problems.append(f"{where}: {step.minutes} minutes, not {fact.minutes}")
        if frozenset(step.silent) != fact.silent:
            problems.append(f"{where}: silent {sorted(step.silent)}, not {sorted(fact.silent)}")
        if step.turns != fact.turns:
            problems.append(f"{where}: turns {step.turns!r}, not {fact.turns!r}")
        if fact.floor is not None and step.min_minutes != fact.floor:
            problems.append(f"{where}: floor {step.min_minutes}, not {fact.floor}")
    return problems


def step_with(found: Protocol, word: str) -> int:
    """The index of the one step whose title contains `word`."""
    matches = [i for i, step in enumerate(found.steps) if word in step.title.casefold()]
    assert len(matches) == 1, f"{found.id}: {len(matches)} steps titled with {word!r}"
    return matches[0]


def text_of(found: Protocol, index: int) -> str:
    """Everything a step says, to the room and to the facilitator, without case."""
    step = found.steps[index]
    return " ".join(
        [step.title, step.description, step.reminder, step.facilitator_notes, *step.prompts]
    ).casefold()


# -- the tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol_id", sorted(FACTS))
def test_steps_minutes_turns_and_silences_match_the_table(builtin: Library, protocol_id: str) -> None:
    assert drift(protocol(builtin, protocol_id), FACTS[protocol_id]) == []


def test_the_table_catches_a_drift(builtin: Library) -> None:
    """Each kind of change to a step is noticed: the comparison can fail."""
    tuning = protocol(builtin, "tuning")
    steps = list(tuning.steps)
    assert drift(tuning, FACTS["tuning"]) == []
    changes = [  # (what, which step, the step changed)
        ("title", 2, dataclasses.replace(steps[2], title="Questions")),
        ("minutes", 2, dataclasses.replace(steps[2], minutes=4)),
        ("silent", 5, dataclasses.replace(steps[5], silent=[])),
        ("turns", 5, dataclasses.replace(steps[5], turns=EACH)),
    ]
    for what, index, changed in changes:
        altered = dataclasses.replace(tuning, steps=[*steps[:index], changed, *steps[index + 1 :]])
        assert drift(altered, FACTS["tuning"]), f"a change of {what} went unnoticed"
    shorter = dataclasses.replace(tuning, steps=steps[:-1])
    assert any("steps" in problem for problem in drift(shorter, FACTS["tuning"]))
    atlas = protocol(builtin, "atlas")
    index = step_with(atlas, "interpreting")
    cut = dataclasses.replace(atlas.steps[index], min_minutes=5)
    altered = dataclasses.replace(atlas, steps=[*atlas.steps[:index], cut, *atlas.steps[index + 1 :]])
    assert any("floor" in problem for problem in drift(altered, FACTS["atlas"]))


@pytest.mark.parametrize("protocol_id", sorted(FACTS))
def test_every_floor_is_within_its_step(builtin: Library, protocol_id: str) -> None:
    for step in protocol(builtin, protocol_id).steps:
        if step.min_minutes is not None:
            assert 0 < step.min_minutes <= step.minutes, f"{protocol_id}: {step.title}"


@pytest.mark.parametrize("protocol_id", sorted(FACTS))
def test_every_protocol_carries_a_family_tag_and_credits_its_origin(
    builtin: Library, protocol_id: str
) -> None:
    found = protocol(builtin, protocol_id)
    assert FAMILIES & set(found.tags), f"{protocol_id}: tags {found.tags} name no family"
    assert len(set(found.tags)) == len(found.tags), f"{protocol_id}: a tag given twice"
    assert found.source.startswith("Adapted from "), f"{protocol_id}: {found.source!r}"


# -- the corrections ------------------------------------------------------------------------------


def test_peeling_the_onion_goes_round_once_per_stem_with_the_presenter_silent(builtin: Library) -> None:
    onion = protocol(builtin, "peeling-the-onion")
    rounds = [i for i, step in enumerate(onion.steps) if step.in_turns]
    assert len(rounds) == 4 and rounds == list(range(rounds[0], rounds[0] + 4))  # one after another
    stems = ["heard", "assumption", "question", "what if"]
    for index, stem in zip(rounds, stems, strict=True):
        step = onion.steps[index]
        assert step.turns == EACH and step.silent == ["presenter"]
        assert any(stem in prompt.casefold() for prompt in step.prompts), f"{step.title}: {step.prompts}"
        for other in set(stems) - {stem}:  # one stem per round, not all four
            assert not any(other in prompt.casefold() for prompt in step.prompts), f"{step.title}: {other}"
    # About a minute each, per stem: 16 minutes of rounds for four people (about 15).
    assert sum(onion.steps[i].minutes * onion.steps[i].turn_count(4) for i in rounds) == 16
    # The facilitator may repeat a round, with the run screen's own keys.
    assert any("repeat" in onion.steps[i].facilitator_notes.casefold() for i in rounds)


def test_consultancy_looks_at_artefacts_and_has_the_question_restated(builtin: Library) -> None:
    consultancy = protocol(builtin, "consultancy")
    first = text_of(consultancy, 0)
    assert "silen" in first and ("work" in first or "document" in first or "artefact" in first)
    probing = text_of(consultancy, step_with(consultancy, "probing"))
    assert "restate" in probing or "question again" in probing
    assert "question now" in probing  # the cue on the wall, among the prompts


def test_atlas_reads_in_silence_before_describing(builtin: Library) -> None:
    atlas = protocol(builtin, "atlas")
    reading = step_with(atlas, "silence")
    assert reading + 1 == step_with(atlas, "describing")
    assert atlas.steps[reading].silent == ["everyone"] and atlas.steps[reading].reminder
    for word in ("interpreting", "implications"):
        step = atlas.steps[step_with(atlas, word)]
        assert step.min_minutes == step.minutes, f"{step.title} may shrink"


def test_the_tuning_debrief_begins_with_the_presenter(builtin: Library) -> None:
    tuning = protocol(builtin, "tuning")
    debrief = tuning.steps[-1]
    assert debrief.reminder.casefold().startswith("presenter first")
    assert debrief.prompts[0].casefold().startswith("presenter first")


def test_clarify_then_listen_keeps_the_four_listening_guidelines(builtin: Library) -> None:
    listen = protocol(builtin, "clarify-then-listen")
    norms = " ".join(listen.norms).casefold()
    assert "same time" in norms  # equal time
    assert "interrupt" in norms and "advis" in norms  # listeners only listen
    assert "stays here" in norms  # confidentiality
    assert "criticis" in norms and "colleague" in norms  # the fourth: no criticising anyone
    round_ = text_of(listen, step_with(listen, "listening round"))
    assert "criticis" in round_


def test_ten_tenets_reads_responsibility_and_students_the_corrected_way(builtin: Library) -> None:
    tenets = protocol(builtin, "ten-tenets")
    rating = tenets.steps[step_with(tenets, "silent self-rating")]
    prompt = {text.split(":", 1)[0]: text.split(":", 1)[1].casefold() for text in rating.prompts}
    assert list(prompt) == rating.ratings and len(rating.ratings) == 10
    assert (
        "colleague" in prompt["Collective responsibility"]
        and "student" in prompt["Collective responsibility"]
    )
    students = prompt["Collaborating with students"]
    assert "together with students" in students and "rather than only asking" in students
    assert "together, we can make a difference" not in " ".join(prompt.values())
    assert tenets.steps[-1].ratings == ["How useful was this today?"]


def test_microlabs_gives_each_question_about_eight_minutes_then_the_whole_group(builtin: Library) -> None:
    labs = protocol(builtin, "microlabs")
    for n in (1, 2, 3):
        think = labs.steps[step_with(labs, f"question {n}: think")]
        turns = labs.steps[step_with(labs, f"question {n}: turns")]
        assert think.minutes + turns.minutes * turns.turn_count(None) == 8
    last_turns = step_with(labs, "question 3: turns")
    after = labs.steps[last_turns + 1 :]
    # Straight to the whole group; a triad conversation would have to say it is an addition.
    assert [step.title for step in after] == ["Debrief"] and after[0].speakers == ["everyone"]
    for step in labs.steps:
        if "triad" in step.title.casefold():
            assert "(optional addition)" in step.title


def test_a_final_word_round_stays_whole(builtin: Library) -> None:
    final = protocol(builtin, "final-word")
    rounds = [step for step in final.steps if step.in_turns]
    assert len(rounds) == 1
    assert rounds[0].minutes == 8 and rounds[0].min_minutes == 8  # 3 + 1 per responder + 1
    assert final.total_minutes(people=4) == 32 + 5 and final.total_minutes(people=6) == 48 + 5


# -- our own words --------------------------------------------------------------------------------

# Clauses that followed published handouts too closely, and were rewritten.
HANDOUT_CLAUSES = [
    "gives an overview of the dilemma",
    "frames one question for the group",
    "reminds the group of the norms",
    "on page one, in the second paragraph",
    "together, we can make a difference",
    "tells the story of",
]


@pytest.mark.parametrize("protocol_id", sorted(FACTS))
def test_no_handout_clause_is_back(builtin: Library, protocol_id: str) -> None:
    found = protocol(builtin, protocol_id)
    texts = [found.summary, found.purpose, *found.norms]
    texts += [text_of(found, i) for i in range(len(found.steps))]
    words = " ".join(texts).casefold()
    for clause in HANDOUT_CLAUSES:
        assert clause not in words, f"{protocol_id}: {clause!r}"
