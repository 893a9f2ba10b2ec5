"""Refresh `requirements.lock`: resolve the project's dependencies (with the `dev` extra and the build backend)
as pip would on a fresh machine today, and pin every distribution pip chose to its exact version and the sha256
of the file it chose.

    .venv/bin/python scripts/lock.py          # then run the tests, and commit the lock if they pass

The lock is what `scripts/install.sh` installs (`--require-hashes`), so a dependency's new release never reaches a
fresh clone until someone refreshes the lock and the tests pass with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
BUILD_BACKEND = "setuptools>=68"
"""Installed from the lock too, so the editable install of the project builds without fetching anything."""
HEADER = """\
# Exact versions and hashes the test suite passed with; installed by scripts/install.sh.
# Refresh: .venv/bin/python scripts/lock.py, run the tests, commit. Do not edit by hand.
"""


def resolve() -> list[dict[str, object]]:
    """pip's resolution of the project as a fresh install would make it, without installing anything."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-qq", "--dry-run", "--ignore-installed",
             "--report", str(report), f"{ROOT}[dev]", BUILD_BACKEND],
            check=True,
        )
        installs: list[dict[str, object]] = json.loads(report.read_text(encoding="utf-8"))["install"]
    return installs


def lock_lines(installs: list[dict[str, object]]) -> list[str]:
    lines = []
    for item in installs:
        metadata = item["metadata"]
        info = item["download_info"]
        assert isinstance(metadata, dict) and isinstance(info, dict)
        if info.get("dir_info") is not None:  # the project itself
            continue
        digest = info["archive_info"]["hashes"]["sha256"]
        lines.append(f"{metadata['name'].lower()}=={metadata['version']} --hash=sha256:{digest}")
    return sorted(lines)


def main() -> None:
    LOCK.write_text(HEADER + "\n".join(lock_lines(resolve())) + "\n", encoding="utf-8")
    print(f"wrote {LOCK.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
