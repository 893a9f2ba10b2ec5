"""What `interviewer eval run` and `eval compare` do around the runner: prompt variants, the cached model, and
run folders (run.json, report.md, report.html)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from interviewer.errors import UserError
from interviewer.evaluation.report import render_html, render_markdown
from interviewer.evaluation.runner import RunResult, compare_runs
from interviewer.llm.base import Model
from interviewer.llm.cache import CachedModel
from interviewer.llm.prompts import PROMPTS_DIR, load_prompt

RUN_FILE = "run.json"


def prompt_overrides(options: tuple[str, ...]) -> dict[str, Path]:
    """`--prompt feedback=variant.md` options as {name: path}; the name must be one of our prompts."""
    known = sorted(path.stem for path in PROMPTS_DIR.glob("*.md"))
    overrides: dict[str, Path] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name or not value:
            raise UserError(f"--prompt takes NAME=PATH, not {option!r}")
        if name not in known:
            raise UserError(f"unknown prompt {name!r}: one of {', '.join(known)}")
        path = Path(value)
        if not path.is_file():
            raise UserError(f"prompt variant {path} does not exist")
        overrides[name] = path
    return overrides


def prompt_versions(overrides: dict[str, Path]) -> dict[str, str]:
    """Every prompt's version (its text's hash) with the variants in place."""
    return {path.stem: load_prompt(path.stem, overrides).version for path in sorted(PROMPTS_DIR.glob("*.md"))}


def cached_model(model: Model | None, requested: str | None, replay: bool, cache_path: Path,
                 versions: dict[str, str]) -> CachedModel | None:
    """The model behind the on-disk call cache; with `replay`, the cache alone (no key, no network)."""
    if replay:
        if not requested or requested == "offline":
            raise UserError("--replay needs --model: the model whose cached calls to replay")
        return CachedModel(None, cache_path, name=requested, prompt_versions=versions)
    if model is None:
        return None
    return CachedModel(model, cache_path, prompt_versions=versions)


def run_folder(root: Path, suite: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = root / f"{suite}-{stamp}"
    counter = 1
    while folder.exists():
        counter += 1
        folder = root / f"{suite}-{stamp}-{counter}"
    return folder


def save_run(result: RunResult | dict[str, Any], folder: Path) -> list[Path]:
    """run.json, report.md and report.html in the folder."""
    data = result.model_dump() if isinstance(result, RunResult) else result
    files = {RUN_FILE: json.dumps(data, indent=2, default=str) + "\n", "report.md": render_markdown(data),
             "report.html": render_html(data)}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write the run to {folder}: {error.strerror}") from None
    return [folder / name for name in files]


def load_run(path: Path) -> RunResult:
    """A run from its folder or its run.json."""
    file = path / RUN_FILE if path.is_dir() else path
    try:
        return RunResult.model_validate_json(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"cannot read run {file}: {error.strerror}") from None
    except ValidationError as error:
        raise UserError(f"{file} is not an eval run: {str(error).splitlines()[0]}") from None


def comparison(a: RunResult, b: RunResult, a_name: str, b_name: str) -> dict[str, Any]:
    """A report-shaped comparison of run B against run A."""
    if a.suite != b.suite:
        raise UserError(f"the runs are of different suites ({a.suite} vs {b.suite}): nothing to pair")
    rows = compare_runs(a, b)
    if not rows:
        raise UserError("the runs share no case with a comparable metric")
    versions = {f"A {name}": version for name, version in a.prompt_versions.items()}
    versions |= {f"B {name}": version for name, version in b.prompt_versions.items()
                 if a.prompt_versions.get(name) != version}
    return {"suite": f"{a.suite}: B ({b_name}) against A ({a_name})", "started_at": b.started_at,
            "model": a.model if a.model == b.model else f"A {a.model}, B {b.model}", "prompt_versions": versions,
            "metrics": [], "cases": [], "comparison": rows}
