"""Our Markdown reports (feedback, checker and eval reports) laid out for a terminal: headings in bold, tables
aligned, quotes under a bar, text wrapped at word boundaries, and the `#`, `**` and `|---|` marks gone.

Line by line, never through a Markdown parser: quotes are the candidate's own words and are shown exactly as they
were said (a parser reads "O(n*m)" or "__init__" as emphasis, and joins the lines of a plain list)."""

from __future__ import annotations

import re
import textwrap

import click

from interviewer.markdown_lines import BLOCKQUOTE, BULLET, HEADING, TABLE_ROW, TABLE_SEPARATOR

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC_LINE = re.compile(r"^\*([^*].*[^*]|[^*])\*([.:]?)$")
_CELL_BREAK = re.compile(r"(?<!\\)\|")


def for_terminal(markdown: str, width: int) -> str:
    """The report as a terminal shows it, `width` columns wide."""
    lines = markdown.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if TABLE_ROW.match(line):
            end = index
            while end < len(lines) and TABLE_ROW.match(lines[end]):
                end += 1
            out += _table(lines[index:end], width)
            index = end
            continue
        out += _line(line, width)
        index += 1
    return "\n".join(out) + "\n"


def _line(line: str, width: int) -> list[str]:
    if not line.strip():
        return [""]
    heading = HEADING.match(line)
    if heading:
        return [click.style(part, bold=True) for part in _wrap(_plain(heading.group("text")), width, "", "")]
    quote = BLOCKQUOTE.match(line)
    if quote:  # the candidate's words: no mark is taken out of them
        lead = quote.group("indent") + "  │ "
        return _wrap(quote.group("text"), width, lead, lead)
    item = BULLET.match(line)
    if item:
        mark = item.group("mark")
        first = f"{item.group('indent')}{'•' if mark in '-*+' else mark} "
        return _wrap(_plain(item.group("text")), width, first, " " * len(first))
    italic = _ITALIC_LINE.match(line.strip())
    text = italic.group(1) + italic.group(2) if italic else _plain(line)
    return _wrap(text, width, "", "")


def _plain(text: str) -> str:
    """Our own text without its bold marks."""
    return _BOLD.sub(r"\1", text)


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width=max(width, 40), initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def _table(rows: list[str], width: int) -> list[str]:
    """A Markdown table with its columns aligned, the header in bold; as wrapped lines when it is too wide."""
    cells = [[_plain(cell.strip().replace("\\|", "|")) for cell in _CELL_BREAK.split(row.strip().strip("|"))]
             for row in rows if not TABLE_SEPARATOR.match(row)]
    columns = max(len(row) for row in cells)
    cells = [row + [""] * (columns - len(row)) for row in cells]
    sizes = [max(len(row[column]) for row in cells) for column in range(columns)]
    if sum(sizes) + 2 * (columns - 1) > width:
        return [part for row in cells for part in _wrap("  ·  ".join(c for c in row if c), width, "", "    ")]
    laid = ["  ".join(cell.ljust(size) for cell, size in zip(row, sizes, strict=True)).rstrip() for row in cells]
    return [click.style(laid[0], bold=True), *laid[1:]]
