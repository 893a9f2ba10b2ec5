"""Index build speed: a full build into an empty home (embedding cache empty), then a no-change rebuild.
Targets: full build <= 30 s, no-change rebuild <= 2 s (both whole process, `interviewer index`).

    .venv/bin/python bench/index_speed.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(home: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "interviewer", "index"], capture_output=True, text=True,
                            env={**os.environ, "INTERVIEWER_HOME": str(home)})
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return time.perf_counter() - started, result.stdout.strip()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        full, out = run(home)
        print(f"full build: {full:.2f} s (target <= 30 s): {out}")
        again, out = run(home)
        print(f"no-change rebuild: {again:.2f} s (target <= 2 s): {out}")


if __name__ == "__main__":
    main()
