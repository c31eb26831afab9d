"""The room: `follow` (a read-only second screen) and `serve` (the room's page in browsers)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from .core.store.files import session_path, sessions_dir, sessions_dirs


def _session(args: argparse.Namespace) -> Path | None:
    """The session named, looked for in every --sessions-dir (a live view waits in the first)."""
    if not args.session:
        return None
    return session_path(args.session, sessions_dirs(args.sessions_dir)).resolve()


def cmd_follow(args: argparse.Namespace) -> int:
    folder = sessions_dir(args.sessions_dir)
    path = _session(args)
    from .tui.follow import FollowApp

    FollowApp(folder, path, theme=args.theme).run()
    return 0


def say_where(urls: list[str], host: str, port: int) -> None:
    """Each URL on a line of its own, then a QR code of the first; who can open it, on stderr."""
    from .web.addresses import audience

    if not urls:
        print(
            f"facilitator: serving on port {port}, but this computer has no network address other "
            "machines can reach; check its network connection",
            file=sys.stderr,
            flush=True,
        )
        return
    for url in urls:
        print(url)
    import segno

    segno.make(urls[0], error="m").terminal(out=sys.stdout, compact=True, border=2)
    sys.stdout.flush()
    print(f"facilitator: serving the meeting: {audience(host)}", file=sys.stderr, flush=True)


def cmd_serve(args: argparse.Namespace) -> int:
    from .core.clock import SystemClock
    from .core.store.watch import Watch
    from .web.addresses import is_loopback, new_key, room_urls
    from .web.server import Room, run_room

    if not 1 <= args.max_viewers <= 100_000:
        print("facilitator: --max-viewers must be from 1 to 100000", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print("facilitator: --port must be from 0 to 65535", file=sys.stderr)
        return 2
    folder = sessions_dir(args.sessions_dir)
    watch = Watch(folder, _session(args), SystemClock())
    key = None if is_loopback(args.host) else new_key()
    room = Room(watch, key=key, theme=args.theme, max_viewers=args.max_viewers)

    def ready(port: int) -> None:
        say_where(room_urls(args.host, port, key), args.host, port)

    try:
        asyncio.run(run_room(room, args.host, args.port, ready))
    except OSError as exc:
        print(
            f"facilitator: cannot serve on {args.host}:{args.port} ({exc.strerror or exc}); "
            "try another --port or --host",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("facilitator: stopped serving the meeting", file=sys.stderr)
    return 0
