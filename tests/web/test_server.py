"""`facilitator serve`'s server: the event stream as the meeting moves (driven by a fake clock),
the key, Host and origin checks, only GET, the viewer cap, and only the meeting's public text,
escaped, ever sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from facilitator.core.clock import FakeClock
from facilitator.core.session import Details
from facilitator.core.store.watch import Watch
from facilitator.web.server import Room, build_page, page_theme
from tests.live import LiveMeeting, hostile

READ_S = 5.0  # a stream that says nothing for this long has failed the test (never a wait)


class Stream:
    """One viewer's event stream: the events as the page receives them."""

    def __init__(self, response: ClientResponse) -> None:
        self.response = response
        self.raw: list[str] = []

    async def event(self) -> tuple[str, dict[str, Any]]:
        """The next event (its name and its data), skipping keep-alive comments."""
        name, data = "message", ""
        while True:
            line = (await asyncio.wait_for(self.response.content.readline(), READ_S)).decode()
            assert line, "the stream ended"
            self.raw.append(line)
            line = line.rstrip("\n")
            if line == "" and data:
                return name, json.loads(data)
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data += line[6:]

    async def state(self) -> dict[str, Any]:
        name, data = await self.event()
        assert name == "message"
        return data


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
async def serving(folder: Path, clock: FakeClock) -> AsyncIterator[tuple[Room, TestClient]]:
    room = Room(Watch(folder, None, clock))
    async with TestClient(TestServer(room.app())) as client:
        yield room, client
        await room.close()


async def open_stream(client: TestClient, path: str = "/events", **headers: str) -> Stream:
    response = await client.get(path, headers=headers)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    return Stream(response)


async def test_the_stream_follows_the_meeting_through_every_change(serving, folder, clock):
    room, client = serving
    meeting = LiveMeeting(folder, clock, details=Details(group="Grade 5", presenter="Maria"))
    meeting.space()
    meeting.tick(20)
    stream = await open_stream(client)
    first = await stream.state()
    assert first["mode"] == "running" and first["title"] == "Introduction"
    assert first["heading"] == "Step 1 of 8" and first["left_ms"] == 280_000
    assert first["presenter"] == "Maria" and first["group"] == "Grade 5"
    assert first["norms"] and first["shown"] == "norms"  # the first step shows the norms itself

    meeting.tick(5)
    assert not room.tick()  # only time passed: nothing is sent
    meeting.next()
    assert room.tick()
    step = await stream.state()
    assert step["title"] == "Presentation" and step["heading"] == "Step 2 of 8"
    assert step["prompts"] == list(meeting.session.protocol.steps[1].prompts)
    assert step["norms"] == [] and step["shown"] == ""
    assert step["left_ms"] == meeting.run.left_ms()

    meeting.tick(30)
    meeting.space()
    room.tick()
    paused = await stream.state()
    assert paused["mode"] == "paused" and paused["left_ms"] == meeting.run.left_ms()

    meeting.space()
    meeting.tick(3)
    first_path = meeting.path
    first_path.write_text(first_path.read_text() + "# changed by a sync tool\n")
    room.tick()
    await stream.state()  # the changed file is read: the same step
    meeting.next()  # the meeting goes on in NAME-2.toml, and the stream with it
    assert meeting.path != first_path
    room.tick()
    moved = await stream.state()
    assert moved["heading"] == "Step 3 of 8" and moved["mode"] == "running" and not moved["trouble"]

    meeting.tick(48)
    meeting.crash()
    clock.advance(10)
    assert room.tick()
    stopped = await stream.state()
    assert stopped["mode"] == "stopped"
    frozen = meeting.run.left_ms() + 10_000
    assert stopped["left_ms"] == frozen
    assert stopped["stopped_words"].startswith("The facilitator's app has stopped; the time is frozen at ")

    meeting.resume()
    room.tick()
    resumed = await stream.state()
    assert resumed["mode"] == "paused" and resumed["left_ms"] == frozen

    meeting.finish()
    room.tick()
    finished = await stream.state()
    assert finished["mode"] == "finished" and "left_ms" not in finished
    assert finished["words"].startswith("The meeting has finished at ")
    assert finished["after"] == "Waiting for the next meeting to start …"

    clock.advance(120)
    LiveMeeting(folder, clock, "consultancy", Details(group="Next team"))
    room.tick()
    following = await stream.state()
    assert following["group"] == "Next team" and following["mode"] == "ready"
    everything = "".join(stream.raw)
    assert "SECRET" not in everything and "Maria" in everything


async def test_a_viewer_who_joins_later_gets_the_time_as_it_is_now(serving, folder, clock):
    room, client = serving
    waiting = await (await open_stream(client)).state()
    assert waiting == {"mode": "waiting", "words": "Waiting for a meeting to start …"}
    meeting = LiveMeeting(folder, clock)
    meeting.space()
    room.tick()
    meeting.tick(100)
    late = await (await open_stream(client)).state()
    assert late["left_ms"] == 200_000


async def test_never_notes_facilitator_notes_or_paths(serving, folder, clock):
    room, client = serving
    meeting = LiveMeeting(folder, clock)
    for _ in range(7):
        meeting.next()
    stream = await open_stream(client)
    seen = [await stream.state()]
    texts = json.dumps(seen)
    for step in meeting.session.protocol.steps:
        if step.facilitator_notes:
            assert step.facilitator_notes[:30] not in texts
    assert "SECRET" not in texts and str(folder) not in texts and meeting.path.name not in texts
    assert seen[0]["next"] == "Next: the end of the meeting"  # nobody in the room presses q


async def test_a_title_of_markup_is_sent_as_typed_and_escaped(serving, folder, clock):
    room, client = serving
    LiveMeeting(folder, clock, hostile())
    stream = await open_stream(client)
    state = await stream.state()
    assert state["title"] == "<script>alert(1)</script>"
    assert state["protocol"] == "<b>Tuning</b> & [bold]friends[/bold]"
    raw = "".join(stream.raw)
    assert "<script>" not in raw and "<b>" not in raw and "\\u003cscript\\u003e" in raw
    page = await (await client.get("/")).text()
    assert "alert(1)" not in page and "friends" not in page


async def test_the_page_stands_alone(serving):
    _, client = serving
    response = await client.get("/")
    assert response.status == 200
    page = await response.text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "http://" not in page and "https://" not in page and "@import" not in page
    assert "<style>" in page and "<script>" in page and 'src="' not in page
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy
    assert "unsafe-inline" not in policy and "connect-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_theme_follows_the_option_else_the_browser():
    assert page_theme(None) == "" and page_theme("light") == "light"
    assert page_theme("catppuccin-latte") == "light" and page_theme("textual-dark") == "dark"
    assert 'data-theme="light"' in build_page("light")[0]
    assert 'data-theme=""' in build_page("")[0]


async def test_only_get(serving):
    _, client = serving
    for method, path in (("POST", "/"), ("PUT", "/events"), ("DELETE", "/"), ("HEAD", "/")):
        response = await client.request(method, path)
        assert response.status == 405, (method, path)
    assert (await client.get("/notes")).status == 404


async def test_on_loopback_the_host_must_be_this_computer(serving):
    _, client = serving
    assert (await client.get("/", headers={"Host": "localhost:8000"})).status == 200
    refused = await client.get("/", headers={"Host": "rebound.example:8000"})
    assert refused.status == 403 and "this computer only" in await refused.text()
    assert (await client.get("/events", headers={"Host": "rebound.example"})).status == 403


async def test_the_stream_refuses_other_origins(serving):
    _, client = serving
    origin = f"http://{client.host}:{client.port}"
    assert (await client.get("/events", headers={"Origin": "http://evil.example"})).status == 403
    assert (await client.get("/events", headers={"Sec-Fetch-Site": "cross-site"})).status == 403
    assert (await client.get("/events", headers={"Sec-Fetch-Site": "same-site"})).status == 403
    same = await open_stream(client, Origin=origin, **{"Sec-Fetch-Site": "same-origin"})
    assert (await same.state())["mode"] == "waiting"


async def test_off_loopback_every_request_needs_the_key(folder, clock):
    room = Room(Watch(folder, None, clock), key="Room-key_123")
    async with TestClient(TestServer(room.app())) as client:
        for path in ("/", "/?key=wrong", "/?key=", "/?key=Room-key_12", "/events", "/events?key=nope"):
            response = await client.get(path)
            assert response.status == 403, path
        assert "key" in await (await client.get("/")).text()
        assert (await client.get("/?key=Room-key_123", headers={"Host": "192.0.2.2:8000"})).status == 200
        stream = await open_stream(client, "/events?key=Room-key_123")
        assert (await stream.state())["mode"] == "waiting"
        await room.close()


async def test_the_viewer_cap_says_the_room_is_full(folder, clock):
    room = Room(Watch(folder, None, clock), max_viewers=2)
    async with TestClient(TestServer(room.app())) as client:
        streams = [await open_stream(client) for _ in range(2)]
        for stream in streams:
            await stream.state()
        assert len(room.viewers) == 2
        name, full = await (await open_stream(client)).event()
        assert name == "full" and "The room is full: 2 screens" in full["words"]
        page = await client.get("/")
        assert page.status == 503 and "The room is full" in await page.text()
        await room.close()


async def test_whose_turn_it_is_and_what_the_facilitator_shows(serving, folder, clock):
    room, client = serving
    details = Details(group="Readers", participants=["Ana", "Ben", "Cy"])
    meeting = LiveMeeting(folder, clock, "final-word", details)
    while meeting.run.shapes[meeting.run.step].turn_names is None:
        meeting.next()
    meeting.space()
    meeting.next()  # the second turn
    stream = await open_stream(client)
    state = await stream.state()
    assert state["speaker"]["name"] == "Ben"
    assert state["speaker"]["detail"] == "turn 2 of 3 · next: Cy"
    assert state["speaker"]["step_rest_ms"] == meeting.run.unit_planned_ms(meeting.run.step, 2)
    assert state["shown"] == "norms" and state["commitments"] == []  # the first step: the norms
    meeting.session.commit("Ben", "Try exit tickets with 7B", "next meeting")
    meeting.save()
    room.tick()
    assert (await stream.state())["commitments"] == []  # made, but not shown to the room
    meeting.run.show("commitments")
    meeting.save()
    room.tick()
    shown = await stream.state()
    assert shown["shown"] == "commitments" and shown["commitments"] == [meeting.session.commitments[0].line()]
    meeting.run.show("")
    meeting.save()
    room.tick()
    hidden = await stream.state()
    assert hidden["shown"] == "" and hidden["commitments"] == [] and hidden["norms"] == []
