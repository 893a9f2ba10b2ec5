"""How a line of Markdown is read, by the claim splitter (`evaluation/claim_split.py`) and by the terminal layout
(`markdown_terminal.py`): one set of patterns."""

from __future__ import annotations

import re

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.*)$")
RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
BLOCKQUOTE = re.compile(r"^(?P<indent>\s*)>\s?(?P<text>.*)$")
BULLET = re.compile(r"^(?P<indent>\s*)(?P<mark>[-*+•]|\d{1,2}[.)])\s+(?P<text>.*)$")
