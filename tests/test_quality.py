"""ruff and mypy stay clean on the package."""

import subprocess
import sys

from interviewer.config import REPO_ROOT


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "interviewer", "tests", "bench"],
                            capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "interviewer"], capture_output=True, text=True,
                            cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
