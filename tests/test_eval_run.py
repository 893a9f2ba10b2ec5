"""`interviewer eval run` and `eval compare`: suites, the meta-eval claim set, scripted candidates, the model-call
cache, concurrency and thresholds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from interviewer.catalog import Catalog
from interviewer.config import REPO_ROOT, Settings
from interviewer.errors import UserError
from interviewer.evaluation import meta, scripted
from interviewer.evaluation.entailment import EntailmentVerdict, OfflineEntailment
from interviewer.evaluation.runner import Metric, Runner, RunResult, compare_runs
from interviewer.evaluation.suite import load_suite
from interviewer.llm.cache import CachedModel, CacheMiss
from interviewer.llm.scripted import ScriptedModel
from interviewer.rag.embeddings import Embedder
from interviewer.rag.static_embeddings import StaticEmbedder
from interviewer.types import Level, Round

from .conftest import cli_env, make_home
from .fake_llm import FakeLLMServer, structured_schema

EVALS = REPO_ROOT / "evals"


def fold(text: str) -> str:
    return " ".join(text.split()).lower()


@pytest.fixture(scope="module")
def samples(catalog: Catalog) -> dict[str, Any]:
    return {sample.id: sample for sample in catalog.samples}


# --- the labelled claim set ----------------------------------------------------------------------------------------


def test_every_seed_quotes_its_candidate_turn_verbatim(samples: dict[str, Any]) -> None:
    seeds = meta.load_seeds(EVALS / "data" / "checker_seeds.yaml")
    assert {seed.transcript for seed in seeds} == set(samples)
    for seed in seeds:
        turn = samples[seed.transcript].transcript.turn(seed.turn)
        assert turn.role == "candidate", seed
        assert fold(seed.quote) in fold(turn.text), seed
        assert seed.claim.startswith("The candidate ") and seed.paraphrase.startswith("The candidate ")


def test_the_meta_eval_set_has_every_edit_and_300_claims(samples: dict[str, Any]) -> None:
    claims = meta.build_claims(meta.load_seeds(EVALS / "data" / "checker_seeds.yaml"), samples,
                               meta.load_edits(EVALS / "data" / "edits.yaml"))
    assert len(claims) >= 300
    assert len({claim.id for claim in claims}) == len(claims)
    by_edit: dict[str, list[meta.MetaClaim]] = {}
    for claim in claims:
        by_edit.setdefault(claim.edit, []).append(claim)
    assert set(by_edit) == set(meta.EDIT_TYPES)
    assert all(claim.supported == (claim.edit in meta.SUPPORTED_EDITS) for claim in claims)
    for claim in by_edit["negation"]:
        assert claim.text.startswith("The candidate never ")
    for claim in by_edit["speaker-swap"]:  # the quoted words are the interviewer's, never the candidate's
        quote = re.search(r'"([^"]+)"', claim.text)
        assert quote is not None
        candidate_words = fold(" ".join(t.text for t in samples[claim.transcript].transcript.turns
                                        if t.role == "candidate"))
        assert fold(quote.group(1)) not in candidate_words


def test_a_number_edit_changes_the_number_and_a_technology_edit_the_technology() -> None:
    seed = meta.Seed(transcript="x", claim="The candidate estimated 300 writes per second in Redis.",
                     quote="300 writes", turn=3, paraphrase="The candidate put writes at 300 a second.")
    edits = meta.Edits(technology_swaps={"Redis": "Memcached"}, fallback_technologies=["Cassandra"],
                       invented_topics={}, seniority_inflations=[", as the director of everything"])
    made = dict(meta._seed_edits(seed, 0, "we said 300 writes per second in Redis", edits))
    assert "900 writes" in made["number"] and "300 writes per second" not in made["number"].split("(turn")[0]
    assert "Memcached" in made["technology"].split("(turn")[0]
    assert made["negation"].startswith("The candidate never estimated 300")
    assert made["seniority"].endswith('as the director of everything (turn 3: "300 writes").')


def test_the_checker_suite_scores_a_subset(tmp_path: Path, catalog: Catalog, embedder: Embedder,
                                           models: Path) -> None:
    seeds = meta.load_seeds(EVALS / "data" / "checker_seeds.yaml")
    chosen = {"sd-l5-rate-limiter", "beh-l6-cross-team-influence"}
    subset = [seed.model_dump() for seed in seeds if seed.transcript in chosen]
    (tmp_path / "seeds.yaml").write_text(yaml.safe_dump({"seeds": subset}))
    suite_file = tmp_path / "checker.yaml"
    suite_file.write_text(f"name: mini\nkind: checker\nseeds: seeds.yaml\nedits: {EVALS / 'data' / 'edits.yaml'}\n"
                          "concurrency: 2\nthresholds:\n  balanced_accuracy: {min: 0.7}\n  accuracy: {min: 1.01}\n")
    runner = Runner(Settings(), catalog, embedder, OfflineEntailment(StaticEmbedder(models)))
    result = runner.run(load_suite(suite_file), {"feedback": "abc"})
    metrics = {metric.name: metric for metric in result.metrics}
    assert metrics["balanced_accuracy"].passed is True and metrics["balanced_accuracy"].value >= 0.7
    assert metrics["balanced_accuracy"].low <= metrics["balanced_accuracy"].value <= metrics["balanced_accuracy"].high
    assert metrics["caught[negation]"].n == 14 and metrics["caught[negation]"].value >= 0.8
    assert metrics["accuracy"].passed is False and not result.passed  # a threshold that cannot be met fails
    ids = [case["id"] for case in result.cases]
    assert len(ids) == len(set(ids)) >= 60  # every claim once
    assert {case_id.split("/")[0] for case_id in ids} == chosen  # the subset, all of it and nothing else
    assert all({"id", "edit", "label", "predicted", "correct"} <= set(case) for case in result.cases)


# --- suites ----------------------------------------------------------------------------------------------------------


def test_suite_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nkind: vibes\n")
    with pytest.raises(UserError, match=r"suite .*bad.yaml: kind"):
        load_suite(bad)
    with pytest.raises(UserError, match="cannot read suite"):
        load_suite(tmp_path / "missing.yaml")
    bad.write_text("name: x\nkind: checker\n")
    with pytest.raises(UserError, match="needs seeds and edits"):
        load_suite(bad)
    bad.write_text("name: x\nkind: feedback\nthresholds:\n  faithfulness: {}\n")
    with pytest.raises(UserError, match="min or max"):
        load_suite(bad)


def test_the_shipped_suites_load() -> None:
    for path in sorted(EVALS.glob("*.yaml")):
        suite = load_suite(path)
        assert suite.thresholds, path
        if suite.kind == "feedback":
            assert suite.candidate_files()


# --- scripted candidates ----------------------------------------------------------------------------------------------


def test_every_round_has_an_l4_and_an_l6_scripted_candidate(catalog: Catalog) -> None:
    gaps = scripted.load_gaps(EVALS / "data" / "gaps.yaml", catalog)
    paths = sorted((EVALS / "candidates").glob("*.yaml"))
    candidates = [scripted.load_candidate(path, catalog, gaps) for path in paths]
    assert {(c.round, c.level) for c in candidates} == {(r, level) for r in Round for level in (Level.L4, Level.L6)}


def test_a_planted_gap_removes_its_answers(catalog: Catalog) -> None:
    gaps = scripted.load_gaps(EVALS / "data" / "gaps.yaml", catalog)
    candidate = scripted.load_candidate(EVALS / "candidates" / "sd-notifications-l6.yaml", catalog, gaps)
    variants = scripted.variants(candidate)
    assert variants[0].gap is None and len(variants[0].answers) == len(candidate.answers)
    planted = {variant.gap: variant for variant in variants[1:]}
    assert set(planted) == {"no-clarifying-questions", "no-capacity-estimate", "no-trade-offs", "no-metrics",
                            "no-monitoring"}
    tagged = [answer.text for answer in candidate.answers if "no-capacity-estimate" in answer.gaps]
    assert tagged and not set(tagged) & set(planted["no-capacity-estimate"].answers)


def test_the_responder_answers_the_question_asked(embedder: Embedder) -> None:
    answers = ["I would ask who the users are and what scale we expect before anything else.",
               "For storage I'd pick Cassandra because writes dominate and we need multi-region replication.",
               "I'd monitor delivery latency and error rates with alerts on the p99."]
    responder = scripted.Responder(answers, embedder)
    responder.say("Interviewer", iter(["How would you monitor this once it is live? What alerts?"]))
    first = responder.read(lambda: None)  # type: ignore[arg-type, return-value]
    assert first is not None and first.text == answers[2]
    responder.say("Interviewer", iter(["Which database would you store the data in, and why?"]))
    second = responder.read(lambda: None)  # type: ignore[arg-type, return-value]
    assert second is not None and second.text == answers[1]
    assert responder.read(lambda: None).text == answers[0]  # type: ignore[arg-type, return-value, union-attr]
    end = responder.read(lambda: None)  # type: ignore[arg-type, return-value]
    assert end is not None and end.command == "end"


def test_a_scripted_candidate_sits_a_real_round(tmp_path: Path, models: Path, prebuilt_index: Path,
                                                catalog: Catalog, embedder: Embedder,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    home = make_home(tmp_path / "home", models, prebuilt_index)
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    candidate = scripted.ScriptedCandidate(
        id="tiny", round="system-design", question="sd-url-shortener", level="L4",
        answers=[scripted.CandidateAnswer(text=text) for text in [
            "We could just store the links in a database and return a short code.",
            "Maybe a cache in front of it, I'm not sure which one.",
            "If the server goes down we restart it."]])
    transcript = scripted.run_variant(scripted.variants(candidate)[0], Settings(), catalog, embedder)
    spoken = [turn.text for turn in transcript.turns if turn.role == "candidate"]
    assert sorted(spoken) == sorted(answer.text for answer in candidate.answers)
    assert transcript.turns[0].role == "interviewer" and transcript.question == "sd-url-shortener"
    assert not (home / "sessions").exists()  # the round sat in a throw-away folder, not among the user's sessions


# --- the model-call cache ------------------------------------------------------------------------------------------


def test_the_cache_answers_repeats_and_keys_on_prompt_versions(tmp_path: Path) -> None:
    inner = ScriptedModel(default="first answer")
    cache = CachedModel(inner, tmp_path / "calls.sqlite", prompt_versions={"feedback": "v1"})
    messages = [{"role": "user", "content": "hello"}]
    assert cache.complete(messages, system="s") == "first answer"
    inner.default = "second answer"
    assert cache.complete(messages, system="s") == "first answer"
    assert "".join(cache.stream(messages, system="s")) == "first answer"
    assert (cache.hits, cache.misses, len(inner.calls)) == (2, 1, 1)
    assert cache.complete(messages, system="other system") == "second answer"
    other = CachedModel(inner, tmp_path / "calls.sqlite", prompt_versions={"feedback": "v2"})
    assert other.complete(messages, system="s") == "second answer"
    verdict = EntailmentVerdict(supported=True, reason="said so")
    inner.replies.append(verdict)
    assert cache.parse(messages, EntailmentVerdict, system="s") == verdict
    replay = CachedModel(None, tmp_path / "calls.sqlite", name=inner.name, prompt_versions={"feedback": "v1"})
    assert replay.parse(messages, EntailmentVerdict, system="s") == verdict
    assert replay.complete(messages, system="s") == "first answer"
    with pytest.raises(CacheMiss):
        replay.complete([{"role": "user", "content": "never asked"}], system="s")


def test_runner_map_runs_concurrently_and_keeps_order(catalog: Catalog, embedder: Embedder, models: Path) -> None:
    running = peak = 0
    lock = threading.Lock()

    def work(item: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05 * (8 - item))
        with lock:
            running -= 1
        return item * 10

    seen: list[tuple[int, int]] = []
    runner = Runner(Settings(), catalog, embedder, OfflineEntailment(StaticEmbedder(models)),
                    progress=lambda done, total: seen.append((done, total)))
    assert runner.map(work, list(range(8)), 4) == [i * 10 for i in range(8)]
    assert peak == 4
    assert seen[0] == (0, 8) and seen[-1] == (8, 8)


# --- compare --------------------------------------------------------------------------------------------------------


def make_run(values: list[float], name: str = "suite") -> RunResult:
    return RunResult(suite=name, kind="feedback", started_at="2026-01-01T00:00:00", seconds=1.0, model="offline",
                     backend="offline", prompt_versions={"feedback": "a"},
                     metrics=[Metric(name="faithfulness", value=sum(values) / len(values), case_field="faithfulness"),
                              Metric(name="level_error", value=0.0, case_field="level_error", higher_is_better=False)],
                     cases=[{"id": f"c{i}", "faithfulness": v, "level_error": 0} for i, v in enumerate(values)])


def test_compare_gives_a_verdict_per_metric() -> None:
    base = make_run([0.5, 0.6, 0.55, 0.4, 0.5, 0.45, 0.6, 0.5, 0.52, 0.48, 0.5, 0.58, 0.61, 0.47, 0.5, 0.53])
    better = make_run([v + 0.2 for v in [0.5, 0.6, 0.55, 0.4, 0.5, 0.45, 0.6, 0.5, 0.52, 0.48, 0.5, 0.58, 0.61, 0.47,
                                         0.5, 0.53]])
    rows = {row["metric"]: row for row in compare_runs(base, better)}
    assert rows["faithfulness"]["verdict"] == "better" and rows["faithfulness"]["difference"] == pytest.approx(0.2)
    assert rows["faithfulness"]["p_value"] < 0.05 and rows["faithfulness"]["low"] > 0
    assert rows["level_error"]["verdict"] == "no detectable difference"
    assert {row["metric"]: row["verdict"] for row in compare_runs(better, base)}["faithfulness"] == "worse"


# --- the command line ------------------------------------------------------------------------------------------------


def run_cli(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "interviewer", "eval", *args], capture_output=True, text=True,
                          env=env or cli_env(home), timeout=600)


def test_run_and_compare_from_the_command_line(shared_home: Path, tmp_path: Path) -> None:
    seeds = meta.load_seeds(EVALS / "data" / "checker_seeds.yaml")
    (tmp_path / "seeds.yaml").write_text(yaml.safe_dump(
        {"seeds": [s.model_dump() for s in seeds if s.transcript == "sd-l5-rate-limiter"]}))
    suite = tmp_path / "mini.yaml"
    suite.write_text(f"name: mini\nkind: checker\nseeds: seeds.yaml\nedits: {EVALS / 'data' / 'edits.yaml'}\n"
                     "thresholds:\n  balanced_accuracy: {min: 0.5}\n")
    first = run_cli(shared_home, "run", str(suite), "--out", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    assert "| balanced_accuracy |" in first.stdout
    assert {p.name for p in (tmp_path / "a").iterdir()} == {"run.json", "report.md", "report.html"}
    assert "<svg" in (tmp_path / "a" / "report.html").read_text()
    variant = tmp_path / "entailment.md"
    variant.write_text("Judge strictly.\n")
    second = run_cli(shared_home, "run", str(suite), "--out", str(tmp_path / "b"), "--prompt", f"entailment={variant}")
    assert second.returncode == 0, second.stderr
    run_b = json.loads((tmp_path / "b" / "run.json").read_text())
    assert run_b["prompt_versions"]["entailment"] != json.loads((tmp_path / "a" / "run.json").read_text())[
        "prompt_versions"]["entailment"]
    compared = run_cli(shared_home, "compare", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "json")
    assert compared.returncode == 0, compared.stderr
    rows = {row["metric"]: row for row in json.loads(compared.stdout)}
    assert rows["accuracy"]["verdict"] == "no detectable difference" and rows["accuracy"]["difference"] == 0
    suite.write_text(suite.read_text().replace("min: 0.5", "min: 1.01"))
    failing = run_cli(shared_home, "run", str(suite), "--out", str(tmp_path / "c"))
    assert failing.returncode == 1
    assert failing.stderr.strip().splitlines()[-1].startswith("interviewer: thresholds not met: balanced_accuracy")


@pytest.mark.parametrize("args, message", [
    (["--prompt", "nonsense=x.md"], "unknown prompt 'nonsense'"),
    (["--prompt", "feedback"], "--prompt takes NAME=PATH"),
    (["--replay"], "--replay needs --model"),
])
def test_bad_run_options_are_one_line(shared_home: Path, args: list[str], message: str) -> None:
    result = run_cli(shared_home, "run", str(EVALS / "checker.yaml"), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"interviewer: {message}"), result.stderr


def verdicts_and_grades(request: Any) -> str:
    """A loopback model that supports every claim and grades with one claim quoting the candidate verbatim."""
    schema = structured_schema(request) or {}
    if "supported" in json.dumps(schema):
        return json.dumps({"supported": True, "reason": "stated in the evidence"})
    body = json.dumps(request.get("messages", []))
    match = re.search(r"\[(\d+)\] Candidate:\\n<candidate>\\n(.+?)\.", body)
    assert match is not None
    claim = {"text": "The candidate sized the load", "dimension": "communication", "polarity": "strength",
             "kind": "observation", "evidence": [{"turn_id": int(match.group(1)), "quote": match.group(2)}]}
    return json.dumps({"summary": "ok", "dimensions": [{"dimension": "communication", "score": 3,
                                                        "rationale": "fine", "claims": [claim]}]})


@pytest.fixture()
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(verdicts_and_grades) as fake:
        yield fake


def test_model_calls_are_cached_and_replayable_offline(shared_home: Path, tmp_path: Path,
                                                       server: FakeLLMServer) -> None:
    home = make_home(tmp_path / "home", shared_home / "cache" / "models")
    suite = tmp_path / "one.yaml"
    suite.write_text("name: one\nkind: feedback\nsamples: [beh-l5-disagreement]\nthresholds:\n"
                     "  faithfulness: {min: 0.5}\n")
    env = cli_env(home) | {"OPENAI_API_KEY": "sk-test-key-123456"}
    model = ["--model", "openai/fake-model", "--base-url", server.openai_base_url]
    first = run_cli(home, "run", str(suite), *model, "--out", str(tmp_path / "a"), env=env)
    assert first.returncode == 0, first.stderr
    calls = len(server.requests)
    assert calls >= 2 and "0 hits" in first.stderr
    second = run_cli(home, "run", str(suite), *model, "--out", str(tmp_path / "b"), env=env)
    assert second.returncode == 0, second.stderr
    assert len(server.requests) == calls and "0 misses" in second.stderr
    no_key = {k: v for k, v in cli_env(home).items() if k not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")}
    replayed = run_cli(home, "run", str(suite), "--model", "openai/fake-model", "--replay", "--out",
                       str(tmp_path / "c"), env=no_key)
    assert replayed.returncode == 0, replayed.stderr
    runs = [json.loads((tmp_path / name / "run.json").read_text()) for name in "abc"]
    assert runs[0]["cases"] == runs[1]["cases"] == runs[2]["cases"]
    assert runs[0]["cases"][0]["faithfulness"] == 1.0 and runs[0]["model"] == "openai/fake-model"
    assert not any("sk-test-key" in path.read_text() for path in (tmp_path / "a").iterdir())
    assert os.path.exists(home / "cache" / "model_calls.sqlite")
