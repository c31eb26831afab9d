"""Finding protocols: the search path, overriding by id, broken files, the built-in library."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core import library as library_module
from facilitator.core.checking import Invalid, parse_toml_text
from facilitator.core.library import (
    ENV_PROTOCOLS,
    Library,
    NotFoundError,
    builtin_dir,
    cache_dir,
    find,
    load_library,
    load_protocol,
    looks_like_path,
    search_path,
    user_protocols_dir,
)
from facilitator.core.protocol import MAX_FILE_BYTES, Protocol, ProtocolError

REPO = Path(__file__).resolve().parents[2]
BUILTIN = sorted(builtin_dir().glob("*.toml"))


def protocol_text(name: str, minutes: float = 5) -> str:
    return f'name = "{name}"\n[[steps]]\ntitle = "Talk"\nminutes = {minutes}\n'


def put(folder: Path, protocol_id: str, name: str, minutes: float = 5) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{protocol_id}.toml"
    path.write_text(protocol_text(name, minutes), encoding="utf-8")
    return path


def put_broken(folder: Path, protocol_id: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{protocol_id}.toml"
    path.write_text('name = "Broken"\n[[steps]]\ntitle = "x"\nminutes = 0\n', encoding="utf-8")
    return path


@dataclass
class Places:
    user: Path
    cwd: Path
    env_a: Path
    env_b: Path


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Places:
    """An isolated world: the user config dir under tmp_path, a cwd, two env directories."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(ENV_PROTOCOLS, raising=False)
    cwd = tmp_path / "work"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return Places(
        user=tmp_path / "config" / "facilitator" / "protocols",
        cwd=cwd,
        env_a=tmp_path / "env-a",
        env_b=tmp_path / "env-b",
    )


def env_for(*folders: Path) -> dict[str, str]:
    return {ENV_PROTOCOLS: os.pathsep.join(str(f) for f in folders)}


# ---------------------------------------------------------------------------------------------
# the search path


def test_user_dir_follows_xdg_config_home(places: Places) -> None:
    assert user_protocols_dir() == places.user


def test_search_path_order(places: Places) -> None:
    path = search_path(places.cwd, env_for(places.env_a, places.env_b))
    assert path == [
        ("built-in", builtin_dir()),
        ("user", places.user),
        ("./protocols", places.cwd / "protocols"),
        (ENV_PROTOCOLS, places.env_a),
        (ENV_PROTOCOLS, places.env_b),
    ]


def test_search_path_ignores_empty_env_entries(places: Places) -> None:
    env = {ENV_PROTOCOLS: os.pathsep + f"  {places.env_a}  " + os.pathsep + " " + os.pathsep}
    assert search_path(places.cwd, env)[3:] == [(ENV_PROTOCOLS, places.env_a)]
    assert len(search_path(places.cwd, {})) == 3


def test_search_path_defaults_to_the_process_cwd_and_env(
    places: Places, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_PROTOCOLS, str(places.env_a))
    path = search_path()
    assert path[2] == ("./protocols", Path.cwd() / "protocols")
    assert path[3] == (ENV_PROTOCOLS, places.env_a)


def test_builtin_dir_is_the_repository_protocols() -> None:
    assert builtin_dir() == REPO / "protocols"
    assert (builtin_dir() / "tuning.toml").is_file()


def test_later_places_override_earlier_by_id(places: Places) -> None:
    user_tuning = put(places.user, "tuning", "My Tuning")
    put(places.user, "local", "Local from user")
    local = put(places.cwd / "protocols", "local", "Local from cwd")
    put(places.user, "shared", "Shared from user")
    put(places.cwd / "protocols", "shared", "Shared from cwd")
    put(places.env_a, "shared", "Shared from env a")
    shared_b = put(places.env_b, "shared", "Shared from env b")
    only_a = put(places.env_a, "only-a", "Only in env a")

    library = load_library(places.cwd, env_for(places.env_a, places.env_b))

    assert library.problems == []
    tuning = library.protocols["tuning"]
    assert (tuning.origin, tuning.path, tuning.protocol.name) == ("user", user_tuning, "My Tuning")
    found = library.protocols["local"]
    assert (found.origin, found.path, found.protocol.name) == ("./protocols", local, "Local from cwd")
    found = library.protocols["shared"]
    assert (found.origin, found.path, found.protocol.name) == (ENV_PROTOCOLS, shared_b, "Shared from env b")
    found = library.protocols["only-a"]
    assert (found.origin, found.path) == (ENV_PROTOCOLS, only_a)
    # the built-in ones not overridden are still there, from the built-in library
    consultancy = library.protocols["consultancy"]
    assert consultancy.origin == "built-in"
    assert consultancy.path == builtin_dir() / "consultancy.toml"


def test_env_order_decides_between_env_dirs(places: Places) -> None:
    put(places.env_a, "x", "From a")
    put(places.env_b, "x", "From b")
    assert (
        load_library(places.cwd, env_for(places.env_a, places.env_b)).protocols["x"].protocol.name == "From b"
    )
    assert (
        load_library(places.cwd, env_for(places.env_b, places.env_a)).protocols["x"].protocol.name == "From a"
    )


def test_missing_places_are_fine(places: Places) -> None:
    library = load_library(places.cwd, env_for(places.env_a / "does-not-exist"))
    assert library.problems == []
    assert "tuning" in library.protocols


def test_env_entry_that_is_a_file_is_skipped(places: Places) -> None:
    a_file = places.cwd / "not-a-dir"
    a_file.write_text("x")
    library = load_library(places.cwd, env_for(a_file))
    assert library.problems == []
    assert "tuning" in library.protocols


def test_only_toml_files_are_read(places: Places) -> None:
    places.env_a.mkdir()
    (places.env_a / "notes.txt").write_text("not a protocol")
    (places.env_a / "README.md").write_text("# hi")
    put(places.env_a, "real", "Real")
    library = load_library(places.cwd, env_for(places.env_a))
    assert library.problems == []
    assert "real" in library.protocols
    assert "notes" not in library.protocols and "README" not in library.protocols


# ---------------------------------------------------------------------------------------------
# broken files


def test_broken_file_is_reported_and_hides_nothing(places: Places) -> None:
    broken = put_broken(places.cwd / "protocols", "aaa-broken")
    put(places.cwd / "protocols", "good", "Good one")
    (places.cwd / "protocols" / "syntax.toml").write_text("name = = 1\n")
    (places.cwd / "protocols" / "binary.toml").write_bytes(b"\xff\xfe\x00")

    library = load_library(places.cwd, {})

    assert library.protocols["good"].protocol.name == "Good one"
    assert "tuning" in library.protocols
    assert "aaa-broken" not in library.protocols
    assert "syntax" not in library.protocols
    assert "binary" not in library.protocols
    assert f"{broken}: steps[1].minutes: must be greater than 0" in library.problems
    assert any(p.startswith(str(places.cwd / "protocols" / "syntax.toml") + ":1:") for p in library.problems)
    assert any("UTF-8" in p and "binary.toml" in p for p in library.problems)
    assert len(library.problems) == 3
    for problem in library.problems:
        assert len(problem.splitlines()) == 1


def test_broken_override_keeps_the_good_earlier_one(places: Places) -> None:
    good = put(places.user, "mine", "Mine, good")
    broken = put_broken(places.env_a, "mine")
    broken_tuning = put_broken(places.cwd / "protocols", "tuning")

    library = load_library(places.cwd, env_for(places.env_a))

    assert library.protocols["mine"].path == good
    assert library.protocols["mine"].origin == "user"
    assert library.protocols["mine"].protocol.name == "Mine, good"
    assert library.protocols["tuning"].origin == "built-in"
    assert library.protocols["tuning"].protocol.name == "Tuning Protocol"
    assert any(p.startswith(f"{broken}:") for p in library.problems)
    assert any(p.startswith(f"{broken_tuning}:") for p in library.problems)


def test_finding_one_by_name_answers_as_the_whole_library_does(
    places: Places, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facilitator.core.library import NotFoundError, find, find_one

    put(places.user, "tuning", "My Tuning")
    put(places.user, "shared", "Shared from user")
    put(places.cwd / "protocols", "shared", "Shared from cwd")
    put(places.env_b, "shared", "Shared from env b")
    put(places.user, "mine", "Mine, good")
    put_broken(places.env_a, "mine")  # a broken override gives way to the good earlier one
    put_broken(places.cwd / "protocols", "consultancy")
    env = env_for(places.env_a, places.env_b)
    library = load_library(places.cwd, env)
    for name in [*library.protocols, *(p.stem for p in BUILTIN)]:
        one, every = find_one(name, places.cwd, env), find(name, library)
        assert (one.protocol, one.path, one.origin) == (every.protocol, every.path, every.origin), name
    # Only the named protocol's files are read.
    read: list[Path] = []
    real = library_module.load_protocol

    def spy(path: Path) -> Protocol:
        read.append(path)
        return real(path)

    monkeypatch.setattr(library_module, "load_protocol", spy)
    assert find_one("tuning", places.cwd, env).protocol.name == "My Tuning"
    assert read == [places.user / "tuning.toml"]
    with pytest.raises(NotFoundError, match='did you mean "tuning"'):
        find_one("tunign", places.cwd, env)


def test_a_syntax_mistake_is_reported_in_plain_words_with_its_place(places: Places) -> None:
    folder = places.cwd / "protocols"
    folder.mkdir(parents=True)
    twice = folder / "twice.toml"
    twice.write_text('name = "Twice"\n[[steps]]\ntitle = "Talk"\nminutes = 3\nminutes = 5\n')
    quote = folder / "quote.toml"
    quote.write_text('name = "Quote\n[[steps]]\ntitle = "Talk"\nminutes = 3\n')

    library = load_library(places.cwd, {})

    assert f"{twice}:5:1: `minutes` is given twice (lines 4 and 5); keep one" in library.problems
    assert any(
        p.startswith(f"{quote}:1:8: a text that starts on line 1 is never closed") for p in library.problems
    )
    assert "twice" not in library.protocols and "quote" not in library.protocols


def test_every_problem_of_a_broken_file_starts_with_its_path(places: Places) -> None:
    folder = places.cwd / "protocols"
    folder.mkdir(parents=True)
    broken = folder / "several.toml"
    broken.write_text('name = " "\n[[steps]]\ntitle = ""\nminutes = 0\n')

    library = load_library(places.cwd, {})

    assert len(library.problems) >= 2
    assert all(p.startswith(f"{broken}: ") for p in library.problems)  # what the picker counts by


TOML_BITS = st.sampled_from(
    [
        *"ab =.\"'[]{},#\n\t\\1-:“”",
        '"""',
        "'''",
        "[[",
        "]]",
        "[[steps]]\n",
        "minutes",
        "title = ",
        "true",
        "\x01",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOML_BITS, max_size=30).map("".join))
def test_any_text_gives_data_or_one_line_problems_with_a_place(text: str) -> None:
    try:
        parse_toml_text(text.encode(), "any.toml", MAX_FILE_BYTES)
    except Invalid as exc:
        (problem,) = exc.problems
        where, row, col, _ = problem.split(":", 3)
        assert where == "any.toml" and row.isdigit() and col.isdigit(), problem
        assert len(problem.splitlines()) == 1, problem


def test_directory_named_like_a_protocol_is_reported(places: Places) -> None:
    (places.env_a / "odd.toml").mkdir(parents=True)
    put(places.env_a, "fine", "Fine")
    library = load_library(places.cwd, env_for(places.env_a))
    assert "fine" in library.protocols
    assert any("odd.toml" in p and "directory" in p for p in library.problems)


def test_unreadable_folder_is_reported(places: Places, monkeypatch: pytest.MonkeyPatch) -> None:
    put(places.env_a, "x", "X")
    real_glob = Path.glob

    def failing_glob(self: Path, pattern: str, *args, **kwargs):
        if self == places.env_a:
            raise PermissionError(13, "Permission denied")
        return real_glob(self, pattern, *args, **kwargs)

    monkeypatch.setattr(Path, "glob", failing_glob)
    library = load_library(places.cwd, env_for(places.env_a))
    assert f"{places.env_a}: cannot be read (Permission denied)" in library.problems
    assert "tuning" in library.protocols


# ---------------------------------------------------------------------------------------------
# the repository's own protocols dir


def test_repo_protocols_dir_is_not_read_twice_from_the_repo_root(
    places: Places, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    library = load_library(REPO, {})
    files = sorted(p.stem for p in (REPO / "protocols").glob("*.toml"))
    assert sorted(library.protocols) == files
    assert {found.origin for found in library.protocols.values()} == {"built-in"}
    assert library.problems == []


def test_same_dir_twice_in_env_is_read_once(places: Places) -> None:
    broken = put_broken(places.env_a, "bad")
    library = load_library(places.cwd, env_for(places.env_a, places.env_a))
    assert library.problems.count(f"{broken}: steps[1].minutes: must be greater than 0") == 1


def test_sorted_is_by_name(places: Places) -> None:
    put(places.env_a, "zz", "aardvark")
    put(places.env_a, "aa", "Zebra")
    names = [found.protocol.name for found in load_library(places.cwd, env_for(places.env_a)).sorted()]
    assert names == sorted(names, key=str.casefold)
    assert names[0] == "aardvark"
    assert names[-1] == "Zebra"


# ---------------------------------------------------------------------------------------------
# the built-in library

REQUIRED = [
    "tuning",
    "collaborative-assessment-conference",
    "atlas",
    "consultancy",
    "peeling-the-onion",
    "final-word",
    "success-analysis",
    "clarify-then-listen",
    "ten-tenets",
]
MUTUAL_DIALOGUE = {
    "consultancy",
    "peeling-the-onion",
    "final-word",
    "success-analysis",
    "clarify-then-listen",
}


@pytest.fixture
def builtin(places: Places) -> Library:
    library = load_library(places.cwd, {})
    assert library.problems == []
    return library


def test_builtin_library_has_at_least_8_protocols(builtin: Library) -> None:
    assert len(builtin.protocols) >= 8
    assert all(found.origin == "built-in" for found in builtin.protocols.values())


@pytest.mark.parametrize("path", sorted(builtin_dir().glob("*.toml")), ids=lambda p: p.stem)
def test_every_builtin_protocol_validates(path: Path) -> None:
    protocol = load_protocol(path)
    assert protocol.id == path.stem
    assert protocol.name.strip()
    assert protocol.summary.strip()
    assert protocol.source.strip()
    assert protocol.steps


def test_builtin_library_has_the_required_protocols(builtin: Library) -> None:
    for protocol_id in REQUIRED:
        assert protocol_id in builtin.protocols, protocol_id
        assert builtin.protocols[protocol_id].protocol.source.strip(), protocol_id
    assert len(MUTUAL_DIALOGUE & set(builtin.protocols)) >= 3
    assert {"collaborative-assessment-conference", "atlas"} <= set(builtin.protocols)


def test_tuning_matches_the_domain_facts(builtin: Library) -> None:
    tuning = builtin.protocols["tuning"].protocol
    assert tuning.name == "Tuning Protocol"
    assert len(tuning.steps) == 8
    assert [step.minutes for step in tuning.steps] == [5, 15, 5, 10, 2, 15, 10, 5]
    assert tuning.total_minutes() == 67
    speakers = [step.speakers for step in tuning.steps]
    silent = [step.silent for step in tuning.steps]
    assert speakers[0] == ["facilitator"]
    assert speakers[1] == ["presenter"] and silent[1] == ["participants"]
    assert set(speakers[2]) == {"participants", "presenter"}
    assert speakers[3] == [] and silent[3] == ["everyone"]
    assert speakers[4] == [] and silent[4] == ["everyone"]
    assert speakers[5] == ["participants"] and silent[5] == ["presenter"]
    assert speakers[6] == ["presenter"] and silent[6] == ["participants"]
    assert speakers[7] == ["everyone"]
    titles = [step.title.casefold() for step in tuning.steps]
    assert "introduction" in titles[0]
    assert "clarifying" in titles[2]
    assert "warm" in titles[5] and "cool" in titles[5]
    assert "debrief" in titles[7]
    for step in tuning.steps:
        if step.min_minutes is not None:
            assert step.min_minutes <= step.minutes


def test_final_word_is_about_8_minutes_per_person(builtin: Library) -> None:
    final_word = builtin.protocols["final-word"].protocol
    assert final_word.has_each_participant
    per_person = sum(s.minutes for s in final_word.steps if s.in_turns)
    assert per_person == 8


# ---------------------------------------------------------------------------------------------
# find


def test_find_by_id(builtin: Library) -> None:
    found = find("tuning", builtin)
    assert found.protocol.name == "Tuning Protocol"
    assert found.origin == "built-in"
    assert found.path == builtin_dir() / "tuning.toml"


def test_find_by_path(places: Places, builtin: Library) -> None:
    path = put(places.env_a, "elsewhere", "Elsewhere")
    found = find(str(path), builtin)
    assert found.protocol.name == "Elsewhere"
    assert found.protocol.id == "elsewhere"
    assert found.path == path
    assert found.origin == "file"


def test_find_by_relative_path_without_a_slash(places: Places, builtin: Library) -> None:
    put(places.cwd, "here", "Right here")
    found = find("here.toml", builtin)
    assert found.protocol.name == "Right here"


def test_find_path_wins_over_an_id(places: Places, builtin: Library) -> None:
    path = put(places.cwd / "sub", "tuning", "My local tuning")
    assert find(f"sub{os.sep}tuning.toml", builtin).protocol.name == "My local tuning"
    assert find(str(path), builtin).origin == "file"


def test_find_broken_or_missing_path_raises_protocol_error(places: Places, builtin: Library) -> None:
    broken = put_broken(places.cwd, "bad")
    with pytest.raises(ProtocolError) as info:
        find(str(broken), builtin)
    assert info.value.problems == [f"{broken}: steps[1].minutes: must be greater than 0"]
    with pytest.raises(ProtocolError) as info:
        find("missing.toml", builtin)
    assert info.value.problems == ["missing.toml: no such file"]


def test_find_unknown_name_with_did_you_mean(builtin: Library) -> None:
    with pytest.raises(NotFoundError) as info:
        find("tunning", builtin)
    message = str(info.value)
    assert 'no protocol named "tunning"' in message
    assert 'did you mean "tuning"?' in message
    assert "facilitator list" in message
    assert "\n" not in message


def test_find_unknown_name_far_from_any(builtin: Library) -> None:
    with pytest.raises(NotFoundError) as info:
        find("qqqqqqqq", builtin)
    assert "did you mean" not in str(info.value)
    assert 'no protocol named "qqqqqqqq"' in str(info.value)


def test_find_in_an_empty_library() -> None:
    with pytest.raises(NotFoundError):
        find("tuning", Library())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tuning", False),
        ("final-word", False),
        ("x.toml", True),
        ("dir/x", True),
        (f"a{os.sep}b", True),
        ("./x.toml", True),
    ],
)
def test_looks_like_path(name: str, expected: bool) -> None:
    assert looks_like_path(name) is expected


# -- the cache of checked files --------------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return cache_dir()


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json")) if cache.is_dir() else []


def test_a_file_checked_once_is_opened_from_the_cache(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = put(tmp_path / "mine", "ours", "Our protocol")
    first = load_protocol(path)
    assert len(entries(cache)) == 1
    checked: list[str] = []
    real = library_module.protocol_from_data

    def counted(data: dict[str, object], where: str, protocol_id: str) -> Protocol:
        checked.append(str(where))
        return real(data, where, protocol_id)

    monkeypatch.setattr(library_module, "protocol_from_data", counted)
    assert load_protocol(path) == first
    assert checked == []  # not checked again
    path.write_text(protocol_text("Our protocol", minutes=7), encoding="utf-8")
    assert load_protocol(path).steps[0].minutes == 7  # changed bytes: checked again
    assert checked == [str(path)]


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.stem)
def test_the_cache_gives_what_checking_the_file_gives(cache: Path, path: Path) -> None:
    checked = load_protocol(path)
    assert entries(cache), "the check was remembered"
    assert load_protocol(path) == checked
    assert load_protocol(path).id == path.stem


def test_a_copy_under_another_name_takes_that_name(cache: Path, tmp_path: Path) -> None:
    tuning = builtin_dir() / "tuning.toml"
    copy = tmp_path / "our-tuning.toml"
    copy.write_bytes(tuning.read_bytes())
    assert load_protocol(tuning).id == "tuning"
    assert load_protocol(copy).id == "our-tuning"
    assert load_protocol(copy).name == load_protocol(tuning).name


def test_a_changed_file_is_checked_not_taken_from_the_cache(cache: Path, tmp_path: Path) -> None:
    text = (builtin_dir() / "tuning.toml").read_text(encoding="utf-8")
    load_protocol(builtin_dir() / "tuning.toml")
    broken = tmp_path / "tuning.toml"
    broken.write_text(text.replace("minutes = 5", "minutes = 0", 1), encoding="utf-8")
    assert "minutes = 0" in broken.read_text(encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"minutes: must be greater than 0"):
        load_protocol(broken)


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json",
        b"0000\n{}",  # a seal that does not match
        "{seal}\n[1, 2]",  # sealed, but not a protocol
        '{seal}\n{{"name": "x"}}',  # sealed, but no steps
        '{seal}\n{{"name": "x", "steps": [{{"title": "t"}}], "extra": 1}}',  # unknown key
    ],
)
def test_a_damaged_cache_entry_only_makes_opening_slower(cache: Path, damage: bytes | str) -> None:
    path = builtin_dir() / "consultancy.toml"
    expected = load_protocol(path)
    [entry] = entries(cache)
    if isinstance(damage, str):
        body = damage.split("\n", 1)[1].format().encode()
        damage = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    entry.write_bytes(damage)
    assert load_protocol(path) == expected
    assert load_protocol(path) == expected  # and the entry was mended


def test_a_cache_that_cannot_be_written_only_makes_opening_slower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = put(tmp_path / "mine", "ours", "Our protocol")
    assert load_protocol(path).name == "Our protocol"
    assert load_protocol(path).name == "Our protocol"
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_the_cache_is_keyed_by_the_code_too(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = put(tmp_path / "mine", "ours", "Our protocol")
    load_protocol(path)
    monkeypatch.setattr(library_module, "_code_key", lambda: b"another version of facilitator")
    load_protocol(path)
    assert len(entries(cache)) == 2  # a new version checks again, never trusts the old entry
