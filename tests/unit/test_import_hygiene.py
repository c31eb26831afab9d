"""The core never imports Textual: it must stay usable (and testable) without a terminal UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import facilitator.core.protocol, facilitator.core.library, facilitator.core.run
import facilitator.core.fit, facilitator.core.record, facilitator.core.export
import facilitator.core.clock
import sys
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
assert not loaded, loaded
print("ok")
"""


def test_the_core_does_not_import_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
