"""The `interviewer` command. Thin: parse options, call one function, print its result."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from interviewer.errors import UserError
from interviewer.types import CompanyType, Level, Round

ROUNDS = [r.value for r in Round]
LEVELS = [level.value for level in Level]
COMPANIES = [c.value for c in CompanyType]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """A mock interviewer for ML, AI and software engineering interviews, in your terminal."""


@cli.command()
def index() -> None:
    """Build or refresh the retrieval index of the corpus (only changed files are re-embedded)."""
    from rich.progress import Progress

    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.feedback.detector import embed_all_anchors
    from interviewer.rag.index import default_index

    corpus_index = default_index()
    with Progress(transient=True, console=_stderr_console(), disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("Embedding corpus", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = corpus_index.build(progress=update)
        catalog = load_catalog(get_settings().corpus)
        embed_all_anchors(list(catalog.rubrics.values()), corpus_index.embedder)
    if report.changed:
        click.echo(f"Index updated: {report.added} added, {report.updated} updated, {report.removed} removed, "
                   f"{report.unchanged} unchanged ({report.seconds:.1f} s) in {corpus_index.folder}")
    else:
        click.echo(f"Index up to date: {report.unchanged} chunks, nothing changed ({report.seconds:.1f} s)")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--round", "round_", type=click.Choice(ROUNDS), help="The round the transcript is from.")
@click.option("--level", type=click.Choice(LEVELS), help="Target level to grade against (default L5).")
@click.option("--company", type=click.Choice(COMPANIES), help="Company type whose emphasis weighs the grade.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write the feedback to this file too.")
@click.option("--interviewer", "interviewer_name", help="Speaker name of the interviewer (plain text files).")
@click.option("--candidate", "candidate_name", help="Speaker name of the candidate (plain text files).")
def replay(
    file: Path,
    round_: str | None,
    level: str | None,
    company: str | None,
    fmt: str,
    out: Path | None,
    interviewer_name: str | None,
    candidate_name: str | None,
) -> None:
    """Grade a saved transcript (ours, or any 'Speaker: text' file) against the level bar."""
    from interviewer.config import get_settings
    from interviewer.feedback import render
    from interviewer.feedback.replay import replay_feedback
    from interviewer.rag.embeddings import default_embedder
    from interviewer.transcripts import read_transcript

    transcript = read_transcript(file, interviewer=interviewer_name, candidate=candidate_name)
    feedback = replay_feedback(
        transcript, get_settings(),
        round_=Round(round_) if round_ else None,
        level=Level(level) if level else None,
        company=CompanyType(company) if company else None,
        embedder=default_embedder(),
    )
    text = render.to_json(feedback) if fmt == "json" else render.to_markdown(feedback)
    if out is not None:
        _write(out, text)
    click.echo(text, nl=False)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None


def _stderr_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors end in one line on stderr and exit code 2, never a traceback."""
    try:
        cli.main(args=argv, prog_name="interviewer", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interviewer: aborted", err=True)
        sys.exit(130)
    except click.UsageError as error:
        click.echo(f"interviewer: {error.format_message()}", err=True)
        sys.exit(2)
    except click.ClickException as error:
        click.echo(f"interviewer: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except UserError as error:
        click.echo(f"interviewer: {error}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interviewer: interrupted", err=True)
        sys.exit(130)
