"""Index build speed, whole process (`interviewer index`).

1. Very first run on a machine: an empty home, so the one-time model preparation (ONNX export and int8
   quantisation) is included. Shown for information.
2. Full build: a new home in which only the prepared model exists (embedding cache empty, no index), as after
   the install command or when the index folder is deleted. Target: <= 30 s.
3. No-change rebuild of that index. Target: <= 2 s.

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
        first = Path(tmp) / "first"
        seconds, out = run(first)
        print(f"very first run (one-time model preparation included): {seconds:.2f} s: {out}")
        home = Path(tmp) / "home"
        (home / "cache").mkdir(parents=True)
        (home / "cache" / "models").symlink_to(first / "cache" / "models")
        full, out = run(home)
        print(f"full build, model prepared: {full:.2f} s (target <= 30 s): {out}")
        again, out = run(home)
        print(f"no-change rebuild: {again:.2f} s (target <= 2 s): {out}")


if __name__ == "__main__":
    main()
