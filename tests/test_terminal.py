"""The interactive terminal, through a real pty: typing, a pasted multi-line answer, /time, /end."""

import json
import sys
from pathlib import Path

import pexpect

from .conftest import cli_env, make_home

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


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
        child.sendline("How many new links per month do we expect?")
        child.expect("Maya:")
        child.expect("›")
        child.send("/time\r")
        child.expect("Clarify requirements")
        child.expect("total left")
        diagram = "client -> API -> cache\n        API -> key-value store\nand a key generation service"
        child.send(PASTE_START + diagram + PASTE_END)
        child.send("\r")
        child.expect("Maya:")
        child.expect("›")
        child.send("/end\r")
        child.expect("That's time.")
        child.expect("# Feedback: System design, target L5, product")
        folder, answers = _saved_round(child, home)
    finally:
        child.close()
    assert answers == ["How many new links per month do we expect?", diagram]
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
