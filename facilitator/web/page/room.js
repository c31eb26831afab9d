"use strict";
// The room's page: the meeting's state arrives from /events when it changes; the time is
// counted here between changes. Every text goes in with textContent: shown as typed.
(() => {
  const $ = (id) => document.getElementById(id);
  const key = new URLSearchParams(location.search).get("key");
  const events = "events" + (key ? "?key=" + encodeURIComponent(key) : "");
  let state = null;
  let at = 0; // performance.now() when the state arrived

  const pad = (n) => String(n).padStart(2, "0");
  // As the terminal says it (core/words.py): seconds round up, so 00:00 means time is up.
  function face(ms) {
    if (ms >= 0) {
      const s = Math.ceil(ms / 1000);
      return pad(Math.floor(s / 60)) + ":" + pad(s % 60);
    }
    const s = Math.floor(-ms / 1000);
    return "+" + pad(Math.floor(s / 60)) + ":" + pad(s % 60);
  }
  function drift(ms) {
    if (Math.abs(ms) < 30000) return "on plan";
    const minutes = Math.max(1, Math.round(Math.abs(ms) / 60000));
    return minutes + " min " + (ms > 0 ? "behind" : "ahead of") + " plan";
  }
  function clockTime(ms, offsetMin) {
    const d = new Date(ms + offsetMin * 60000); // the facilitator's time of day
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  function put(id, text) {
    const el = $(id);
    if (el.textContent !== text) el.textContent = text;
    return el;
  }
  function show(id, visible) {
    $(id).hidden = !visible;
  }
  function list(id, items, make) {
    const el = $(id);
    el.replaceChildren(...items.map(make));
  }
  function item(text) {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }
  function setClasses(names) {
    for (const name of ["waiting", "ready", "running", "paused", "stopped", "warning", "over", "shown"]) {
      document.body.classList.toggle(name, names.includes(name));
    }
  }

  function notice(text) {
    put("notice", text);
    show("notice", text !== "");
  }

  function waiting(words, after) {
    setClasses(["waiting"]);
    put("waiting-words", words);
    put("waiting-after", after || "");
    document.title = "facilitator · the room";
  }

  // Everything that holds until the next state: the step, its words, the agenda.
  function render() {
    const s = state;
    if (s.mode === "waiting" || s.mode === "finished") {
      waiting(s.words, s.after);
      show("meeting", false);
      return;
    }
    show("meeting", true);
    put("title", s.title);
    put("step-number", s.heading);
    put("reminder", s.reminder);
    show("reminder", s.reminder !== "");
    put("presenter", s.presenter ? "Presenter: " + s.presenter : "");
    put("question", s.question ? "Focusing question: " + s.question : "");
    show("context", Boolean(s.presenter || s.question));
    show("speaker", s.speaker !== null);
    if (s.speaker) put("speaker-name", s.speaker.name);
    list("prompts", s.prompts, item);
    put("who", s.who);
    put("next", s.next);
    const shown = s.shown === "norms" || s.shown === "commitments";
    show("shown", shown);
    if (shown) {
      put("shown-title", s.shown === "norms" ? "Our norms" : "Our commitments");
      const lines = s.shown === "norms" ? s.norms : s.commitments;
      list("shown-list", lines.length ? lines : ["None yet."], item);
    }
    list("agenda", s.agenda, (row) => {
      const li = document.createElement("li");
      li.className = row.state;
      const title = document.createElement("span");
      const mark = row.state === "current" ? "▶ now" : row.state === "done" ? "✓ done" : row.state === "skipped" ? "skipped" : "";
      title.textContent = row.number + ". " + row.title;
      const time = document.createElement("span");
      time.className = "mark";
      time.textContent = (mark ? mark + " · " : "") + row.planned + (row.over ? " · ran over" : "");
      li.append(title, time);
      if (row.state === "current") li.setAttribute("aria-current", "step");
      return li;
    });
    put("meeting-name", [s.protocol, s.group].filter(Boolean).join(" · "));
    document.title = s.title + " · facilitator";
    notice(s.trouble || "");
    tick();
  }

  // What the passing time changes: the clock, its words, the status line.
  function tick() {
    const s = state;
    if (!s || s.mode === "waiting" || s.mode === "finished") return;
    const elapsed = performance.now() - at;
    const running = s.mode === "running";
    const left = running ? s.left_ms - elapsed : s.left_ms;
    // While running, the end moves only once the step is over; paused or not started, it moves on.
    const grow = running ? Math.max(0, elapsed - Math.max(0, s.left_ms)) : s.mode === "stopped" ? 0 : elapsed;
    const end = clockTime(s.ends_at_ms + grow, s.utc_offset_min);
    const over = left < 0;
    const warning = s.mode !== "ready" && s.warn_ms > 0 && left >= 0 && left <= s.warn_ms;
    const time = face(left) + (over ? " over" : " left");
    let status;
    let words;
    if (s.mode === "stopped") {
      status = "STOPPED · " + s.stopped_words;
      words = "STOPPED";
    } else if (s.mode === "ready") {
      status = face(left) + " · not started yet · ends " + end + " if started now";
      words = "not started yet";
    } else {
      const parts = s.mode === "paused" ? ["PAUSED", time] : [time];
      if (warning) parts.push(s.warn_words);
      parts.push("ends " + end, drift(s.drift_ms + grow));
      status = parts.join(" · ");
      words = s.mode === "paused" ? "PAUSED" : over ? "over" : warning ? "left · " + s.warn_words : "left";
    }
    put("clock", face(left));
    put("clock-words", words);
    put("status", status);
    if (s.speaker) {
      const whole = left + s.speaker.step_rest_ms;
      put("speaker-detail", s.speaker.detail + " · whole step " + face(whole) + (whole < 0 ? " over" : " left"));
    }
    const names = [s.mode];
    if (over && s.mode !== "ready") names.push("over");
    else if (warning) names.push("warning");
    if (s.shown === "norms" || s.shown === "commitments") names.push("shown");
    setClasses(names);
  }

  function connect() {
    const source = new EventSource(events);
    source.onmessage = (event) => {
      state = JSON.parse(event.data);
      at = performance.now();
      notice("");
      render();
    };
    source.addEventListener("full", (event) => {
      source.close();
      state = null;
      waiting(JSON.parse(event.data).words, "");
      setTimeout(connect, 30000);
    });
    source.onerror = () => {
      notice("Lost the connection to the facilitator's laptop: trying again … (if this stays, open the room's address again)");
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    };
  }

  setInterval(tick, 250);
  connect();
})();
