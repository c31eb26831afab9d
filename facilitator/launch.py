"""Opening the full-screen app from the command line: the picker, a run, a resumed run."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from .core.clock import Clock, SystemClock
from .core.library import Library, find, load_library
from .core.session import Details, FitError, SaveError, Saver, Session, probe
from .core.session_files import SessionFileError, sessions_dir


class LaunchError(Exception):
    """Cannot open the app as asked: one line for the user."""


def details_from(args: argparse.Namespace) -> Details:
    return Details(
        group=args.group,
        facilitator=args.facilitator,
        presenter=args.presenter,
        participants=Details.split_names(args.participants),
        focus_question=args.question,
        fit_minutes=args.fit,
    )


def resume_path(name: str | None, folder: Path) -> Path:
    """The session to resume: the one named, else the newest unfinished one."""
    if name:
        from .cli import UsageError, session_path

        try:
            return session_path(name, folder)
        except UsageError as exc:
            raise LaunchError(str(exc)) from None
    from .core.resume import resumable

    unfinished = resumable(folder)
    if not unfinished:
        raise LaunchError(f"no unfinished session in {folder} (facilitator sessions lists them all)")
    return unfinished[0].path


def review_path(name: str | None, folder: Path) -> Path | None:
    """The session to open on top of the review list, if one was named."""
    return resume_path(name, folder) if name else None


def make_app(args: argparse.Namespace, library: Library | None = None, clock: Clock | None = None):  # noqa: ANN201 - returns FacilitatorApp; imported lazily so plain commands skip Textual
    """Build the app for what the command line asked: shared by the CLI and the tests."""
    from .tui.app import FacilitatorApp

    library = load_library() if library is None else library
    clock = clock or SystemClock()
    folder = sessions_dir(args.sessions_dir)
    options = {"theme": args.theme, "bell": not args.no_bell}
    if args.command == "review":
        return FacilitatorApp(
            library, folder, clock, review=(folder, review_path(args.session, folder)), **options
        )
    if args.command == "resume":
        from .core.resume import resume_session

        path = resume_path(args.session, folder)
        try:
            session, message = resume_session(path, clock)
        except SessionFileError as exc:
            raise LaunchError(str(exc)) from None
        saver = Saver(path.parent, path)
        return FacilitatorApp(library, folder, clock, session=(session, saver), notice=message, **options)
    if args.command != "run":
        from .core.resume import resumable

        return FacilitatorApp(library, folder, clock, unfinished=resumable(folder), **options)
    found = find(args.protocol, library)
    details = details_from(args)
    people = args.people
    if people is not None and not 1 <= people <= 50:
        raise LaunchError("--people must be from 1 to 50")
    if found.protocol.has_each_participant and not (details.participants or people):
        return FacilitatorApp(library, folder, clock, setup=(found, details), **options)
    try:
        session = Session.new(found.protocol, details, clock, people)
        saver = probe(folder)
    except (FitError, SaveError) as exc:
        raise LaunchError(str(exc)) from None
    return FacilitatorApp(library, folder, clock, session=(session, saver), **options)


def launch(args: argparse.Namespace) -> int:
    """Open the app; print where the session was saved once the screen has closed."""
    # Start-up: importing Textual and the screens and loading the protocols make objects that
    # live as long as the app, so the garbage collector need not look at them while they are
    # made, nor walk them again later (together about 30 ms before the first frame).
    gc.disable()
    try:
        app = make_app(args)
    except LaunchError as exc:
        print(f"facilitator: {exc}", file=sys.stderr)
        return 2
    finally:
        gc.freeze()
        gc.enable()
    app.run()
    path: Path | None = app.saved_path
    screen_session = app.last_session
    if app.rescued and path is not None:
        print(
            f"facilitator: could not save in {sessions_dir(args.sessions_dir)}; "
            f"the session was saved instead to {path}",
            file=sys.stderr,
        )
    elif path is not None:
        print(f"Session saved: {path}")
    elif screen_session is not None and screen_session.path is not None:
        print(f"Session saved, not finished: {screen_session.path} (carry on with: facilitator resume)")
    return 0
