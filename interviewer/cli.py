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


@cli.command()
@click.option("--round", "round_", type=click.Choice(ROUNDS), help="The round to practise.")
@click.option("--level", type=click.Choice(LEVELS), help="Target level: L4/L5 execution bar, L6+ strategy bar.")
@click.option("--company", type=click.Choice(COMPANIES), help="Company type: shapes the interviewer's push.")
@click.option("--question", "question_id", help="A question id from the corpus (default: one you have not done).")
@click.option("--minutes", type=click.FloatRange(min=5, max=120), default=45, show_default=True)
@click.option("--answers", type=click.Path(path_type=Path),
              help="Answers separated by blank lines (commands like /end work): no terminal needed.")
def practice(round_: str | None, level: str | None, company: str | None, question_id: str | None,
             minutes: float, answers: Path | None) -> None:
    """Practise a timed round with an interviewer who probes what you have not shown yet."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.practice import Practice, choose_question
    from interviewer.rag.embeddings import default_embedder
    from interviewer.session import SessionStore

    settings = get_settings()
    conversation = _conversation(answers)
    interactive = answers is None and sys.stdin.isatty()
    if interactive:
        round_ = round_ or click.prompt("Round", type=click.Choice(ROUNDS), default="system-design")
        level = level or click.prompt("Target level", type=click.Choice(LEVELS), default="L5")
        company = company or click.prompt("Company type", type=click.Choice([*COMPANIES, "none"]), default="none")
    company = None if company == "none" else company
    catalog = load_catalog(settings.corpus)
    store = SessionStore(settings.sessions_dir)
    practised = {s.meta.question for s in store.all()}
    chosen_round, chosen_level = Round(round_ or "system-design"), Level(level or "L5")
    question = choose_question(catalog, chosen_round, chosen_level, CompanyType(company) if company else None,
                               question_id, practised)
    session = store.create(round=chosen_round.value, level=chosen_level.value, company=company,
                           question=question.id, minutes=minutes)
    run = Practice(settings, catalog, session, default_embedder())
    run.show_opening(conversation)
    _finish(run, conversation)


@cli.command()
@click.argument("session_id", required=False)
@click.option("--answers", type=click.Path(path_type=Path), help="Answers for the rest of the round.")
def resume(session_id: str | None, answers: Path | None) -> None:
    """Continue an unfinished session (the latest one by default) where it stopped."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.practice import Practice
    from interviewer.rag.embeddings import default_embedder
    from interviewer.session import SessionStore

    settings = get_settings()
    store = SessionStore(settings.sessions_dir)
    session = store.get(session_id) if session_id else store.latest_active()
    if session.meta.status == "finished":
        raise UserError(f"session {session.meta.id} is finished; its feedback is in {session.folder / 'feedback.md'}")
    conversation = _conversation(answers)
    run = Practice(settings, load_catalog(settings.corpus), session, default_embedder())
    conversation.info(f"Resuming session {session.meta.id}: {session.meta.round}, {session.meta.level}, "
                      f"question {session.meta.question}")
    run.load_in_background()
    run.resume_display(conversation)
    _finish(run, conversation)


@cli.command()
def sessions() -> None:
    """List practice sessions, newest last."""
    from interviewer.config import get_settings
    from interviewer.session import SessionStore

    found = SessionStore(get_settings().sessions_dir).all()
    if not found:
        click.echo("No sessions yet. Start one with: interviewer practice")
        return
    click.echo(f"{'id':<24}{'started':<21}{'round':<19}{'level':<7}{'question':<30}{'turns':>6}  status")
    for item in found:
        meta = item.meta
        click.echo(f"{meta.id:<24}{meta.started_at[:19]:<21}{meta.round:<19}{meta.level:<7}{meta.question:<30}"
                   f"{len(item.logged_turns()):>6}  {meta.status}")


def _conversation(answers: Path | None):  # type: ignore[no-untyped-def]
    """The terminal when there is one and no answers file; else answers from the file or stdin."""
    from interviewer.conversation import ScriptConversation, split_answers

    if answers is not None:
        try:
            text = answers.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"cannot read answers file {answers}: {error}") from None
        return ScriptConversation(split_answers(text))
    if not sys.stdin.isatty():
        return ScriptConversation(split_answers(sys.stdin.read()))
    from interviewer.config import get_settings
    from interviewer.terminal import TerminalConversation

    return TerminalConversation(get_settings().home / "history")


def _finish(run, conversation) -> None:  # type: ignore[no-untyped-def]
    from interviewer.feedback import render

    try:
        feedback = run.run(conversation)
    finally:
        run.close()
    if feedback is None:
        return
    click.echo(render.to_markdown(feedback))
    click.echo(f"Transcript and feedback saved in {run.session.folder}")


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
