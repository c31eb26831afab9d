"""The command line: commands, output, exit codes, one-line errors and never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator import __version__
from facilitator.cli import build_parser, main
from facilitator.core.export import step_minutes
from facilitator.core.library import ENV_PROTOCOLS, builtin_dir, load_protocol

REPO = Path(__file__).resolve().parents[2]
COMMANDS = ["run", "list", "show", "validate", "sessions", "export", "review", "resume"]

GOOD = 'name = "Good one"\n[[steps]]\ntitle = "Talk"\nminutes = 5\n'
BAD = 'name = " "\n[[steps]]\ntitle = "Talk"\nminutes = 0\n'  # two problems


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated cwd: no user protocols, no env protocols, no env sessions dir."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(ENV_PROTOCOLS, raising=False)
    monkeypatch.delenv("FACILITATOR_SESSIONS_DIR", raising=False)
    cwd = tmp_path / "work"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lines(text: str) -> list[str]:
    return text.splitlines()


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def exit_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """For argparse's own exits (--help, --version, usage errors)."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return int(info.value.code or 0), out, err


# ---------------------------------------------------------------------------------------------
# --version, --help, usage errors


def test_version(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = exit_of(["--version"], capsys)
    assert code == 0
    assert out.strip() == f"facilitator {__version__}"
    assert err == ""


def test_every_contract_command_exists() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(COMMANDS) <= set(sub.choices)  # type: ignore[arg-type]


def test_help(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = exit_of(["--help"], capsys)
    assert code == 0
    assert out.startswith("usage: facilitator")
    for command in COMMANDS:
        assert command in out
    assert err == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_help_on_every_command(work: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = exit_of([command, "--help"], capsys)
    assert code == 0
    assert out.startswith(f"usage: facilitator {command}")
    assert err == ""


def test_unknown_command_is_one_line_and_exit_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = exit_of(["nope"], capsys)
    assert code == 2
    assert out == ""
    assert len(lines(err)) == 1
    assert "invalid choice: 'nope'" in err
    assert "--help" in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["list", "--bogus"], "unrecognized arguments: --bogus"),
        (["show"], "PROTOCOL"),
        (["validate"], "PATH"),
        (["export"], "SESSION"),
        (["export", "x", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["run"], "PROTOCOL"),
        (["run", "tuning", "--fit", "soon"], "invalid float value"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    work: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    code, out, err = exit_of(argv, capsys)
    assert code == 2
    assert out == ""
    assert len(lines(err)) == 1, err
    assert expected in err
    assert err.startswith("facilitator")


def test_sessions_dir_before_the_command_is_kept() -> None:
    parser = build_parser()
    assert parser.parse_args(["--sessions-dir", "A", "sessions"]).sessions_dir == ["A"]
    assert parser.parse_args(["sessions", "--sessions-dir", "B"]).sessions_dir == ["B"]
    assert parser.parse_args(["--sessions-dir", "A", "export", "x"]).sessions_dir == ["A"]
    # Given more than once: every folder, in order (new sessions go in the first).
    both = ["--sessions-dir", "A", "--sessions-dir", "B"]
    assert parser.parse_args([*both, "team"]).sessions_dir == ["A", "B"]
    assert parser.parse_args(["commitments", *both]).sessions_dir == ["A", "B"]
    assert parser.parse_args(["sessions"]).sessions_dir is None
    run = parser.parse_args(["--theme", "light", "--no-bell", "run", "tuning"])
    assert (run.theme, run.no_bell, run.sessions_dir) == ("light", True, None)
    run = parser.parse_args(["run", "tuning"])
    assert (run.theme, run.no_bell) == (None, False)


# ---------------------------------------------------------------------------------------------
# list


def test_list_shows_the_builtin_protocols(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["list"], capsys)
    assert code == 0
    assert err == ""
    rows = lines(out)
    # FROM is left out when every protocol is built-in (see the next tests for a team's own).
    assert rows[0].split() == ["ID", "NAME", "FAMILY", "STEPS", "MINUTES", "SHORTEST"]
    tuning = next(row for row in rows if row.startswith("tuning "))
    assert "Tuning Protocol" in tuning
    assert "tuning, student work, feedback" in tuning
    assert " 8 " in tuning
    assert "67 min" in tuning
    assert tuning.endswith("30 min")  # every step at its floor
    final_word = next(row for row in rows if row.startswith("final-word "))
    assert "5 + 8/person" in final_word and final_word.endswith("37 min")  # 5 + 4 rounds of 8
    ids = [row.split()[0] for row in rows[1:]]
    assert sorted(ids) == sorted(p.stem for p in builtin_dir().glob("*.toml"))


def test_list_filters_by_tag_and_by_the_time_there_is(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["list", "--tag", "data", "--fits", "30"], capsys)
    assert code == 0 and err == ""
    ids = [row.split()[0] for row in lines(out)[1:]]
    assert ids == ["atlas-looking-at-data", "data-driven-dialogue"]  # atlas needs 36 min
    code, out, _ = run_main(["list", "--tag", "Student  Work", "--tag", "tuning"], capsys)
    assert [row.split()[0] for row in lines(out)[1:]] == ["tuning", "tuning-short"]
    # Rounds for each person: more people need more time.
    _, four, _ = run_main(["list", "--tag", "text", "--fits", "30"], capsys)
    _, eight, _ = run_main(["list", "--tag", "text", "--fits", "30", "--people", "8"], capsys)
    assert "save-the-last-word" in four and "save-the-last-word" not in eight
    code, out, _ = run_main(["list", "--tag", "data", "--fits", "5"], capsys)
    assert code == 0 and out.startswith("No protocol tagged data, fitting in 5 min for 4")
    code, _, err = run_main(["list", "--fits", "0"], capsys)
    assert code == 2 and "--fits must be a number of minutes above 0" in err


def test_list_reports_broken_files_on_stderr_and_lists_the_good(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work / "protocols" / "good.toml", GOOD)
    broken = write(work / "protocols" / "broken.toml", BAD)
    write(work / "protocols" / "syntax.toml", "name = = 1\n")
    code, out, err = run_main(["list"], capsys)
    assert code == 0
    rows = lines(out)
    good = next(row for row in rows if row.startswith("good "))
    assert "Good one" in good and good.endswith("./protocols")
    assert any(row.startswith("tuning ") for row in rows)
    assert not any(row.startswith(("broken ", "syntax ")) for row in rows)
    problems = lines(err)
    assert f"facilitator: skipped {broken}: name: must not be blank" in problems
    assert f"facilitator: skipped {broken}: steps[1].minutes: must be greater than 0" in problems
    assert any("syntax.toml:1:" in line for line in problems)
    assert len(problems) == 3
    assert all(line.startswith("facilitator: skipped ") for line in problems)


def test_list_from_the_repo_root_lists_each_protocol_once(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = run_main(["list"], capsys)
    assert code == 0
    assert err == ""
    ids = [row.split()[0] for row in lines(out)[1:]]
    assert len(ids) == len(set(ids))
    assert ids.count("tuning") == 1


def test_list_env_protocols_override(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = work.parent / "extra"
    write(extra / "tuning.toml", GOOD)
    monkeypatch.setenv(ENV_PROTOCOLS, str(extra))
    code, out, _ = run_main(["list"], capsys)
    assert code == 0
    tuning = next(row for row in lines(out) if row.startswith("tuning "))
    assert "Good one" in tuning
    assert tuning.endswith(ENV_PROTOCOLS)


# ---------------------------------------------------------------------------------------------
# show


@pytest.mark.parametrize("path", sorted(builtin_dir().glob("*.toml")), ids=lambda p: p.stem)
def test_show_every_builtin_has_every_step_and_prompt(
    work: Path, capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    protocol = load_protocol(path)
    code, out, err = run_main(["show", path.stem], capsys)
    assert code == 0
    assert err == ""
    assert out.startswith(protocol.name + "\n")
    flat = " ".join(out.split())
    for number, step in enumerate(protocol.steps, start=1):
        assert f"{number}. {step.title}  ({step_minutes(step)})" in out
        for prompt in step.prompts:
            assert " ".join(prompt.split()) in flat
    assert protocol.source.split()[0] in out


def test_show_tuning(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(["show", "tuning"], capsys)
    assert code == 0
    for title, minutes in [
        ("Introduction", 5),
        ("Presentation", 15),
        ("Clarifying questions", 5),
        ("Examining the work", 10),
        ("Pause to reflect", 2),
        ("Warm and cool feedback", 15),
        ("Presenter's reflection", 10),
        ("Debrief", 5),
    ]:
        assert f"{title}  ({minutes} min)" in out
    assert "Total: 67 min" in out
    assert "Speaking: facilitator" in out
    assert "Silent: presenter" in out
    assert "• I like…" in out
    assert "• What frustrated you?" in out
    # facilitator notes are private tips, not part of the printable agenda
    assert "hold the group to the clock" not in out


def test_show_tuning_markdown(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["show", "tuning", "--markdown"], capsys)
    assert code == 0
    assert err == ""
    rows = lines(out)
    assert rows[0] == "# Tuning Protocol"
    header = rows.index("| # | Step | Time | Who |")
    assert rows[header + 1] == "| --- | --- | --- | --- |"
    table = rows[header + 2 : header + 10]
    assert table[0] == "| 1 | Introduction | 5 min | Speaking: facilitator |"
    assert table[7].startswith("| 8 | Debrief | 5 min |")
    assert all(row.startswith("| ") and row.endswith(" |") for row in table)
    assert all(row.count(" | ") == 3 for row in table)
    assert rows[header + 10] == ""
    assert "### 6. Warm and cool feedback (15 min)" in rows
    assert "- I wonder if…?" in rows


def test_show_a_file_by_path(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(work / "mine.toml", GOOD)
    code, out, _ = run_main(["show", str(path)], capsys)
    assert code == 0
    assert "1. Talk  (5 min)" in out
    code, out, _ = run_main(["show", "mine.toml"], capsys)
    assert code == 0
    assert out.startswith("Good one\n")


def test_show_markup_literally(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        work / "protocols" / "markup.toml",
        'name = "[bold]x[/bold]"\n[[steps]]\ntitle = "[red]T"\nminutes = 1\n',
    )
    code, out, _ = run_main(["show", "markup"], capsys)
    assert code == 0
    assert out.startswith("[bold]x[/bold]\n")
    assert "1. [red]T  (1 min)" in out


def test_show_unknown_protocol(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["show", "nope"], capsys)
    assert code == 2
    assert out == ""
    assert len(lines(err)) == 1
    assert err.startswith('facilitator: no protocol named "nope"')


def test_show_unknown_protocol_did_you_mean(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["show", "tunning"], capsys)
    assert code == 2
    assert out == ""
    assert lines(err) == [
        'facilitator: no protocol named "tunning"; did you mean "tuning"? (facilitator list shows them all)'
    ]


def test_show_broken_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(work / "bad.toml", BAD)
    code, out, err = run_main(["show", str(path)], capsys)
    assert code == 2
    assert out == ""
    assert lines(err) == [
        f"facilitator: {path}: name: must not be blank",
        f"facilitator: {path}: steps[1].minutes: must be greater than 0",
    ]


def test_show_missing_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["show", "missing.toml"], capsys)
    assert code == 2
    assert lines(err) == ["facilitator: missing.toml: no such file"]


# ---------------------------------------------------------------------------------------------
# validate


def test_validate_good_files(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = write(work / "one.toml", GOOD)
    two = builtin_dir() / "tuning.toml"
    code, out, err = run_main(["validate", str(one), str(two)], capsys)
    assert code == 0
    assert err == ""
    assert lines(out) == [f"{one}: ok (Good one, 1 steps)", f"{two}: ok (Tuning Protocol, 8 steps)"]


def test_validate_bad_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(work / "bad.toml", BAD)
    code, out, err = run_main(["validate", str(bad)], capsys)
    assert code == 1
    assert out == ""
    assert lines(err) == [
        f"{bad}: name: must not be blank",
        f"{bad}: steps[1].minutes: must be greater than 0",
    ]


def test_validate_syntax_error(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(work / "syntax.toml", 'name = "x"\n\n[[steps]]\ntitle "T"\n')
    code, _, err = run_main(["validate", str(bad)], capsys)
    assert code == 1
    (line,) = lines(err)
    assert line.startswith(f"{bad}:4:7: ")


def test_validate_mix(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(work / "good.toml", GOOD)
    bad = write(work / "bad.toml", BAD)
    also_good = write(work / "also.toml", GOOD)
    code, out, err = run_main(["validate", str(good), str(bad), str(also_good)], capsys)
    assert code == 1
    assert lines(out) == [f"{good}: ok (Good one, 1 steps)", f"{also_good}: ok (Good one, 1 steps)"]
    assert len(lines(err)) == 2
    assert all(line.startswith(f"{bad}: ") for line in lines(err))


def test_validate_a_directory(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = work / "mine"
    good = write(folder / "a-good.toml", GOOD)
    bad = write(folder / "b-bad.toml", BAD)
    write(folder / "notes.txt", "not a protocol")
    code, out, err = run_main(["validate", str(folder)], capsys)
    assert code == 1
    assert lines(out) == [f"{good}: ok (Good one, 1 steps)"]
    assert len(lines(err)) == 2
    assert all(line.startswith(f"{bad}: ") for line in lines(err))


def test_validate_the_builtin_directory(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["validate", str(builtin_dir())], capsys)
    assert code == 0
    assert err == ""
    assert len(lines(out)) == len(list(builtin_dir().glob("*.toml"))) >= 8
    assert all(": ok (" in line for line in lines(out))


def test_validate_missing_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(work / "good.toml", GOOD)
    code, out, err = run_main(["validate", "missing.toml", str(good)], capsys)
    assert code in (1, 2)
    assert lines(err) == ["missing.toml: no such file"]
    assert lines(out) == [f"{good}: ok (Good one, 1 steps)"]


def test_validate_not_utf8(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = work / "latin1.toml"
    bad.write_bytes(b'name = "caf\xe9"\n')
    code, _, err = run_main(["validate", str(bad)], capsys)
    assert code == 1
    (line,) = lines(err)
    assert line.startswith(f"{bad}:1: ") and "UTF-8" in line


STEPS = 'name = "Tuning"\n\n[[steps]]\ntitle = "Intro"\n'
TOML_MISTAKES = [
    # a key written twice: both lines, within the same [[steps]] table
    ('name = "A"\nsummary = "s"\nname = "B"\n', "3:1: `name` is given twice (lines 1 and 3); keep one"),
    (
        STEPS + "minutes = 3\nprompts = []\nminutes = 5\n",
        "7:1: `minutes` is given twice (lines 5 and 7); keep one",
    ),
    (
        STEPS + 'minutes = 3\n\n[[steps]]\ntitle = "Talk"\nminutes = 4\nminutes = 5\n',
        "10:1: `minutes` is given twice (lines 9 and 10); keep one",
    ),
    ('"name" = "A"\nname = "B"\n', "2:1: `name` is given twice (lines 1 and 2); keep one"),
    ("steps = 3\n[[steps]]\n", "2:1: `steps` is given twice (lines 1 and 2); keep one"),
    # a table header written twice
    (
        "[protocol]\na = 1\n\n[protocol]\nb = 2\n",
        "4:1: the table [protocol] is given twice (lines 1 and 4); keep one",
    ),
    (
        STEPS + "minutes = 3\n[steps]\n",
        "6:1: [steps] is a list of tables (line 3 has [[steps]]); write [[steps]] to add one more",
    ),
    # a text never closed: placed where it starts
    (
        'name = "Tuning\nsummary = "s"\n',
        '1:8: a text that starts on line 1 is never closed; end it with " on the same line '
        '(or use """ for text on several lines)',
    ),
    (
        'name = "A"\npurpose = """Why\n\nand when\n',
        '2:11: a text that starts on line 2 is never closed; end it with """',
    ),
    ("name = 'Tuning", "1:8: a text that starts on line 1 is never closed; end it with ' on the same line"),
    ("purpose = '''Why\n", "1:11: a text that starts on line 1 is never closed; end it with '''"),
    # no =, no value, text without quotes
    (
        STEPS + "minutes 5\n",
        "5:9: `minutes` is not followed by =; write minutes = value, or start the line with # for a comment",
    ),
    ('title: "Intro"\n', "1:6: write `title = ...` with an = sign, not a colon"),
    (
        "- a bullet\n",
        "1:3: this line is neither key = value nor a [table] header; fix it, or start it with # "
        "to make it a comment",
    ),
    ("name =\n", "1:7: `name` has no value; write one after the =, text in quotes"),
    ("name = # later\n", "1:8: `name` has no value; write one after the =, text in quotes"),
    ("name = Intro\n", '1:8: text must be in quotes: write name = "Intro"'),
    ("name = Intro to the day # first\n", '1:8: text must be in quotes: write name = "Intro to the day"'),
    ('tags = [feedback, "work"]\n', '1:9: text must be in quotes: write "feedback"'),
    ("name = “Intro”\n", '1:8: curly quotes do not mark text; use straight ones: name = "Intro"'),
    ("shared = True\n", "1:10: write true in small letters"),
    (
        "minutes = 5 min\n",
        '1:13: `min` comes after the value of `minutes`; put text in quotes, like minutes = "5 min", '
        "or start a comment with #",
    ),
    (
        'name = "Intro" to the day\n',
        "1:16: `to the day` comes after the closing quote of `name`; put the whole text inside the quotes, "
        "or start a comment with #",
    ),
    # a [ or { never closed, a comma missing
    ('tags = ["a", "b"\nname = "A"\n', "1:8: a list that starts on line 1 is never closed; end it with ]"),
    ('tags = ["a",\n', "1:8: a list that starts on line 1 is never closed; end it with ]"),
    (
        'tags = ["a",\n\n[[steps]]\ntitle = "T"\n',
        "1:8: a list that starts on line 1 is never closed; end it with ]",
    ),
    ('tags = ["a" "b"]\n', '1:13: a comma is missing before `"b"`; separate the items of a list with commas'),
    ("x = {a = 1\n", "1:5: a { } table that starts on line 1 is never closed; end it with } on its line"),
    # the header and the backslash
    ("[protocol\n", "1:10: a [table] header ends with ] right after its name; put nothing else inside"),
    (
        'source = "C:\\Users\\me"\n',
        "1:13: a \\ in text starts an escape such as \\n; write \\\\ for a backslash, or use 'single quotes'",
    ),
]


@pytest.mark.parametrize(("text", "message"), TOML_MISTAKES)
def test_validate_says_toml_mistakes_in_plain_words(
    work: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    bad = write(work / "bad.toml", text)
    code, out, err = run_main(["validate", str(bad)], capsys)
    assert code == 1
    assert out == ""
    assert lines(err) == [f"{bad}:{message}"]


def test_an_unmapped_toml_mistake_keeps_tomllib_words_and_the_place(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(work / "bad.toml", "a = {b = 1}\na.c = 2\n")
    code, _, err = run_main(["validate", str(bad)], capsys)
    assert code == 1
    assert lines(err) == [f"{bad}:2:8: Cannot mutate immutable namespace ('a',)"]


def test_a_toml_mistake_at_the_end_of_the_file_has_a_place_too(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(work / "bad.toml", 'name = "A"\ntags = [\n  "a",\n')  # tomllib: "at end of document"
    code, _, err = run_main(["validate", str(bad)], capsys)
    assert code == 1
    assert lines(err) == [f"{bad}:2:8: a list that starts on line 2 is never closed; end it with ]"]


# ---------------------------------------------------------------------------------------------
# sessions and export


def test_sessions_on_an_empty_dir(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = work / "empty"
    empty.mkdir()
    code, out, err = run_main(["sessions", "--sessions-dir", str(empty)], capsys)
    assert code == 0
    assert err == ""
    assert lines(out) == [f"No sessions in {empty}"]


def test_sessions_dir_given_before_the_command(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = work / "elsewhere"
    empty.mkdir()
    code, out, _ = run_main(["--sessions-dir", str(empty), "sessions"], capsys)
    assert code == 0
    assert lines(out) == [f"No sessions in {empty}"]


def test_sessions_default_and_env(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_main(["sessions"], capsys)
    assert code == 0
    assert lines(out) == ["No sessions in sessions"]
    monkeypatch.setenv("FACILITATOR_SESSIONS_DIR", str(work / "from-env"))
    code, out, _ = run_main(["sessions"], capsys)
    assert code == 0
    assert lines(out) == [f"No sessions in {work / 'from-env'}"]


def test_export_missing_session(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = work / "empty"
    empty.mkdir()
    code, out, err = run_main(["export", "nothing-here", "--sessions-dir", str(empty)], capsys)
    assert code == 2
    assert out == ""
    assert len(lines(err)) == 1
    assert err.startswith('facilitator: no session "nothing-here"')


# ---------------------------------------------------------------------------------------------
# the real thing, in a subprocess


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facilitator", *args],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_python_m_facilitator(tmp_path: Path) -> None:
    shown = _run(tmp_path, "show", "tuning")
    assert shown.returncode == 0
    assert "Traceback" not in shown.stderr
    assert shown.stdout.startswith("Tuning Protocol\n")
    assert "8. Debrief  (5 min)" in shown.stdout

    bad = write(tmp_path / "bad.toml", BAD)
    checked = _run(tmp_path, "validate", str(bad))
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    assert len(lines(checked.stderr)) == 2

    deep = write(tmp_path / "deep.toml", "tags = " + "[" * 50000)
    checked = _run(tmp_path, "validate", str(deep))
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    assert len(lines(checked.stderr)) == 1

    unknown = _run(tmp_path, "nope")
    assert unknown.returncode == 2
    assert "Traceback" not in unknown.stderr
    assert len(lines(unknown.stderr)) == 1

    missing = _run(tmp_path, "show", "nope")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert len(lines(missing.stderr)) == 1


def test_export_to_a_file_is_private_and_never_written_through_a_link(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from facilitator.core.clock import FakeClock
    from facilitator.core.library import find, load_library
    from facilitator.core.session import Details, Session, begin

    folder = work / "sessions"
    session = Session.new(find("tuning", load_library()).protocol, Details(group="G"), FakeClock())
    begin(session, folder)
    assert session.path is not None
    out = work / "out.md"
    code, _, err = run_main(["export", str(session.path), "-o", str(out)], capsys)
    assert code == 0 and "out.md" in err
    assert os.stat(out).st_mode & 0o777 == 0o600
    target = work / "somewhere-else.md"
    target.write_text("keep me", encoding="utf-8")
    link = work / "link.md"
    link.symlink_to(target)
    code, _, err = run_main(["export", str(session.path), "-o", str(link)], capsys)
    assert code == 2
    assert len(lines(err)) == 1 and "cannot write the export" in err
    assert target.read_text(encoding="utf-8") == "keep me"  # nothing written through the link


# ---------------------------------------------------------------------------------------------
# what happened: the sessions table against the plan, meetings never started, the export


def _saved_meeting(folder: Path, day: int, *, start: bool = True, over: int = 0, skip: bool = False) -> Path:
    """A Tuning meeting saved through the engine: every step keeps its time (plus `over` seconds
    on the first); `skip` passes over step 2 and gives step 3 one more minute; without `start`
    the meeting is opened and finished without the timer ever running."""
    from facilitator.core.clock import FakeClock
    from facilitator.core.library import find, load_library
    from facilitator.core.session import Details, Session, begin

    clock = FakeClock()
    clock.advance(day * 86400)
    session = Session.new(find("tuning", load_library()).protocol, Details(group=f"Day {day}"), clock)
    saver = begin(session, folder)
    run = session.run
    if start:
        run.toggle()
        clock.advance(run.left_ms() / 1000 + over)
        if skip:
            run.goto(2)
            run.extend(1)
        while True:
            if run.step > 0:
                clock.advance(run.left_ms() / 1000)
            if run.at_end():
                break
            run.next()
    run.finish()
    path = saver.save(1, session.record(completed=True))
    assert path is not None
    return path


def _table(out: str) -> list[dict[str, str]]:
    """The `sessions` table's rows as {column: cell}, cut where the header's columns start."""
    head, *rows = lines(out)
    names = ["DATE", "PROTOCOL", "GROUP", "PRESENTER", "PLANNED", "ACTUAL", "AGAINST PLAN", "STATUS", "FILE"]
    starts = [head.index(name) for name in names]
    assert starts == sorted(starts)
    ends = [*starts[1:], None]
    return [{n: row[a:b].strip() for n, a, b in zip(names, starts, ends, strict=True)} for row in rows]


def test_sessions_table_says_how_each_went_against_the_plan(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = work / "sessions"
    late = _saved_meeting(folder, 1, over=130)
    idle = _saved_meeting(folder, 2, start=False)
    code, out, err = run_main(["sessions", "--sessions-dir", str(folder)], capsys)
    assert code == 0 and err == ""
    newest, oldest = _table(out)
    assert (oldest["FILE"], oldest["PLANNED"], oldest["ACTUAL"]) == (late.name, "1:07:00", "1:09:10")
    assert (oldest["AGAINST PLAN"], oldest["STATUS"]) == ("+2:10 over", "completed")
    # From the head of the file alone, without its log: no time ran.
    assert (newest["FILE"], newest["ACTUAL"], newest["AGAINST PLAN"]) == (idle.name, "0:00", "no time run")


def test_stats_count_a_meeting_never_started_apart_from_the_completed(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from facilitator.core.stats import protocol_stats
    from facilitator.core.store.catalog import Catalog

    folder = work / "sessions"
    _saved_meeting(folder, 1, over=130)
    _saved_meeting(folder, 2, start=False)
    [tuning] = protocol_stats(Catalog(folder).summaries(full=True))
    assert (tuning.sessions, tuning.not_started, tuning.unfinished) == (1, 1, 0)
    assert tuning.typical_length - tuning.typical_planned == 130  # the idle one is not a 0:00 meeting
    code, out, _ = run_main(["stats", "--sessions-dir", str(folder)], capsys)
    assert code == 0
    assert "Tuning Protocol (tuning): 1 completed session, 1 not started" in lines(out)
    assert any(
        line.startswith("Typical length ") and line.endswith("planned (+2:10 over)") for line in lines(out)
    )
    assert " min" not in out  # every time as M:SS


def test_export_says_which_steps_were_skipped_and_adapted(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _saved_meeting(work / "sessions", 1, skip=True)
    code, out, err = run_main(["export", str(path)], capsys)
    assert code == 0 and err == ""
    assert "- **Skipped:** 2. Presentation (passed over)" in lines(out)
    assert (
        "- **Adapted:** 3. Clarifying questions (5:00 at the start, 6:00 at the end, made longer with +)"
        in lines(out)
    )
    assert "| 2 | Presentation | 15:00 | 15:00 | 0:00 | skipped (passed over) |" in lines(out)
    assert (
        "| 3 | Clarifying questions | 5:00 | 6:00 | 6:00 | "
        "adapted: 5:00 at the start, 6:00 at the end, made longer with + |"
    ) in lines(out)


def test_the_app_from_the_command_line_ends_itself_after_a_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator import cli
    from facilitator.tui import app as app_module
    from facilitator.tui.start import Options, Pick

    seen: list[float | None] = []

    class App:
        exit_deadline: float | None = None

        def run(self) -> None:
            seen.append(self.exit_deadline)

    monkeypatch.setattr(app_module, "make_app", lambda start, options: App())
    assert cli.launch(Pick(), Options(Path("sessions"))) == 0
    assert seen == [cli.EXIT_DEADLINE_S] and 0 < cli.EXIT_DEADLINE_S <= 10
