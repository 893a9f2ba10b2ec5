"""Pulling the candidate's code out of a pasted answer: fenced blocks, or bare lines of code among prose.

The code that matters is the one that defines the question's entry: a function (`def solve(`), a class
(`class LRUCache`) or an assignment (`app = ...`, a service's WSGI application).
"""

from __future__ import annotations

import ast
import re
import textwrap

_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+.-]*)[^\n]*\n(?P<body>.*?)"
                    r"(?:^[ \t]*(?P=fence)[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_PYTHON_LANGS = {"", "python", "py", "python3", "py3", "ipython", "python-repl"}
_START = re.compile(
    r"(?:async[ \t]+)?def[ \t]+\w+[ \t]*\("
    r"|class[ \t]+\w+[ \t]*[(:]"
    r"|import[ \t]+[\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*[ \t]*(?:#.*)?$"
    r"|from[ \t]+[\w.]+[ \t]+import[ \t]+\S"
    r"|@[\w.]+"
)
_CODE_AT_BASE = re.compile(
    r"#|(?:if|elif|for|while|with|return|raise|assert|del|global|try|except|finally|else|pass)\b"
    r"|[A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]*(?:=(?!=)|[-+*/%@|&^]=|:[ \t]*[\w\[\"'])"
    r"|[A-Za-z_][\w.]*\("
    r"|[)\]}]"
)


def definition_pattern(entry: str) -> re.Pattern[str]:
    """A line that defines `entry`: `def entry(`, `class entry` or `entry = ...`."""
    name = re.escape(entry)
    return re.compile(rf"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+{name}[ \t]*\(|class[ \t]+{name}\b"
                      rf"|{name}[ \t]*(?::[^=\n]*)?=(?!=))", re.MULTILINE)


def defines(entry: str, text: str) -> bool:
    return definition_pattern(entry).search(text) is not None


def definition_line(entry: str, text: str) -> str | None:
    """The last line of `text` that defines `entry`, stripped (the quote a test result cites)."""
    found = [m for m in definition_pattern(entry).finditer(text)]
    if not found:
        return None
    start = found[-1].start()
    return text[start:].split("\n", 1)[0].strip()


def without_code(text: str) -> str:
    """The answer with its fenced code blocks left out: what the candidate said around the code."""
    return _FENCE.sub("", text)


def extract_code(answer_text: str, entry: str) -> str | None:
    """The code in a pasted answer: the fenced Python block that defines `entry` (with any fenced blocks of
    helper definitions), or else the bare lines from `def`/`import`/`class` on. None if nothing defines it."""
    defines_entry = definition_pattern(entry)
    if not defines_entry.search(answer_text):
        return None
    blocks = [textwrap.dedent(m.group("body")).strip("\n") for m in _FENCE.finditer(answer_text)
              if m.group("lang").lower() in _PYTHON_LANGS]
    with_entry = [i for i, block in enumerate(blocks) if defines_entry.search(block)]
    if with_entry:
        return _assemble(blocks, with_entry[-1])
    regions = _bare_regions(answer_text, defines_entry)
    with_entry = [i for i, region in enumerate(regions) if defines_entry.search(region)]
    if not with_entry:
        return None
    return _assemble(regions, with_entry[-1])


def _assemble(pieces: list[str], main: int) -> str:
    """The main piece plus the other pieces that parse and only define things the main piece does not."""
    own = _defined_names(pieces[main]) or set()
    kept = []
    for i, piece in enumerate(pieces):
        if i == main:
            kept.append(piece)
            continue
        names = _defined_names(piece, definitions_only=True)
        if names is not None and not names & own:
            kept.append(piece)
    return "\n\n\n".join(kept) + "\n"


def _defined_names(code: str, definitions_only: bool = False) -> set[str] | None:
    """Top-level names `code` defines; None if it does not parse (or, with definitions_only, if it runs
    anything besides imports, definitions and assignments)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif definitions_only:
            return None
    return names if names or not definitions_only else None


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _bare_regions(text: str, defines_entry: re.Pattern[str]) -> list[str]:
    """Runs of code-looking lines: each starts at a def/class/import/decorator line and goes on through
    blank lines, deeper-indented lines and code-looking lines at the same indentation; dedented and trimmed
    to the longest prefix that parses and still defines the entry if the run does (a run that never parses
    is kept whole, so the sandbox reports its syntax error)."""
    lines = text.splitlines()
    regions: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not _START.match(line.strip()) or not line.strip():
            i += 1
            continue
        base = _indent(line)
        end = i + 1
        while end < len(lines):
            current = lines[end]
            stripped = current.strip()
            if stripped and (_indent(current) < base or (_indent(current) == base
                                                          and not _START.match(stripped)
                                                          and not _CODE_AT_BASE.match(stripped))):
                break
            end += 1
        chunk = [current.expandtabs(4)[base:] if current.strip() else "" for current in lines[i:end]]
        while chunk and not chunk[-1].strip():
            chunk.pop()
        regions.extend(_parsing_pieces(chunk, defines_entry))
        i = end
    return regions


def _parsing_pieces(chunk: list[str], defines_entry: re.Pattern[str]) -> list[str]:
    """Split a run at a syntax error in an unindented line (usually a line of prose that looked like code)
    and keep the parts that parse; a syntax error elsewhere falls back to the longest parsing prefix."""
    whole = "\n".join(chunk)
    try:
        ast.parse(whole)
    except SyntaxError as error:
        line = error.lineno or 0
        if not 1 <= line <= len(chunk) or chunk[line - 1][:1] in ("", " ") or defines_entry.search(chunk[line - 1]):
            return [_longest_parsing_prefix(chunk, defines_entry)]
        before, after = chunk[: line - 1], chunk[line:]
        while after and not (after[0][:1] not in ("", " ") and _START.match(after[0])):
            after = after[1:]
        while before and not before[-1].strip():
            before = before[:-1]
        return (_parsing_pieces(before, defines_entry) if before else []) + (
            _parsing_pieces(after, defines_entry) if after else [])
    return [whole]


def _longest_parsing_prefix(chunk: list[str], defines_entry: re.Pattern[str]) -> str:
    whole = "\n".join(chunk)
    needs_entry = defines_entry.search(whole) is not None
    for stop in range(len(chunk), 0, -1):
        if not chunk[stop - 1].strip():
            continue
        candidate = "\n".join(chunk[:stop])
        if needs_entry and not defines_entry.search(candidate):
            break
        try:
            ast.parse(candidate)
        except SyntaxError:
            continue
        return candidate
    return whole
