"""What a model sees of the conversation: a rolling summary of older turns and the recent turns verbatim,
bounded in tokens, with a prefix that stays put between turns so providers' prompt caching applies."""

from __future__ import annotations

from typing import Any

from interviewer.llm.base import Message
from interviewer.llm.tokens import count_tokens, encoding

RECENT_TURNS = 2
"""At least this many of the latest turns (the last question and answer) are sent verbatim."""
SUMMARY_BLOCK = 2
"""Older turns move into the summary two at a time (a question and its answer), so the prefix sent before the
recent turns only grows at its end and providers' prefix caching keeps applying."""
SUMMARY_WORDS = 14
LAST_TURN_TOKENS = 400
"""The candidate's latest answer is sent whole up to this many tokens (a pasted design can be long) ..."""
TURN_TOKENS = 120
"""... earlier recent turns are cut to this many."""


def split_point(count: int) -> int:
    """How many of `count` turns are summarised: a multiple of SUMMARY_BLOCK, leaving RECENT_TURNS or more."""
    return max(0, (count - RECENT_TURNS) // SUMMARY_BLOCK * SUMMARY_BLOCK)


def _clip_words(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _clip_tokens(text: str, limit: int) -> str:
    tokens = encoding().encode(text, disallowed_special=())
    return text if len(tokens) <= limit else encoding().decode(tokens[:limit]) + " …"


def summary(turns: list[dict[str, Any]]) -> str:
    """One line per older candidate turn, its opening words. The interviewer's questions are left out: the
    planner, not the model, decides what comes next, so the model needs only what the candidate covered."""
    return "\n".join(f"[{t['id']}] {_clip_words(t['text'], SUMMARY_WORDS)}" for t in turns if t["role"] == "candidate")


def candidate_block(text: str) -> str:
    return f"<candidate>\n{text}\n</candidate>"


def conversation(turns: list[dict[str, Any]]) -> list[Message]:
    """The conversation for a model: summary first (stable for SUMMARY_BLOCK turns), then recent turns."""
    cut = split_point(len(turns))
    messages: list[Message] = []
    if cut:
        messages.append({"role": "user", "content": f"What the candidate said so far, in brief:\n"
                                                    f"{summary(turns[:cut])}"})
    for position, item in enumerate(turns[cut:], start=cut):
        text = _clip_tokens(item["text"], LAST_TURN_TOKENS if position == len(turns) - 1 else TURN_TOKENS)
        if item["role"] == "candidate":
            messages.append({"role": "user", "content": candidate_block(text)})
        else:
            messages.append({"role": "assistant", "content": text})
    return messages


def message_tokens(messages: list[Message], system: str) -> int:
    return count_tokens(system) + sum(count_tokens(m["content"]) for m in messages)
