"""The room's server is small: it loads no Textual, and nothing of the terminal app."""

from __future__ import annotations

import subprocess
import sys


def test_the_server_imports_no_terminal_app():
    code = (
        "import sys, facilitator.web.server, facilitator.web.addresses, facilitator.room; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich') "
        "or m.startswith('facilitator.tui')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
