"""httpx loads without its command-line client (click, rich, pygments), and stays whole."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json, sys
from irsa_tui.sources.issuer import map_http_error
first = map_http_error(OSError("refused"), "GET discovery document")  # loads httpx on first use
loaded_before = list(sys.modules)
loaded = [m for m in ("click", "rich", "pygments", "httpx._main") if m in sys.modules]
import httpx
error = map_http_error(httpx.ConnectTimeout("slow"), "GET discovery document")
import httpx._main
print(json.dumps({"kind": error.kind, "first": first.kind, "httpx": "httpx" in loaded_before, "loaded": loaded, "client": hasattr(httpx, "Client"),
                  "real_cli": httpx._main.__file__ is not None and hasattr(httpx._main, "main")}))
"""


def test_httpx_without_its_cli_and_the_cli_still_imports() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"kind": "timeout", "first": "other", "httpx": True, "loaded": [], "client": True, "real_cli": True}
