"""The feedback on the page: the very Markdown the terminal prints and saves, rendered to HTML (raw HTML in it,
such as a candidate's words in a quote, is escaped, never interpreted)."""

from __future__ import annotations

from functools import cache
from typing import Any

from interviewer.feedback import render
from interviewer.types import Feedback


@cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str) -> str:
    return str(_markdown().render(text))


def feedback_html(feedback: Feedback) -> str:
    return markdown_html(render.to_markdown(feedback))
