"""The `interviewer` command. Thin: parse options, call one function, print its result."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from interviewer.errors import UserError
from interviewer.threads import BACKGROUND_THREADS
from interviewer.types import CompanyType, JobRole, Level, Round

ROUNDS = [r.value for r in Round]
MODEL_HELP = "provider/model (openai/gpt-4o-mini, anthropic/claude-3-5-haiku-latest, openai/llama3.1) or offline."
BASE_URL_HELP = "Base URL for the provider: an OpenAI-compatible server (Ollama, vLLM), a gateway or proxy."
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
    from interviewer.feedback.injection import embed_prototypes
    from interviewer.practice import embed_round_texts
    from interviewer.rag.index import default_index
    from interviewer.rag.static_embeddings import ensure_static

    corpus_index = default_index()
    with Progress(transient=True, console=_stderr_console(), disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("Embedding corpus", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = corpus_index.build(progress=update)
        catalog = load_catalog(get_settings().corpus)
        embed_all_anchors(list(catalog.rubrics.values()), corpus_index.embedder)
        embed_prototypes(corpus_index.embedder)
        embed_round_texts(catalog, corpus_index.embedder)
        ensure_static(get_settings().cache_dir / "models")  # the checker's word-piece table, built once
    if report.repaired:
        click.echo(f"The index was damaged ({report.repaired}) and has been rebuilt.")
    if report.changed:
        click.echo(f"Index updated: {report.added} added, {report.updated} updated, {report.removed} removed, "
                   f"{report.unchanged} unchanged ({report.seconds:.1f} s) in {corpus_index.place.location}")
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
@click.option("--model", help=MODEL_HELP)
@click.option("--base-url", help=BASE_URL_HELP)
def replay(
    file: Path,
    round_: str | None,
    level: str | None,
    company: str | None,
    fmt: str,
    out: Path | None,
    interviewer_name: str | None,
    candidate_name: str | None,
    model: str | None,
    base_url: str | None,
) -> None:
    """Grade a saved transcript (ours, or any 'Speaker: text' file) against the level bar."""
    from interviewer.config import get_settings
    from interviewer.feedback import render
    from interviewer.feedback.replay import replay_feedback, resolve_round
    from interviewer.rag.embeddings import default_embedder
    from interviewer.transcripts import read_transcript

    settings = get_settings()
    transcript = read_transcript(file, interviewer=interviewer_name, candidate=candidate_name)
    chosen_round = resolve_round(transcript, Round(round_) if round_ else None)
    language_model = _model(model, base_url)
    feedback = replay_feedback(
        transcript, settings, round_=chosen_round,
        level=Level(level) if level else None,
        company=CompanyType(company) if company else None,
        embedder=default_embedder(), model=language_model,
    )
    text = render.to_json(feedback) if fmt == "json" else render.to_markdown(feedback)
    _show_report(text, fmt)
    _report_usage(language_model)
    if out is not None:
        _write(out, text)


@cli.command()
@click.option("--round", "round_", type=click.Choice(ROUNDS), help="The round to practise.")
@click.option("--level", type=click.Choice(LEVELS), help="Target level: L4/L5 execution bar, L6+ strategy bar.")
@click.option("--company", type=click.Choice(COMPANIES), help="Company type: shapes the interviewer's push.")
@click.option("--question", "question_id", help="A question id from the corpus (default: one you have not done).")
@click.option("--minutes", type=click.FloatRange(min=5, max=120), default=45, show_default=True)
@click.option("--answers", type=click.Path(path_type=Path),
              help="Answers separated by blank lines (commands like /end work): no terminal needed.")
@click.option("--model", help=MODEL_HELP)
@click.option("--base-url", help=BASE_URL_HELP)
def practice(round_: str | None, level: str | None, company: str | None, question_id: str | None,
             minutes: float, answers: Path | None, model: str | None, base_url: str | None) -> None:
    """Practise a timed round with an interviewer who probes what you have not shown yet."""
    with _quiet_until_prompt(answers):
        _practice(round_, level, company, question_id, minutes, answers, model, base_url)


def _practice(round_: str | None, level: str | None, company: str | None, question_id: str | None,
              minutes: float, answers: Path | None, model: str | None, base_url: str | None) -> None:
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.practice import Practice, choose_question
    from interviewer.rag.embeddings import default_embedder
    from interviewer.session_store import open_store

    settings = get_settings()
    interactive = answers is None and sys.stdin.isatty()
    catalog = load_catalog(settings.corpus)
    if question_id is not None and round_ is None and question_id in catalog.questions:
        round_ = catalog.questions[question_id].round.value  # the question decides its round
    if interactive and not (round_ and level):  # a candidate who named round and level wants no questions
        from interviewer.tty import echo

        with echo(on=True):
            round_ = round_ or click.prompt("Round", type=click.Choice(ROUNDS), default="system-design")
            level = level or click.prompt("Target level", type=click.Choice(LEVELS), default="L5")
            company = company or click.prompt("Company type", type=click.Choice([*COMPANIES, "none"]),
                                              default="none")
    company = None if company == "none" else company
    store = open_store(settings)
    practised = {s.meta.question for s in store.all()}
    chosen_round, chosen_level = Round(round_ or "system-design"), Level(level or "L5")
    question = choose_question(catalog, chosen_round, chosen_level, CompanyType(company) if company else None,
                               question_id, practised)
    conversation = _conversation(answers)  # before the session exists: no answers, no round
    language_model = _model(model, base_url)
    session = store.create(round=chosen_round.value, level=chosen_level.value, company=company,
                           question=question.id, minutes=minutes,
                           model=language_model.name if language_model else "offline")
    run = Practice(settings, catalog, session, default_embedder(), language_model, store)
    run.show_opening(conversation)
    _finish(run, conversation)


@cli.command()
@click.argument("session_id", required=False)
@click.option("--answers", type=click.Path(path_type=Path), help="Answers for the rest of the round.")
@click.option("--model", help=MODEL_HELP + " Default: the session's own.")
@click.option("--base-url", help=BASE_URL_HELP)
def resume(session_id: str | None, answers: Path | None, model: str | None, base_url: str | None) -> None:
    """Continue an unfinished session (the latest one by default) where it stopped: the conversation so far is
    shown, then the round goes on."""
    with _quiet_until_prompt(answers):
        _resume(session_id, answers, model, base_url)


def _resume(session_id: str | None, answers: Path | None, model: str | None, base_url: str | None) -> None:
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.practice import Practice
    from interviewer.rag.embeddings import default_embedder
    from interviewer.session_store import open_store

    settings = get_settings()
    store = open_store(settings)
    session = store.get(session_id) if session_id else store.latest_active()
    if session.meta.status == "finished":
        raise UserError(f"session {session.meta.id} is finished; its feedback is in {session.location}")
    conversation = _conversation(answers)
    language_model = _model(model or session.meta.model, base_url,
                            "as requested" if model else "the model the round began with")
    run = Practice(settings, load_catalog(settings.corpus), session, default_embedder(), language_model, store)
    conversation.info(f"Resuming session {session.meta.id}: {session.meta.round}, {session.meta.level}, "
                      f"question {session.meta.question}")
    run.load_in_background()
    run.resume_display(conversation)
    _finish(run, conversation)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but the loopback needs authentication in front (README).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--model", help=MODEL_HELP)
@click.option("--base-url", help=BASE_URL_HELP)
def serve(host: str, port: int, model: str | None, base_url: str | None) -> None:
    """Serve the round in a browser: pick a round, answer in a text box, get the same feedback."""
    from interviewer.config import get_settings
    from interviewer.sandbox import isolation
    from interviewer.web.serve import run_server

    settings = get_settings()
    if settings.sandbox != "process":
        problem = isolation.unavailable()
        if problem is not None:
            raise UserError(f"serving runs candidates' code in an OS sandbox, and {problem}; "
                            "INTERVIEWER_SANDBOX=process serves without it (for your own use only)")
        isolation.use("bwrap")
    run_server(settings, host, port, _model(model, base_url))


@cli.command()
@click.option("--role", required=True, type=click.Choice([r.value for r in JobRole]),
              help="The role you interview for.")
@click.option("--company", required=True, type=click.Choice(COMPANIES), help="Company type: reweighs the rounds.")
@click.option("--level", type=click.Choice(LEVELS), default="L5", show_default=True,
              help="Target level: L4/L5 execution bar, L6+ strategy bar.")
@click.option("--date", "interview_date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Interview day (YYYY-MM-DD): adds a day-by-day practice plan.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Plan from this day (default: today).")
def loop(role: str, company: str, level: str, interview_date: datetime | None, today: datetime | None) -> None:
    """The rounds to practise for a role and company, with their level bar, and a plan up to the interview."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.loop import render_loop

    practicable = frozenset(q.round for q in load_catalog(get_settings().corpus).questions.values())
    click.echo(render_loop(role, company, level, interview_date.date() if interview_date else None,
                           today.date() if today else None, practicable=practicable), nl=False)


@cli.command()
def sessions() -> None:
    """List practice sessions, newest last."""
    from interviewer.config import get_settings
    from interviewer.session_store import open_store

    store = open_store(get_settings())
    found = store.all()
    if not found:
        click.echo("No sessions yet. Start one with: interviewer practice")
        return
    turns = store.turn_counts()
    click.echo(f"{'id':<24}{'started':<21}{'round':<19}{'level':<7}{'question':<30}{'turns':>6}  status")
    for item in found:
        meta = item.meta
        click.echo(f"{meta.id:<24}{meta.started_at[:19]:<21}{meta.round:<19}{meta.level:<7}{meta.question:<30}"
                   f"{turns.get(meta.id, 0):>6}  {meta.status}")
    store.close()


def _quiet_until_prompt(answers: Path | None):  # type: ignore[no-untyped-def]
    """In a terminal, keys typed while the round starts are not echoed: the input line shows them once."""
    from contextlib import nullcontext

    from interviewer.tty import echo

    return echo(on=False) if answers is None and sys.stdin.isatty() else nullcontext()


def _conversation(answers: Path | None):  # type: ignore[no-untyped-def]
    """The terminal when there is one and no answers file; else answers from the file or stdin."""
    from interviewer.conversation import ScriptConversation

    if answers is not None:
        try:
            text = answers.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError(f"{answers}: no such file") from None
        except IsADirectoryError:
            raise UserError(f"{answers}: is a folder, not an answers file") from None
        except OSError as error:
            raise UserError(f"cannot read answers file {answers}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise UserError(f"cannot read answers file {answers}: not UTF-8 text") from None
        return ScriptConversation(_some_answers(text, f"the answers file {answers}"))
    if not sys.stdin.isatty():
        return ScriptConversation(_some_answers(sys.stdin.read(), "standard input"))
    from interviewer.config import get_settings
    from interviewer.terminal import TerminalConversation

    return TerminalConversation(get_settings().home / "history")


def _some_answers(text: str, where: str) -> list[str]:
    """The answers in `text`; none at all is a UserError (a round with no answer would be graded as sat)."""
    from interviewer.conversation import split_answers

    answers = split_answers(text)
    if not answers:
        raise UserError(f"{where} holds no answers (write answers separated by blank lines, or /end)")
    return answers


def _finish(run, conversation) -> None:  # type: ignore[no-untyped-def]
    from interviewer.feedback import render

    try:
        feedback = run.run(conversation)
    finally:
        run.close()
        run.store.close()
        _report_usage(run.model)
    if feedback is None:
        return
    _show_markdown(render.to_markdown(feedback) + "\n")
    click.echo(f"Transcript and feedback saved in {run.session.location}")


def _model(requested: str | None, base_url: str | None,  # type: ignore[no-untyped-def]
           why: str = "as requested"):
    """The model to use (None for offline), chosen from the option, the settings or the keys set; the choice
    is shown on stderr, with `why` when it was asked for (by the option, or by the session resumed)."""
    from interviewer.config import get_settings
    from interviewer.llm.base import redact
    from interviewer.llm.factory import choose_model, get_model

    settings = get_settings()
    wanted = requested or (settings.model if settings.model != "offline" else None)
    choice = choose_model(wanted, base_url or settings.base_url, why=why)
    chosen = get_model(choice, timeout=settings.timeout, max_retries=settings.max_retries)
    where = f" at {redact(choice.base_url)}" if choice.base_url and chosen is not None else ""
    click.echo(f"interviewer: model {choice.name}{where} ({choice.reason})", err=True)
    return chosen


def _report_usage(model) -> None:  # type: ignore[no-untyped-def]
    if model is None:
        return
    from interviewer.config import get_settings
    from interviewer.llm.base import usage_line

    click.echo(f"interviewer: {usage_line(model.name, model.usage, get_settings().prices)}", err=True)


@cli.group(name="eval")
def eval_group() -> None:
    """Evaluate feedback: claim-level faithfulness, and the checker on consistency benchmarks."""


def _backend(model: str | None, base_url: str | None):  # type: ignore[no-untyped-def]
    """The entailment judge: a model when one is configured, else the offline head trained on DocNLI."""
    from interviewer.evaluation.entailment import ModelEntailment, OfflineEntailment

    language_model = _model(model, base_url)
    return ModelEntailment(language_model) if language_model else OfflineEntailment()


@eval_group.command()
@click.option("--transcript", "transcript_path", required=True, type=click.Path(path_type=Path))
@click.option("--feedback", "feedback_path", required=True, type=click.Path(path_type=Path),
              help="Our feedback JSON, or free Markdown / text feedback from anywhere.")
@click.option("--interviewer", "interviewer_name", help="Speaker name of the interviewer (plain text files).")
@click.option("--candidate", "candidate_name", help="Speaker name of the candidate (plain text files).")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write the report to this file too.")
@click.option("--model", help=MODEL_HELP)
@click.option("--base-url", help=BASE_URL_HELP)
def faithfulness(transcript_path: Path, feedback_path: Path, interviewer_name: str | None,
                 candidate_name: str | None, fmt: str, out: Path | None, model: str | None,
                 base_url: str | None) -> None:
    """Check each claim of a feedback against the transcript; score = supported claims / all claims."""
    from interviewer.evaluation.faithfulness import check_feedback, render_report
    from interviewer.transcripts import read_transcript

    transcript = read_transcript(transcript_path, interviewer=interviewer_name, candidate=candidate_name)
    try:
        feedback_text = feedback_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read feedback {feedback_path}: {error}") from None
    report = check_feedback(transcript, feedback_text, _backend(model, base_url))
    text = render_report(report, "json" if fmt == "json" else "md")
    _show_report(text, fmt)
    if out is not None:
        _write(out, text)


@eval_group.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N records.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write the report to this file too.")
@click.option("--model", help=MODEL_HELP)
@click.option("--base-url", help=BASE_URL_HELP)
def consistency(file: Path, limit: int | None, fmt: str, out: Path | None, model: str | None,
                base_url: str | None) -> None:
    """Score the checker on a JSON list of {doc, summary, label} records: balanced accuracy with a 95% CI."""
    from interviewer.evaluation.consistency import load_records, render, score_records

    records = load_records(file, limit)
    text = render(score_records(records, _backend(model, base_url)), fmt)
    _show_report(text, fmt)
    if out is not None:
        _write(out, text)


@eval_group.command(name="run")
@click.argument("suite_path", metavar="SUITE", type=click.Path(path_type=Path))
@click.option("--prompt", "prompts", multiple=True, metavar="NAME=PATH",
              help="Use a prompt variant, e.g. feedback=variants/feedback.md (repeatable).")
@click.option("--model", help=MODEL_HELP)
@click.option("--base-url", help=BASE_URL_HELP)
@click.option("--replay", is_flag=True, help="Answer model calls from the cache only: no key, no network.")
@click.option("--concurrency", type=click.IntRange(min=1, max=64), help="Cases at once (default: the suite's).")
@click.option("--out", type=click.Path(path_type=Path), help="Run folder (default: under the tool's home).")
def eval_run(suite_path: Path, prompts: tuple[str, ...], model: str | None, base_url: str | None, replay: bool,
             concurrency: int | None, out: Path | None) -> None:
    """Run a suite (evals/*.yaml): metrics with 95% CIs, JSON + Markdown + HTML; exit 1 if a threshold fails."""
    from interviewer.catalog import load_catalog
    from interviewer.config import get_settings
    from interviewer.evaluation import runs
    from interviewer.evaluation.entailment import ModelEntailment, OfflineEntailment
    from interviewer.evaluation.report import render_markdown
    from interviewer.evaluation.runner import Runner
    from interviewer.evaluation.suite import load_suite
    from interviewer.rag.embeddings import default_embedder

    suite = load_suite(suite_path)
    settings = get_settings()
    overrides = runs.prompt_overrides(prompts)
    versions = runs.prompt_versions(overrides)
    language_model = runs.cached_model(None if replay else _model(model, base_url), model, replay,
                                       settings.home / "cache" / "model_calls.sqlite", versions)
    embedder = default_embedder()
    backend = ModelEntailment(language_model, overrides) if language_model else OfflineEntailment()
    with _progress_bar(f"{suite.name}") as progress:
        runner = Runner(settings, load_catalog(settings.corpus), embedder, backend, language_model, overrides,
                        concurrency, progress)
        result = runner.run(suite, versions)
    folder = out or runs.run_folder(settings.home / "evals", suite.name)
    _show_markdown(render_markdown(result.model_dump() | {"cases": []}))
    runs.save_run(result, folder)
    click.echo(f"Run saved in {folder} (run.json, report.md, report.html)", err=True)
    if result.cache is not None:
        click.echo(f"model-call cache: {result.cache['hits']} hits, {result.cache['misses']} misses", err=True)
        if replay and result.cache["misses"]:
            click.echo(f"interviewer: {result.cache['misses']} model calls were not in the cache: those cases were "
                       "graded offline or left undecided", err=True)
    if language_model is not None:
        _report_usage(language_model)
    if not result.passed:
        failed = ", ".join(f"{m.name} {m.value if m.value is None else round(m.value, 3)} (needs {m.threshold})"
                           for m in result.failures())
        click.echo(f"interviewer: thresholds not met: {failed}", err=True)
        sys.exit(1)


@eval_group.command(name="compare")
@click.argument("run_a", type=click.Path(path_type=Path))
@click.argument("run_b", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Also write compare.json/.md/.html in this folder.")
def eval_compare(run_a: Path, run_b: Path, fmt: str, out: Path | None) -> None:
    """Run B against run A, case by case: paired difference, bootstrap 95% CI, permutation p, verdict."""
    import json

    from interviewer.evaluation import runs
    from interviewer.evaluation.report import render_markdown

    report = runs.comparison(runs.load_run(run_a), runs.load_run(run_b), str(run_a), str(run_b))
    if out is not None:
        runs.save_run(report, out)
    if fmt == "json":
        click.echo(json.dumps(report["comparison"], indent=2))
    else:
        _show_markdown(render_markdown(report))


@contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (hidden when stderr is not a terminal); yields update(done, total)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_stderr_console(), transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except FileExistsError:
        raise UserError(f"cannot write {path}: {path.parent} is not a folder") from None
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None


def _show_report(text: str, fmt: str) -> None:
    """A report in the format asked for: JSON as it is, Markdown through `_show_markdown`."""
    if fmt == "json":
        click.echo(text, nl=False)
    else:
        _show_markdown(text)


def _show_markdown(text: str) -> None:
    """A Markdown report on standard output: laid out for reading in a terminal, and as Markdown when piped or
    redirected, so a script or a file gets the Markdown itself."""
    if not sys.stdout.isatty():
        click.echo(text, nl=False)
        return
    import shutil

    from interviewer.markdown_terminal import for_terminal

    click.echo(for_terminal(text, min(shutil.get_terminal_size().columns, 120) - 1), nl=False)


def _stderr_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True)


def run() -> None:
    """The command's entry point: `main`, then an exit that does not wait for the interviewer still being
    prepared. Left during the first minute of a new home, the model export runs in native code on a daemon
    thread, and the interpreter's shutdown under it aborted the process ("terminate called without an active
    exception", exit 134) after "Saved. Continue with ..." had been printed; everything is saved by then."""
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    status = code if isinstance(code, int) else 0
    if any(thread.is_alive() for thread in threading.enumerate() if thread.name in BACKGROUND_THREADS):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


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
