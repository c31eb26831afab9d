"""Remembered choices (the theme), kept in the user's config directory."""

from __future__ import annotations

import contextlib
from pathlib import Path

import platformdirs

LIGHT = "textual-light"
DARK = "textual-dark"
ALIASES = {"light": LIGHT, "dark": DARK}


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir("facilitator")) / "settings.toml"


def load_theme() -> str | None:
    """The theme chosen last time, if any (a broken settings file is ignored)."""
    try:
        text = settings_path().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    import tomllib  # only when there is a choice to read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    theme = data.get("theme")
    return theme if isinstance(theme, str) else None


def save_theme(theme: str) -> None:
    """Remember the theme; failing to is not worth interrupting a meeting for."""
    import tomli_w

    path = settings_path()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tomli_w.dumps({"theme": theme}), encoding="utf-8")
