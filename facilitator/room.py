"""The room: `follow` (a read-only second screen) and `serve` (the same view in a browser)."""

from __future__ import annotations

import argparse
import ipaddress
import re
import shlex
import sys
import tempfile
from pathlib import Path

from .core.store.files import session_path, sessions_dir, sessions_dirs

_FONT_LINK = re.compile(r'<link[^>]*href="https?://[^"]*"[^>]*/?>', re.S)
_LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf");
      }
    </style>"""


def _session(args: argparse.Namespace, folder: Path) -> Path | None:
    """The session named, looked for in every --sessions-dir (a live view waits in the first)."""
    if not args.session:
        return None
    return session_path(args.session, sessions_dirs(args.sessions_dir)).resolve()


def cmd_follow(args: argparse.Namespace) -> int:
    folder = sessions_dir(args.sessions_dir)
    path = _session(args, folder)
    from .tui.follow import FollowApp

    FollowApp(folder, path, theme=args.theme).run()
    return 0


def offline_templates(source: Path, target: Path) -> Path:
    """textual-serve's page with nothing fetched from the internet: the bundled font instead."""
    page = (source / "app_index.html").read_text(encoding="utf-8")
    page = _FONT_LINK.sub(_LOCAL_FONT, page, count=1)
    page = _FONT_LINK.sub("", page)
    target.mkdir(parents=True, exist_ok=True)
    (target / "app_index.html").write_text(page, encoding="utf-8")
    return target


def audience(host: str) -> str:
    """Who can open the page, in words."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        return "only this computer can open it"
    return (
        "anyone on your network who can reach this computer can open it and see the steps, "
        "prompts and time (never notes); stop with ctrl+c"
    )


def follow_command(folder: Path, path: Path | None, theme: str | None = None) -> str:
    """The command the server runs for each browser: the follow view, read-only."""
    parts = [sys.executable, "-m", "facilitator", "follow", "--sessions-dir", str(folder.resolve())]
    if theme:
        parts += ["--theme", theme]
    if path is not None:
        parts.append(str(path))
    return shlex.join(parts)


def cmd_serve(args: argparse.Namespace) -> int:
    import textual_serve
    from textual_serve.server import Server

    folder = sessions_dir(args.sessions_dir)
    path = _session(args, folder)
    package = Path(textual_serve.__file__).resolve().parent
    templates = offline_templates(package / "templates", Path(tempfile.mkdtemp(prefix="facilitator-serve-")))
    server = Server(
        follow_command(folder, path, args.theme),
        host=args.host,
        port=args.port,
        title="facilitator",
        statics_path=package / "static",
        templates_path=templates,
    )
    print(
        f"facilitator: serving the meeting at http://{args.host}:{args.port}: {audience(args.host)}",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve()
    except OSError as exc:
        print(
            f"facilitator: cannot serve on {args.host}:{args.port} ({exc.strerror or exc}); "
            "try another --port",
            file=sys.stderr,
        )
        return 2
    return 0
