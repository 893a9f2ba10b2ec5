"""The interactive terminal, through a real pty: typing, a pasted multi-line answer, a clarifying question
answered from the question's facts, /time falling in real time, /end; answers sent while the interviewer is
still being prepared are on disk at once and survive kill -9."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect

from interviewer.terminal import wrap_stream

from .conftest import cli_env, make_home

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
COMMAND = ["-m", "interviewer", "practice", "--round", "system-design", "--level", "L5", "--company", "product",
           "--question", "sd-url-shortener"]


def spawn(home: Path, args: list[str]) -> pexpect.spawn:
    env = {**cli_env(home), "PROMPT_TOOLKIT_NO_CPR": "1"}  # pexpect does not answer cursor-position requests
    return pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=120, dimensions=(40, 160))


def total_left(child: pexpect.spawn) -> int:
    child.expect(r"total left\s+(\d+):(\d\d)")
    return int(child.match.group(1)) * 60 + int(child.match.group(2))


def _url_shortener_round(home: Path, company: str, folder: Path) -> pexpect.spawn:
    env = {**cli_env(home), "PROMPT_TOOLKIT_NO_CPR": "1"}  # pexpect does not answer cursor-position requests
    return pexpect.spawn(sys.executable, ["-m", "interviewer", "practice", "--round", "system-design", "--level", "L5",
                                          "--company", company, "--question", "sd-url-shortener"],
                         env=env, encoding="utf-8", timeout=60, dimensions=(40, 200), cwd=str(folder))


def _saved_round(child: pexpect.spawn, home: Path) -> tuple[Path, list[str]]:
    """Wait for the round to save and end; its session folder and the candidate's answers."""
    child.expect("Transcript and feedback saved in")
    child.expect(pexpect.EOF)
    folder = next(p for p in (home / "sessions").iterdir() if p.is_dir())
    turns = json.loads((folder / "transcript.json").read_text())["turns"]
    return folder, [t["text"] for t in turns if t["role"] == "candidate"]


def test_a_round_in_a_real_terminal(tmp_path: Path, models: Path, prebuilt_index: Path) -> None:
    home = make_home(tmp_path / "home", models, prebuilt_index)
    child = _url_shortener_round(home, "product", tmp_path)
    try:
        child.expect("Hi, I'm Maya")
        child.expect("link-shortening service")
        child.expect("›")
        child.sendline("Let me start with scale. How many new links per month do we expect? I'd guess a lot.")
        child.expect("Maya:")
        child.expect("120 million")
        child.expect("›")
        child.send("/time\r")
        first = total_left(child)
        time.sleep(3)
        child.send("/time\r")
        second = total_left(child)
        assert second <= first - 2  # the clock runs while the candidate thinks
        diagram = "client -> API -> cache\n        API -> key-value store\nand a key generation service"
        child.send(PASTE_START + diagram + PASTE_END)
        child.send("\r")
        child.expect("Maya:")
        child.expect("›")
        child.send("/end\r")
        child.expect("Let's stop there, a little ahead of time.")
        child.expect("Feedback: System design, target L5, product")
        assert not child.before.rstrip(" \x1b[0123456789;m").endswith("#")  # rendered: a heading, not "# ..."
        child.expect("Verdict at L5")
        assert "**" not in child.before
        folder, answers = _saved_round(child, home)
    finally:
        child.close()
    assert answers == ["Let me start with scale. How many new links per month do we expect? I'd guess a lot.",
                       diagram]
    assert (folder / "feedback.md").read_text().startswith("# Feedback: System design, target L5, product")
    assert (home / "history").exists()


def test_a_diagram_in_a_real_terminal(tmp_path: Path, models: Path, prebuilt_index: Path) -> None:
    """A mistyped /diagram path is one line and the typed command comes back in the box to fix; the fixed one
    attaches the diagram, and the component nobody explained gets a question."""
    home = make_home(tmp_path / "home", models, prebuilt_index)
    (tmp_path / "design.mmd").write_text("flowchart LR\n  client([Browser]) --> api[URL service]\n"
                                         "  api --> store[(Key-value store)]\n  api --> limiter[Rate limiter]\n")
    child = _url_shortener_round(home, "startup", tmp_path)
    try:
        child.expect("link-shortening service")
        child.expect("›")
        child.sendline("The URL service writes each code to a key-value store and reads it back on redirect.")
        child.expect("Maya:")
        child.expect("›")
        child.send("/diagram desing.mmd\r")
        child.expect("desing.mmd: no such file. Your answer is back in the box")
        child.expect("/diagram desing.mmd")  # the typed command is back in the box
        child.send("\x15/diagram design.mmd\r")  # Ctrl-U clears the line
        child.expect("Attached design.mmd, Mermaid flowchart, 4 components, 3 connections.")
        child.expect("Your diagram has a box for Rate limiter that we haven.t talked about yet.")
        child.expect("›")
        child.send("/end\r")
        _, answers = _saved_round(child, home)
    finally:
        child.close()
    assert len(answers) == 2 and answers[1].startswith("[Diagram: design.mmd, Mermaid flowchart, 4 components")


def _logged_answers(home: Path) -> list[dict]:  # type: ignore[type-arg]
    logs = list((home / "sessions").glob("*/transcript.jsonl"))
    if not logs:
        return []
    turns = []
    for line in logs[0].read_text().splitlines():
        try:
            turns.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return [t for t in turns if t["role"] == "candidate"]


def test_answers_sent_while_the_interviewer_prepares_are_on_disk_and_survive_kill_9(tmp_path: Path,
                                                                                    models: Path) -> None:
    """A home with no index and no embedding cache: the input line opens with the first question, while the
    interviewer is still being prepared. Two answers sent back to back (the second while the interviewer works
    on its reply to the first) are in the session log at once; kill -9 loses neither, and resume shows them and
    carries on from them, in order."""
    home = make_home(tmp_path / "home", models)
    child = spawn(home, COMMAND)
    first = "How many new links per month, and how long do links live?"
    second = "So about 46 writes per second, and 4,600 redirects per second at a hundred reads per write."
    try:
        child.expect("›")
        child.send(first + "\r" + second + "\r")
        deadline = time.monotonic() + 60
        while len(_logged_answers(home)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.close(force=True)
    assert [t["text"] for t in _logged_answers(home)] == [first, second]
    (tmp_path / "end.txt").write_text("/end\n")
    resumed = subprocess.run([sys.executable, "-m", "interviewer", "resume", "--answers", str(tmp_path / "end.txt")],
                             capture_output=True, text=True, env=cli_env(home), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    shown = resumed.stdout
    assert shown.index(f"Candidate: {first}") < shown.index(f"Candidate: {second}") < shown.index("Let's stop there")
    folder = next(p for p in (home / "sessions").iterdir() if p.is_dir())
    transcript = json.loads((folder / "transcript.json").read_text())
    assert [t["text"] for t in transcript["turns"] if t["role"] == "candidate"] == [first, second]
    assert [t["id"] for t in transcript["turns"]] == list(range(1, len(transcript["turns"]) + 1))
    replies = [t["text"] for t in transcript["turns"] if t["role"] == "interviewer"]
    assert re.search("120 million", replies[1])  # the first answer's questions were answered from the facts


def test_interviewer_words_arrive_as_whole_lines() -> None:
    chunks = iter(["So at peak, how many ", "messages per second do you need to ", "handle?"])
    lines = list(wrap_stream(chunks, width=30, indent=6))
    assert all(line.endswith("\n") for line in lines)
    said = "So at peak, how many messages per second do you need to handle?"
    assert "".join(lines).replace("\n", " ").split() == said.split()
    assert len(lines[0]) <= 30 - 6 + 1 and all(len(line) <= 31 for line in lines[1:])
