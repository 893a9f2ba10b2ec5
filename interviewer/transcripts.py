"""Read and write transcripts: our JSON format, plain `Speaker: text` files, and Markdown."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import yaml
from pydantic import ValidationError

from interviewer.errors import UserError, first_problem
from interviewer.rag.corpus import load_yaml, split_front_matter
from interviewer.types import TRANSCRIPT_SCHEMA_VERSION, CompanyType, Level, Role, Round, Transcript, Turn

MAX_BYTES = 5 * 1024 * 1024

_TIMESTAMP = r"(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?\)?\]?\s*)?"


def _speaker_pattern(separator: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{_TIMESTAMP}(?:\*\*)?(?P<name>[A-Za-z][\w .'()\-]{{0,40}}?)(?:\*\*)?\s*{_TIMESTAMP}"
                      rf"(?:\*\*)?(?P<separator>{separator})(?:\*\*)?\s?(?P<text>.*)$")


_SPEAKER_LINE = _speaker_pattern(":")
_ESCAPED_SPEAKER_LINE = _speaker_pattern(r"\\+:")
"""A line inside a turn that would read as a speaker's line is written with its colon escaped (`Maya\\: ...`, which
Markdown shows as `Maya: ...`), so reading our own transcript back never starts a turn there."""
_FACT_LINE = re.compile(r"^\s*[-*]\s*(?P<key>Round|Level|Company|Question):\s*(?P<value>\S+)\s*$", re.IGNORECASE)
_HINT_MARK = "*(hint)*"
"""How `to_markdown` marks an interviewer turn given after the candidate asked for a hint."""
_INTERVIEWER_NAMES = ("interviewer", "interviewer(s)", "host", "recruiter", "panel")
_CANDIDATE_NAMES = ("candidate", "interviewee", "applicant", "me", "you")


def read_transcript(
    path: Path, *, interviewer: str | None = None, candidate: str | None = None
) -> Transcript:
    """Read a transcript in any supported format, or raise UserError with one clear line."""
    text = _read_text(path)
    if text.lstrip().startswith("{"):
        return _parse_json(text, path)
    facts, body = _header(text)
    transcript = parse_plain(body, interviewer=interviewer, candidate=candidate, source=str(path))
    return transcript.model_copy(update=facts)


def _header(text: str) -> tuple[dict[str, object], str]:
    """Round, level, company and question stated before the first turn, as YAML front matter (the corpus'
    samples) or as the fact lines `to_markdown` writes; and the text without the front matter. A value that is
    not one of ours (a site's own "Level: senior") is left out, so the command's options decide."""
    raw: dict[str, object] = {}
    parts = split_front_matter(text)
    if parts is not None:
        try:
            loaded = load_yaml(parts[0])
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):  # else the dashes were a rule, and what they enclose may be turns
            raw = loaded
            text = parts[1]
    else:
        for line in text.splitlines():
            if _SPEAKER_LINE.match(line):
                break
            fact = _FACT_LINE.match(line)
            if fact:
                raw[fact.group("key").lower()] = fact.group("value")
    kinds: dict[str, type[Round] | type[Level] | type[CompanyType] | type[str]] = {
        "round": Round, "level": Level, "company": CompanyType, "question": str}
    facts: dict[str, object] = {}
    for key, kind in kinds.items():
        value = raw.get(key)
        if isinstance(value, str):
            try:
                facts[key] = kind(value)
            except ValueError:
                continue
    return facts, text


def _read_text(path: Path) -> str:
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a transcript file")
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path}: the file is empty")
    if size > MAX_BYTES:
        raise UserError(f"{path}: the file is {size / 1_048_576:.1f} MB; transcripts over 5 MB are not read")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise UserError(f"{path}: looks like a binary file, not a text transcript")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: is not valid UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise UserError(f"{path}: the file holds only white space")
    return text


def _parse_json(text: str, path: Path) -> Transcript:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: invalid JSON at line {error.lineno}: {error.msg}") from None
    if not isinstance(data, dict) or "turns" not in data:
        raise UserError(f"{path}: JSON without a 'turns' list is not a transcript")
    version = data.get("schema_version", TRANSCRIPT_SCHEMA_VERSION)
    if version != TRANSCRIPT_SCHEMA_VERSION:
        raise UserError(f"{path}: transcript schema version {version} is not supported")
    try:
        transcript = Transcript.model_validate(data)
    except ValidationError as error:
        raise UserError(f"{path}: invalid transcript at {first_problem(error)}") from None
    _require_both_roles(transcript, str(path))
    return transcript


def parse_plain(
    text: str,
    *,
    interviewer: str | None = None,
    candidate: str | None = None,
    source: str = "transcript",
) -> Transcript:
    """Parse `Speaker: text` turns; a turn continues over the following lines until the next speaker."""
    lines = text.splitlines()
    speakers = _speaker_names(lines)
    if not speakers:
        raise UserError(f"{source}: {_no_speakers(lines)}")
    raw_turns: list[tuple[str, list[str]]] = []
    for line in lines:
        match = _SPEAKER_LINE.match(line)
        name = _clean_name(match.group("name")) if match else None
        if match and name in speakers:
            raw_turns.append((name, [match.group("text")]))
        elif raw_turns:
            raw_turns[-1][1].append(_unescape(line))
    merged: list[tuple[str, str]] = []
    for name, body in raw_turns:
        content = "\n".join(body).strip()
        if not content:
            continue
        if merged and merged[-1][0] == name:
            merged[-1] = (name, merged[-1][1] + "\n\n" + content)
        else:
            merged.append((name, content))
    roles = assign_roles([name for name, _ in merged], [body for _, body in merged],
                         interviewer=interviewer, candidate=candidate, source=source)
    turns = [
        Turn(id=index + 1, speaker=name, role=roles[name], text=body.removeprefix(_HINT_MARK).lstrip(),
             hint=roles[name] == "interviewer" and body.startswith(_HINT_MARK))
        for index, (name, body) in enumerate(merged)
    ]
    transcript = Transcript(turns=turns)
    _require_both_roles(transcript, source)
    return transcript


def _clean_name(name: str) -> str:
    return name.strip().strip("*").strip()


_NAME = re.compile(r"[A-Za-z][\w.'\-]*(?: [A-Za-z][\w.'\-]*){0,3}(?: \([^()]{1,30}\))?")
_LABELS = {"note", "notes", "test", "tests", "cost", "example", "answer", "step", "update", "edit", "input",
           "output", "result", "results", "return", "returns", "summary", "todo", "warning", "error", "tip", "fix",
           "bug", "assumption", "assumptions", "goal", "goals", "pros", "cons", "trade-off", "tradeoff", "api",
           "request", "response", "get", "post", "put", "delete", "key", "value", "total", "why", "how", "what"}


def _looks_like_name(name: str) -> bool:
    """Speaker names look like names: capitalised words (or a role word), no code, no common labels."""
    if not _NAME.fullmatch(name) or name.lower() in _LABELS:
        return False
    known = set(_INTERVIEWER_NAMES) | set(_CANDIDATE_NAMES)
    return name.split(" (")[0].lower() in known or name[0].isupper()


def _named_lines(lines: list[str]) -> Counter[str]:
    """How many lines each name opens as `Name: text` (in order of first appearance)."""
    counts: Counter[str] = Counter()
    for line in lines:
        match = _SPEAKER_LINE.match(line)
        if match:
            name = _clean_name(match.group("name"))
            if name and _looks_like_name(name):
                counts[name] += 1
    return counts


def _speaker_names(lines: list[str]) -> set[str]:
    """Names that open a turn: seen at least twice, or a known role name. 'Note:' in prose is not one, nor a
    line of pasted code such as 'def f(x: int)'."""
    known = set(_INTERVIEWER_NAMES) | set(_CANDIDATE_NAMES)
    return {name for name, count in _named_lines(lines).items()
            if count >= 2 or name.split(" (")[0].lower() in known}


def _no_speakers(lines: list[str]) -> str:
    """Why no line opened a turn: none looks like `Speaker: text`, or each name speaks once (a one-turn file)."""
    names = list(_named_lines(lines))
    if not names:
        return "no 'Speaker: text' turns found"
    listed = ", ".join(names)
    return (f"each speaker ({listed}) says one line only; a transcript needs an interviewer and a candidate "
            "taking turns (or speakers named Interviewer: and Candidate:)")


def assign_roles(
    names: list[str],
    bodies: list[str],
    *,
    interviewer: str | None = None,
    candidate: str | None = None,
    source: str = "transcript",
) -> dict[str, Role]:
    """Decide who is the interviewer. Explicit names win, then role-like names, then behaviour."""
    speakers = list(dict.fromkeys(names))
    for given, flag in ((interviewer, "--interviewer"), (candidate, "--candidate")):
        if given is not None and given not in speakers:
            listed = ", ".join(speakers)
            raise UserError(f"{source}: {flag} {given!r} is not a speaker here (speakers: {listed})")
    if len(speakers) < 2:
        raise UserError(f"{source}: only one speaker ({speakers[0] if speakers else 'none'}) found; "
                        "a transcript needs an interviewer and a candidate")
    if candidate is not None:
        return {name: ("candidate" if name == candidate else "interviewer") for name in speakers}
    if interviewer is not None:
        return {name: ("interviewer" if name == interviewer else "candidate") for name in speakers}
    by_name = {name: _role_from_name(name) for name in speakers}
    if "candidate" in by_name.values() or "interviewer" in by_name.values():
        default: Role = "interviewer" if "candidate" in by_name.values() else "candidate"
        return {name: by_name[name] or default for name in speakers}
    chosen = max(speakers, key=lambda name: _interviewer_score(name, names, bodies))
    return {name: ("interviewer" if name == chosen else "candidate") for name in speakers}


def _role_from_name(name: str) -> Role | None:
    lowered = name.lower()
    if any(word in lowered for word in _INTERVIEWER_NAMES):
        return "interviewer"
    if lowered in _CANDIDATE_NAMES or "candidate" in lowered or "interviewee" in lowered:
        return "candidate"
    return None


def _interviewer_score(name: str, names: list[str], bodies: list[str]) -> float:
    """Interviewers open the conversation, ask more questions, and say less per turn."""
    own = [body for speaker, body in zip(names, bodies, strict=True) if speaker == name]
    questions = sum(body.rstrip().endswith("?") for body in own) / len(own)
    words = sum(len(body.split()) for body in own) / len(own)
    all_words = sum(len(body.split()) for body in bodies) / len(bodies)
    opened = 1.0 if names[0] == name else 0.0
    return 2.0 * questions + 0.5 * opened + (0.8 if words < all_words else 0.0)


def _require_both_roles(transcript: Transcript, source: str) -> None:
    roles = {turn.role for turn in transcript.turns}
    if roles != {"interviewer", "candidate"}:
        missing = "candidate" if "candidate" not in roles else "interviewer"
        raise UserError(f"{source}: no {missing} turns; a transcript needs an interviewer and a candidate")


def to_json(transcript: Transcript) -> str:
    return transcript.model_dump_json(indent=2, exclude_none=True) + "\n"


def to_markdown(transcript: Transcript) -> str:
    """Markdown that reads well and that `parse_plain` reads back (`**Speaker:** text`)."""
    header = ["# Interview transcript", ""]
    facts = [
        f"- {label}: {value}"
        for label, value in (
            ("Round", transcript.round),
            ("Level", transcript.level),
            ("Company", transcript.company),
            ("Question", transcript.question),
        )
        if value
    ]
    body = []
    for turn in transcript.turns:
        mark = f" {_HINT_MARK}" if turn.hint else ""
        first, *rest = turn.text.split("\n")
        text = "\n".join([first, *map(_escape, rest)])
        body.append(f"**{turn.speaker}:**{mark} {text}\n")
    return "\n".join(header + facts + ([""] if facts else []) + body)


def _escape(line: str) -> str:
    """A line that reads as a speaker's (or as an escaped one) gets one more backslash before its colon."""
    match = _SPEAKER_LINE.match(line) or _ESCAPED_SPEAKER_LINE.match(line)
    if match is None:
        return line
    return line[: match.start("separator")] + "\\" + line[match.start("separator") :]


def _unescape(line: str) -> str:
    match = _ESCAPED_SPEAKER_LINE.match(line)
    if match is None:
        return line
    return line[: match.start("separator")] + line[match.start("separator") + 1 :]
