"""The command line: parse arguments, run a plain command or open the app, map errors to exits."""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .core.details import Details
from .core.library import NotFoundError, find_one, load_library, load_protocol
from .core.protocol import CONTROL, ProtocolError
from .core.store.files import SessionFileError, session_path, sessions_dirs, write_private
from .tui.start import Options, Pick, Resume, Review, RunProtocol, Start, StartError

OK, INVALID, USAGE = 0, 1, 2
EXIT_DEADLINE_S = 5.0
"""After a signal (the terminal closed, the system stopping), the meeting is saved at once and
the app has this long to leave cleanly before the process ends anyway."""


class UsageError(Exception):
    """A problem with what the user asked for: one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _sessions_option(parser: argparse.ArgumentParser, default: object = None) -> None:
    # Sub-commands pass argparse.SUPPRESS: their default must not wipe out the same option
    # given before the command (`facilitator --sessions-dir DIR sessions`).
    parser.add_argument(
        "--sessions-dir",
        metavar="DIR",
        action="append",
        default=default,
        help="where session files are saved (default: $FACILITATOR_SESSIONS_DIR or ./sessions); "
        "give it again to read more folders too (new sessions go in the first)",
    )


def _meeting_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--group", default="", help="the group or team meeting")
    parser.add_argument("--presenter", default="", help="who brings the work or dilemma")
    parser.add_argument("--facilitator", default="", help="who facilitates")
    parser.add_argument(
        "--participants",
        default="",
        metavar='"A, B, C"',
        help="names, separated by commas (turns are taken in this order)",
    )
    parser.add_argument(
        "--people", type=int, metavar="N", help="how many people take turns, when no names are given"
    )
    parser.add_argument("--question", default="", help="the focusing question")
    parser.add_argument(
        "--fit", type=float, metavar="MINUTES", help="scale the steps to fit this many minutes (floors kept)"
    )


def _display_options(parser: argparse.ArgumentParser, sub: bool = False) -> None:
    # Sub-commands keep the value given before the command: see _sessions_option.
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="light, dark, or any Textual theme name",
        default=argparse.SUPPRESS if sub else None,
    )
    parser.add_argument(
        "--no-bell",
        action="store_true",
        help="no terminal bell when time runs out",
        default=argparse.SUPPRESS if sub else False,
    )


def build_parser() -> Parser:
    parser = Parser(
        prog="facilitator",
        description="Run timed, structured team conversations (protocols) full-screen. "
        "With no command, opens the picker of protocols.",
    )
    parser.add_argument("--version", action="version", version=f"facilitator {__version__}")
    _sessions_option(parser)
    _display_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    run = sub.add_parser("run", help="run a protocol straight away, full-screen")
    run.add_argument("protocol", metavar="PROTOCOL", help="a protocol id or a path to a .toml file")
    _meeting_options(run)
    run.add_argument(
        "--warn",
        type=float,
        metavar="MINUTES",
        help="warn the room this long before each step ends (default: as the protocol says, "
        "else 1; 0 for no warning)",
    )
    _sessions_option(run, argparse.SUPPRESS)
    _display_options(run, sub=True)

    listing = sub.add_parser(
        "list",
        help="the protocols found, and where from",
        description="The protocols found, with their families and lengths. SHORTEST is the "
        "least time each can be fitted to (its steps at their floors), for --people taking "
        "turns (4 unless given).",
    )
    listing.add_argument(
        "--tag",
        action="append",
        metavar="TAG",
        help="only protocols with this tag or family (tuning, student work, dilemma, text, data, "
        "listening, feedback, reflection); again for more (all must match)",
    )
    listing.add_argument(
        "--fits", type=float, metavar="MINUTES", help="only protocols that can run in this many minutes"
    )
    listing.add_argument("--people", type=int, default=4, metavar="N", help="how many take turns (default 4)")

    show = sub.add_parser("show", help="a protocol's agenda, printable")
    show.add_argument("protocol", metavar="PROTOCOL")
    show.add_argument("--markdown", action="store_true", help="as Markdown")

    validate = sub.add_parser(
        "validate",
        help="check protocol files (exit 1 if any is invalid)",
        description="Check protocol files. Problems are printed one per line as FILE: PLACE: "
        "PROBLEM, with steps numbered from 1 (steps[3] is the third step), or FILE:LINE:COL: "
        "for TOML syntax.",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH")

    sessions = sub.add_parser("sessions", help="the saved sessions, as a table")
    sessions.add_argument("--json", action="store_true", help="as JSON, for other tools")
    _sessions_option(sessions, argparse.SUPPRESS)

    team = sub.add_parser(
        "team",
        help="the groups that met, or one group's history: meetings, roles, commitments, ratings",
        description="Without GROUP: every group with its meeting count and last meeting. With "
        "GROUP: its meetings and protocols, who presented and facilitated when, its commitments "
        "(made, done, carried on, dropped, and the share kept), and each rated item across the "
        "meetings.",
    )
    team.add_argument("group", nargs="?", metavar="GROUP", help="a group as named at setup")
    team.add_argument("--json", action="store_true", help="as JSON, for other tools")
    team.add_argument(
        "--csv", action="store_true", help="the group's ratings, one per line, for a spreadsheet"
    )
    _sessions_option(team, argparse.SUPPRESS)

    commitments = sub.add_parser(
        "commitments",
        help="the open commitments of earlier meetings (or all of them)",
        description="Commitments made in meetings, where each stands after every later "
        "meeting's check-in: open (never checked), carried on, done or dropped.",
    )
    commitments.add_argument("--group", metavar="G", help="only this group's (as named at setup)")
    commitments.add_argument("--all", action="store_true", help="done and dropped ones too")
    commitments.add_argument("--json", action="store_true", help="as JSON, for other tools")
    _sessions_option(commitments, argparse.SUPPRESS)

    stats = sub.add_parser(
        "stats",
        help="across sessions: typical length, which steps run over",
        description="For each protocol: how many sessions, their typical length, and for each "
        "step how often and by how much it ran over (by 30 s or more).",
    )
    stats.add_argument("--protocol", metavar="ID", help="only this protocol")
    _sessions_option(stats, argparse.SUPPRESS)

    export = sub.add_parser("export", help="a readable record of one session")
    export.add_argument("session", metavar="SESSION", help="a session file, or its name")
    export.add_argument("--format", choices=["markdown", "json"], default="markdown")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    _sessions_option(export, argparse.SUPPRESS)

    review = sub.add_parser("review", help="browse saved sessions full-screen")
    review.add_argument("session", nargs="?", metavar="SESSION")
    _sessions_option(review, argparse.SUPPRESS)
    _display_options(review, sub=True)

    follow = sub.add_parser(
        "follow",
        help="a read-only view of the live session for a second screen",
        description="Follow a live session from a second terminal (e.g. on the projector): "
        "step, prompts, who speaks, the time and the agenda; never notes. With no SESSION, "
        "the newest meeting (waiting until there is one), then each meeting that starts after it.",
    )
    follow.add_argument("session", nargs="?", metavar="SESSION")
    follow.add_argument("--theme", metavar="NAME", help="light, dark, or any Textual theme name")
    _sessions_option(follow, argparse.SUPPRESS)

    serve = sub.add_parser(
        "serve",
        help="the live meeting in web browsers: the wall, laptops and phones",
        description="Serve the live meeting to web browsers from one small process: the step, "
        "its prompts and the time, never notes. Only this computer can open it unless --host "
        "names a network address (0.0.0.0: every one); then the addresses printed carry a "
        "key, with a QR code for phones. Read-only: nothing a browser sends changes the meeting.",
    )
    serve.add_argument("session", nargs="?", metavar="SESSION")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free one)")
    serve.add_argument("--theme", metavar="NAME", help="light or dark (default: as each browser prefers)")
    serve.add_argument(
        "--max-viewers", type=int, default=200, metavar="N", help="screens at once (default 200)"
    )
    _sessions_option(serve, argparse.SUPPRESS)

    resume = sub.add_parser("resume", help="continue an interrupted session in the same file")
    resume.add_argument("session", nargs="?", metavar="SESSION")
    _sessions_option(resume, argparse.SUPPRESS)
    _display_options(resume, sub=True)
    return parser


# ---------------------------------------------------------------------------------------------


def _library_problems(problems: list[str]) -> None:
    for problem in problems:
        say(f"skipped {problem}")


def cmd_list(args: argparse.Namespace) -> int:
    from .core.choosing import families, fits, has_tag, shortest_minutes
    from .core.export import total_text

    if not 1 <= args.people <= 50:
        raise UsageError("--people must be from 1 to 50")
    if args.fits is not None and not args.fits > 0:  # also refuses nan
        raise UsageError("--fits must be a number of minutes above 0")
    library = load_library()
    chosen = [
        found
        for found in library.sorted()
        if all(has_tag(found.protocol, tag) for tag in args.tag or [])
        and (args.fits is None or fits(found.protocol, args.fits, args.people))
    ]
    if not chosen:
        wanted = [f"tagged {' and '.join(args.tag)}"] if args.tag else []
        if args.fits is not None:
            wanted.append(f"fitting in {args.fits:g} min for {args.people}")
        print(f"No protocol {', '.join(wanted)} (facilitator list shows them all)")
        _library_problems(library.problems)
        return OK
    # FROM only when it tells something: some protocols are the team's own.
    origin = any(found.origin != "built-in" for found in chosen)
    rows = [("ID", "NAME", "FAMILY", "STEPS", "MINUTES", "SHORTEST", *(["FROM"] if origin else []))]
    for found in chosen:
        p = found.protocol
        shortest = f"{shortest_minutes(p, args.people):g} min"
        minutes = total_text(p).replace(" min per person", "/person").replace(" min + ", " + ")
        cells = [p.id, p.name, ", ".join(families(p)), str(len(p.steps)), minutes, shortest]
        rows.append((*cells, *([found.origin] if origin else [])))
    print_table(rows, shrink=(1, 2))  # the id stays whole: it is what run takes
    _library_problems(library.problems)
    return OK


def cmd_show(args: argparse.Namespace) -> int:
    from .core.export import agenda_markdown, agenda_text

    found = find_one(args.protocol)
    text = agenda_markdown(found.protocol) if args.markdown else agenda_text(found.protocol)
    sys.stdout.write(text)
    return OK


def cmd_validate(args: argparse.Namespace) -> int:
    status = OK
    for name in args.paths:
        path = Path(name)
        targets = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        if not targets:
            print(f"{path}: no .toml protocol files in this directory", file=sys.stderr)
            status = INVALID
        for target in targets:
            try:
                protocol = load_protocol(target)
            except ProtocolError as exc:
                for problem in exc.problems:
                    print(problem, file=sys.stderr)
                status = INVALID
            else:
                print(f"{target}: ok ({protocol.name}, {len(protocol.steps)} steps)")
    return status


def printable(text: str) -> str:
    """Text from a file as one terminal line: control characters (escape sequences) and line
    breaks never reach the terminal."""
    return CONTROL.sub("", " ".join(text.split()))


def say(message: str) -> None:
    """One line on stderr, never carrying a control sequence from a file's contents."""
    print(f"facilitator: {printable(message)}", file=sys.stderr)


def _skipped(problems: Sequence[str]) -> None:
    """Each file a command could not read, one line each, then how many (the others are read
    all the same)."""
    from .core.store.trouble import note

    for problem in problems:
        say(f"skipped {problem}")
        note("skipped", problem)
    if problems:
        files = f"{len(problems)} files" if len(problems) > 1 else "1 file"
        say(f"{files} could not be read: left out (facilitator sessions lists every file)")


def _folders_text(folders: Sequence[Path]) -> str:
    return " and ".join(str(f) for f in folders)


def print_table(rows: Sequence[Sequence[str]], shrink: Sequence[int] = ()) -> None:
    """Rows as aligned columns; the last column is not padded. On a terminal too narrow for
    them, the columns `shrink` give way in turn (their cells cut with "…"); piped, every cell
    is whole."""
    rows = [[printable(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    if shrink and sys.stdout.isatty():
        room = shutil.get_terminal_size((200, 24)).columns - 1
        for column in shrink:
            over = sum(widths) + 2 * (len(widths) - 1) - room
            widths[column] = max(len(rows[0][column]), 12, widths[column] - max(0, over))

    def cell(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    for row in rows:
        cells = [cell(c, w) for c, w in zip(row, widths, strict=True)]
        print("  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths, strict=False)) + "  " + cells[-1])


def cmd_sessions(args: argparse.Namespace) -> int:
    from .core.export import against_plan
    from .core.store.catalog import gather
    from .core.words import clock_text

    folders = sessions_dirs(args.sessions_dir)
    gathered = gather(folders)
    found = [s for _, s in gathered]
    if args.json:
        print(
            json.dumps(
                [s.to_json() | {"path": str(path)} for path, s in gathered], indent=2, ensure_ascii=False
            )
        )
        return OK
    if not found:
        print(f"No sessions in {_folders_text(folders)}")
        return OK
    # From the head of each file alone: the plan at the end (the plan at the start and the
    # skipped steps need the event log: `facilitator export` and `review` show them).
    rows = [("DATE", "PROTOCOL", "GROUP", "PRESENTER", "PLANNED", "ACTUAL", "AGAINST PLAN", "STATUS", "FILE")]
    for s in found:
        if not s.readable:
            rows.append(("?", "?", "", "", "", "", "", "unreadable", s.name))
            continue
        against = against_plan(s.planned, s.actual)
        if s.actual == 0:
            against = "no time run"
        elif s.status != "completed" and not against.endswith(" over"):
            against = ""  # under the plan means nothing yet while a meeting goes on
        rows.append(
            (
                s.started_at.strftime("%Y-%m-%d %H:%M") if s.started_at else "?",
                s.protocol_id,
                s.group,
                s.presenter,
                clock_text(s.planned),
                clock_text(s.actual),
                against,
                "not started" if s.started is False else s.status.replace("_", " "),
                s.name,
            )
        )
    print_table(rows)
    for s in found:
        if s.problem:
            say(f"unreadable session {s.problem}")
    return OK


def cmd_team(args: argparse.Namespace) -> int:
    from .core.store.catalog import meetings
    from .core.team import groups, groups_text, history, history_text

    folders = sessions_dirs(args.sessions_dir)
    folder = _folders_text(folders)
    found_meetings, problems = meetings(folders)
    _skipped(problems)
    if not args.group:
        if args.csv:
            raise UsageError("--csv needs a GROUP: the ratings are one group's")
        found = groups(found_meetings)
        if args.json:
            out = [{"group": g.name, "meetings": g.meetings, "last": g.last.isoformat()} for g in found]
            print(json.dumps(out, indent=2, ensure_ascii=False))
        elif not found:
            print(f"No groups in {folder} (a group is named at setup, or with run --group)")
        else:
            print(groups_text(found), end="")
        return OK
    told = history(found_meetings, args.group)
    if not told.meetings:
        raise UsageError(f'no meetings of "{args.group}" in {folder} (facilitator team lists the groups)')
    if args.csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["date", "meeting", "item", "rating", "scale"])
        for rated in told.rated:
            for when, name, value in rated.values:
                writer.writerow([when.date().isoformat(), name, rated.item, f"{value:g}", rated.scale])
        return OK
    if args.json:
        told_out: dict[str, object] = {
            "group": told.group,
            "meetings": [
                {
                    "date": meeting.started_at.isoformat(),
                    "file": meeting.name,
                    "protocol": meeting.protocol_name,
                    "presenter": meeting.presenter,
                    "facilitator": meeting.facilitator,
                }
                for meeting in told.meetings
            ],
            "commitments": told.commitments,
            "ratings": {
                rated.item: [{"date": when.isoformat(), "rating": value} for when, _, value in rated.values]
                for rated in told.rated
            },
        }
        print(json.dumps(told_out, indent=2, ensure_ascii=False))
        return OK
    print(history_text(told), end="")
    return OK


def cmd_commitments(args: argparse.Namespace) -> int:
    from .core.commitments import fold
    from .core.store.catalog import meetings

    folders = sessions_dirs(args.sessions_dir)
    folder = _folders_text(folders)
    found, problems = meetings(folders)
    states = fold(found)
    if args.group is not None:
        wanted = args.group.strip().casefold()
        states = [s for s in states if s.group.strip().casefold() == wanted]
    if not args.all:
        states = [s for s in states if s.is_open]
    _skipped(problems)
    if args.json:
        out = [
            {
                "id": s.commitment.id,
                "who": s.commitment.who,
                "what": s.commitment.what,
                "due": s.commitment.due,
                "status": s.status,
                "note": s.note,
                "group": s.group,
                "made_in": s.meeting,
                "made_at": s.commitment.made_at.isoformat(),
                "reviewed_in": s.reviewed_in,
            }
            for s in states
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return OK
    whose = f" of {args.group}" if args.group else ""
    if not states:
        print(f"No {'' if args.all else 'open '}commitments{whose} in {folder}")
        return OK
    rows = [("MADE", "GROUP", "WHO", "WHAT", "BY", "STATUS")]
    for s in states:
        status = s.status if s.status != "carried" else "carried on"
        rows.append(
            (
                s.made_on.strftime("%Y-%m-%d"),
                s.group,
                s.commitment.who,
                s.commitment.what,
                s.commitment.due,
                status + (f": {s.note}" if s.note else ""),
            )
        )
    print_table(rows)
    return OK


def cmd_stats(args: argparse.Namespace) -> int:
    from .core.stats import protocol_stats, stats_text
    from .core.store.catalog import gather

    folders = sessions_dirs(args.sessions_dir)
    summaries = [s for _, s in gather(folders, full=True)]
    _skipped([s.problem for s in summaries if s.problem is not None])
    stats = protocol_stats(summaries, args.protocol)
    if args.protocol and not stats:
        raise UsageError(f'no saved sessions of "{args.protocol}" in {_folders_text(folders)}')
    width = shutil.get_terminal_size((100, 24)).columns
    sys.stdout.write(stats_text(stats, width))
    return OK


def cmd_export(args: argparse.Namespace) -> int:
    from .core.export import session_json, session_markdown
    from .core.store.record import load_record

    path = session_path(args.session, sessions_dirs(args.sessions_dir))
    record = load_record(path)
    text = session_json(record) if args.format == "json" else session_markdown(record)
    if not args.output:
        sys.stdout.write(text)
        return OK
    out = Path(args.output).expanduser()
    try:
        write_private(out, text)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write the export ({exc.strerror})") from None
    print(f"Exported {path.name} to {out}", file=sys.stderr)
    return OK


def cmd_room(args: argparse.Namespace) -> int:
    from .room import cmd_follow, cmd_serve

    return cmd_follow(args) if args.command == "follow" else cmd_serve(args)


def start_of(args: argparse.Namespace) -> Start:
    """What the command line asks the app to open."""
    if args.command == "run":
        details = Details(
            group=args.group,
            facilitator=args.facilitator,
            presenter=args.presenter,
            participants=Details.split_names(args.participants),
            focus_question=args.question,
            fit_minutes=args.fit,
        )
        return RunProtocol(args.protocol, details, args.people, warn_minutes=args.warn)
    if args.command == "resume":
        return Resume(args.session)
    if args.command == "review":
        return Review(args.session)
    return Pick()


def options_of(args: argparse.Namespace) -> Options:
    first, *more = sessions_dirs(args.sessions_dir)
    return Options(first, theme=args.theme, bell=not args.no_bell, more_dirs=tuple(more))


def launch(start: Start, options: Options) -> int:
    """Open the app; print where the session was saved once the screen has closed."""
    from .tui.app import make_app

    # Start-up: importing Textual and the screens and loading the protocols make objects that
    # live as long as the app, so the garbage collector need not look at them while they are
    # made, nor walk them again later (together about 30 ms before the first frame).
    gc.disable()
    try:
        app = make_app(start, options)
    finally:
        gc.freeze()
        gc.enable()
    app.exit_deadline = EXIT_DEADLINE_S
    outcome = app.run()
    if outcome is None:
        return OK
    if outcome.rescued and outcome.saved is not None:
        print(
            f"facilitator: could not save in {options.sessions_dir}; "
            f"the session was saved instead to {outcome.saved}",
            file=sys.stderr,
        )
    elif outcome.saved is not None:
        print(f"Session saved: {outcome.saved}")
    elif outcome.unfinished is not None:
        print(f"Session saved, not finished: {outcome.unfinished} (carry on with: facilitator resume)")
    return OK


def cmd_app(args: argparse.Namespace) -> int:
    return launch(start_of(args), options_of(args))


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "validate": cmd_validate,
    "sessions": cmd_sessions,
    "commitments": cmd_commitments,
    "team": cmd_team,
    "stats": cmd_stats,
    "follow": cmd_room,
    "serve": cmd_room,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 invalid input, 2 cannot proceed)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = COMMANDS.get(args.command or "", cmd_app)
    try:
        return command(args)
    except (UsageError, NotFoundError, SessionFileError, StartError) as exc:
        say(str(exc))
    except ProtocolError as exc:
        for problem in exc.problems:
            say(problem)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return OK
    return USAGE
