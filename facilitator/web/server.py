"""`facilitator serve`: one small process serves the room's page at `/` and the meeting's state
at `/events` (Server-Sent Events) to every screen and phone in the room.

The server looks at the meeting a few times a second (watch.py: a stat call or two) and sends
the state to every viewer only when it changed; the page counts the time down by itself in
between. It is read-only: GET alone, nothing a viewer sends reaches the meeting. Off loopback
every request needs the room's key; on loopback the Host must be this computer (no DNS
rebinding). The event stream refuses other origins, and the number of viewers is capped.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import ipaddress
from collections.abc import Callable
from importlib import resources

from aiohttp import web

from ..core.store.watch import Watch
from .state import as_json, room_state

POLL_S = 0.25
"""How often the meeting's file is looked at: a step change reaches every viewer within this."""
KEEPALIVE_S = 15.0
"""A comment down each quiet stream this often, so a dead connection is noticed and dropped."""
MAX_VIEWERS = 200
RETRY_MS = 2000
LIGHT_WORDS = ("light", "latte", "dawn")


def page_theme(theme: str | None) -> str:
    """ "light" or "dark" for a theme name (Textual's names too), "" for the browser's choice."""
    if not theme:
        return ""
    return "light" if any(word in theme.lower() for word in LIGHT_WORDS) else "dark"


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def build_page(theme: str) -> tuple[str, str]:
    """The page, its style and script inline (one request, nothing from elsewhere), and the
    Content-Security-Policy that lets only those run."""
    folder = resources.files("facilitator.web") / "page"
    html = (folder / "room.html").read_text(encoding="utf-8")
    css = (folder / "room.css").read_text(encoding="utf-8")
    js = (folder / "room.js").read_text(encoding="utf-8")
    html = html.replace('data-theme=""', f'data-theme="{theme}"', 1)
    html = html.replace("<style></style>", f"<style>{css}</style>", 1)
    html = html.replace("<script></script>", f"<script>{js}</script>", 1)
    csp = (
        f"default-src 'none'; style-src {_digest(css)}; script-src {_digest(js)}; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )
    return html, csp


NOTICE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>facilitator · {title}</title>
<style>body{{font:1.4rem/1.5 system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem}}
@media (prefers-color-scheme:dark){{body{{background:#111;color:#eee}}}}</style></head>
<body><h1>{title}</h1><p>{words}</p></body></html>
"""
NOTICE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
NEEDS_KEY = (
    "The room's key is missing or wrong",
    "Open the address exactly as the facilitator shared it (it ends with ?key=…), or scan the QR "
    "code in the facilitator's terminal.",
)
THIS_COMPUTER = (
    "This page is for this computer only",
    "The meeting is served to this computer alone. To let other machines in, the facilitator "
    "starts it with: facilitator serve --host 0.0.0.0",
)
OTHER_ORIGIN = ("Not from this page", "The meeting's state is sent only to the room's own page.")
FULL_WORDS = "The room is full: {n} screens are watching already. Try again in a minute."

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def notice(status: int, title: str, words: str) -> web.Response:
    """A small page of plain words (no script), for a refusal or a full room."""
    return web.Response(
        status=status,
        text=NOTICE.format(title=title, words=words),
        content_type="text/html",
        headers={**SECURITY_HEADERS, "Content-Security-Policy": NOTICE_CSP},
    )


def _loopback_host(host: str) -> bool:
    """Whether a Host header names this computer (localhost, 127.x, [::1]), with any port."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if host.startswith("["):
        name = host[1 : host.find("]")]
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class Viewer:
    """One open event stream: the newest state waiting to be written to it."""

    def __init__(self) -> None:
        self.pending: str | None = None
        self.ready = asyncio.Event()

    def send(self, text: str) -> None:
        self.pending = text  # a viewer that falls behind skips to the newest state
        self.ready.set()


class Room:
    """The meeting as every browser in the room sees it: the page, the stream, the checks."""

    def __init__(
        self,
        watch: Watch,
        *,
        key: str | None = None,
        theme: str | None = None,
        max_viewers: int = MAX_VIEWERS,
    ) -> None:
        self.watch = watch
        self.key = key
        self.max_viewers = max_viewers
        self.viewers: set[Viewer] = set()
        self.closing = False
        self.page, self.csp = build_page(page_theme(theme))
        self.on_viewers: Callable[[int], None] | None = None

    # -- the meeting ------------------------------------------------------------------------
    def state_text(self) -> str:
        """The state as it stands now, as JSON."""
        return as_json(room_state(self.watch))

    def tick(self) -> bool:
        """Look at the meeting once; send the state to every viewer if it changed."""
        if not self.watch.poll():
            return False
        if self.viewers:
            text = self.state_text()
            for viewer in self.viewers:
                viewer.send(text)
        return True

    async def watching(self) -> None:
        """Look at the meeting every POLL_S until the server closes."""
        while not self.closing:
            self.tick()
            await asyncio.sleep(POLL_S)

    async def close(self) -> None:
        """End every stream: the server is stopping."""
        self.closing = True
        for viewer in self.viewers:
            viewer.ready.set()

    # -- the checks -------------------------------------------------------------------------
    def refusal(self, request: web.Request, stream: bool) -> web.Response | None:
        """Why this request gets nothing (a 403 page), or None when it may go on."""
        if self.key is not None:
            given = request.query.get("key", "").encode()
            if not hmac.compare_digest(given, self.key.encode()):
                return notice(403, *NEEDS_KEY)
        elif not _loopback_host(request.host):
            return notice(403, *THIS_COMPUTER)
        if stream:
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"{request.scheme}://{request.host}":
                return notice(403, *OTHER_ORIGIN)
            if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                return notice(403, *OTHER_ORIGIN)
        return None

    def full(self) -> bool:
        return len(self.viewers) >= self.max_viewers

    # -- the two addresses ------------------------------------------------------------------
    async def serve_page(self, request: web.Request) -> web.Response:
        refused = self.refusal(request, stream=False)
        if refused is not None:
            return refused
        if self.full():
            return notice(503, "The room is full", FULL_WORDS.format(n=self.max_viewers))
        headers = {**SECURITY_HEADERS, "Content-Security-Policy": self.csp}
        return web.Response(text=self.page, content_type="text/html", headers=headers)

    async def serve_events(self, request: web.Request) -> web.StreamResponse:
        refused = self.refusal(request, stream=True)
        if refused is not None:
            return refused
        stream = web.StreamResponse(
            headers={
                **SECURITY_HEADERS,
                "Content-Type": "text/event-stream; charset=utf-8",
                "X-Accel-Buffering": "no",
            }
        )
        await stream.prepare(request)
        if self.full():
            words = as_json({"mode": "full", "words": FULL_WORDS.format(n=self.max_viewers)})
            await stream.write(f"event: full\ndata: {words}\n\n".encode())
            return stream
        self.tick()  # the meeting as it is this moment (the others get it too, if it changed)
        viewer = Viewer()
        self.viewers.add(viewer)
        self._viewers_changed()
        try:
            await stream.write(f"retry: {RETRY_MS}\ndata: {self.state_text()}\n\n".encode())
            while not self.closing:
                try:
                    await asyncio.wait_for(viewer.ready.wait(), KEEPALIVE_S)
                except TimeoutError:
                    await stream.write(b": still here\n\n")
                    continue
                viewer.ready.clear()
                if viewer.pending is not None and not self.closing:
                    text, viewer.pending = viewer.pending, None
                    await stream.write(f"data: {text}\n\n".encode())
        except (ConnectionError, asyncio.CancelledError):
            pass  # the viewer went away
        finally:
            self.viewers.discard(viewer)
            self._viewers_changed()
        return stream

    def _viewers_changed(self) -> None:
        if self.on_viewers is not None:
            self.on_viewers(len(self.viewers))

    def app(self) -> web.Application:
        """The web application: GET `/` and GET `/events`, nothing else."""
        app = web.Application()
        app.router.add_get("/", self.serve_page, allow_head=False)
        app.router.add_get("/events", self.serve_events, allow_head=False)
        app.on_shutdown.append(lambda _app: self.close())
        return app


async def run_room(room: Room, host: str, port: int, ready: Callable[[int], None]) -> None:
    """Serve until cancelled; `ready(port)` once listening (the port chosen, for port 0)."""
    runner = web.AppRunner(room.app(), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        ready(int(runner.addresses[0][1]) if runner.addresses else port)  # port 0: the one chosen
        watching = asyncio.create_task(room.watching())
        try:
            await asyncio.Event().wait()  # until ctrl+c cancels this task
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
    finally:
        await room.close()
        await runner.cleanup()
