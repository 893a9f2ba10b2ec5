"""A conversation as exchanges: one interviewer question and the candidate's whole answer to it.

In a recorded interview an answer is often split across several turns by the interviewer's "mm-hmm" or
"okay": those back-channel turns keep the candidate going and do not start a new exchange.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from interviewer.catalog import validate_data
from interviewer.rag.corpus import read_yaml_file
from interviewer.types import Strict, Transcript, Turn

SPEECH_FILE = Path(__file__).resolve().parent.parent / "data" / "speech.yaml"


class SpeechLexicon(Strict):
    """What counts as a filler, a hedge, a back-channel or a sign of being stuck (data/speech.yaml)."""

    fillers: list[str]
    hedges: list[str]
    like_as_verb_after: list[str]
    backchannels: list[str]
    backchannel_words: int
    struggle_patterns: list[str]
    unsure_prototypes: list[str]
    small_talk_prototypes: list[str]
    small_talk_similarity: float
    short_answer_words: int
    unsure_quote_similarity: float


@cache
def load_lexicon(path: Path = SPEECH_FILE) -> SpeechLexicon:
    return validate_data(SpeechLexicon, read_yaml_file(path, "speech lexicon"), str(path))


@dataclass
class Exchange:
    """An interviewer question (None for what the candidate says before any question) and the answer."""

    question: Turn | None
    answer: list[Turn] = field(default_factory=list)

    @property
    def answer_text(self) -> str:
        return " ".join(turn.text for turn in self.answer)

    @property
    def turn_ids(self) -> set[int]:
        return {turn.id for turn in self.answer}


_WORD = re.compile(r"[a-z']+")


def is_backchannel(text: str, lexicon: SpeechLexicon) -> bool:
    """A turn that only acknowledges ("mm-hmm", "oh wow", "Okay."): short, and no question in it."""
    if "?" in text:
        return False
    words = _WORD.findall(text.lower())
    if len(words) <= lexicon.backchannel_words:
        return True
    phrase = " ".join(words)
    known = sorted(lexicon.backchannels, key=len, reverse=True)
    for item in known:
        phrase = re.sub(rf"\b{re.escape(item)}\b", " ", phrase)
    return not phrase.strip()


def exchanges(transcript: Transcript, lexicon: SpeechLexicon | None = None) -> list[Exchange]:
    """Each real interviewer question opens an exchange; the candidate turns until the next one are its answer.
    Exchanges the candidate never answered are left out."""
    lexicon = lexicon or load_lexicon()
    out: list[Exchange] = []
    for turn in transcript.turns:
        if turn.role == "interviewer":
            if not is_backchannel(turn.text, lexicon):
                out.append(Exchange(question=turn))
            continue
        if not out:
            out.append(Exchange(question=None))
        out[-1].answer.append(turn)
    return [exchange for exchange in out if exchange.answer]
