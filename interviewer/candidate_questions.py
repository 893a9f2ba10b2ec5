"""The questions a candidate puts to the interviewer, wherever they sit in an answer, and how many there are.

"Two questions before I design: how many users and notifications per day, and how fast must a login code go
out?" is two questions, however it is punctuated. A question the candidate answers themselves in the same
breath ("What breaks first? The fan-out tier.") is thinking aloud: it may get a fact, never "your call". Pure text
functions; matching questions to what answers them is `match_answers`, over margins the caller computes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from interviewer.evaluation.claim_text import content_words
from interviewer.words import sentences

_QUESTION_WORDS = frozenset("""how what which who when where why is are do does did can could should would will may
must shall am have has""".split())
_QUESTION_WORD = "(?:" + "|".join(sorted(_QUESTION_WORDS)) + ")"
_WH = r"(?:how|what|which|who|when|where|why)"
_SUB_QUESTION = re.compile(rf"(?:,|;)\s*(?:and|also|plus)\s+(?={_QUESTION_WORD}\b)|(?:,|;)\s*(?={_WH}\b)|"
                           rf"\s+(?:and|or)\s+(?={_WH}\b)", re.IGNORECASE)
"""Where one question sentence holds two: ", and how fast ...", "; what about ...", " and which ..." (a bare
", do we ..." continues the same question, and ", or is ..." offers the other side of one question)."""
_CONDITION = re.compile(r"^\W*(and\s+|so\s+)?(when|if|since|because|given|assuming|once|after|before)\b[^,]*$",
                        re.IGNORECASE)
_LEAD_IN = re.compile(r"^[^:?]{0,80}\b(questions?|ask|clarify|check|confirm|wondering|curious)\b[^:?]*:\s*|"
                      r"^(?:[^\s:?,]+\s+){2,8}[^\s:?,]+:\s*", re.IGNORECASE)
"""What comes before the question itself: "A few questions first:", "Before I design anything:"."""
_SELF_ANSWER = re.compile(
    r"^\W*(it'?s|it is|that'?s|that is|they'?re|about|around|roughly|probably|maybe|likely|i'?d say|the\b|a\b|an\b|"
    r"answer:|yes\b|no\b|not\b|because|first,|easy|simple|\d|i'?ll|i'?d|i will|i would|i'?m going|we'?ll|we'?d|"
    r"we\b|my\b|let me|let'?s|assum|for now|in that case|then\b|so\b)", re.IGNORECASE)
"""A statement that opens like this, right after a question, answers it or assumes an answer: the candidate
is thinking aloud ("What breaks first? Probably the fan-out tier.") or moving on ("How many users? I'll assume
100 million."). Such a question still gets a fact that answers it, never "your call"."""
_CONFIRM = re.compile(
    r"^\W*(and\s+|so\s+)?((does|do|would|will) (that|this|it|these|those) (match|sound|make sense|work|fit|seem)|"
    r"(is|are) (that|this|those|these|it) (ok|okay|fine|right|reasonable|correct|fair|what you)|"
    r"(sound|sounds|seem|seems) (good|ok|okay|right|reasonable|fair)|makes? sense|"
    r"(right|ok|okay|correct|fair|agreed|yes)$|any (objections?|concerns?)|am i (right|on track|missing)|"
    r"(is|are) (we|you) (ok|okay|fine|aligned|good) (with|on)|shall (i|we)|"
    r"(can|could|may|should) (i|we) (now )?(move|go|proceed|continue|start|jump|sketch|dive|get|turn)|"
    r"(do you want|would you like) me to|(is it )?(ok|okay) (if|to) (i|we))",
    re.IGNORECASE)
"""A question that asks the interviewer to confirm the candidate's own framing ("Does that match what you had
in mind?"): it wants a yes or a correction, not a fact."""
_REPORTED = re.compile(r"\b(said|asked|ask(ing)? (him|her|them)|told|wondered|replied|was like|went like|"
                       r"say(ing)? something like)\b", re.IGNORECASE)
"""A question inside a story's reported speech ("So I asked him: can I rerun it?") is not put to the
interviewer."""
_ASSUMES = re.compile(r"^\W*(so\s+)?(i'?ll|i will|i'?m going to|let'?s|let me|i'?d)?\s*(assume|go with|say)\b|"
                      r"^\W*(assuming|my assumption)\b", re.IGNORECASE)
"""A statement that takes an assumption in place of an answer."""
MIN_WORDS = 2
NEAR_MISS = 0.1
"""A question just short of an answer that is said anyway (for another question) counts as answered."""


@dataclass(frozen=True)
class AskedQuestion:
    """One question in an answer: its words as the candidate wrote them (without the question mark)."""

    text: str
    self_answered: bool = False
    """True when the candidate answered it, or assumed an answer, in the next sentence."""
    confirm: bool = False
    """True when it asks the interviewer to confirm the candidate's framing."""
    assumed: bool = False
    """True when the candidate goes on with an assumption of their own ("Do we host templates? I'll assume we
    do."): with no fact to say, the interviewer accepts it."""


def _is_question(sentence: str) -> bool:
    return sentence.rstrip("\"') ").endswith("?")


def split_questions(sentence: str) -> list[str]:
    """One question sentence into its questions: "how many users, and how fast must a code go out?" is two;
    "when people say slow, which hurts more?" is one (its first part is a condition)."""
    body = _LEAD_IN.sub("", sentence.strip()).rstrip("?\"') ").strip()
    parts = [part.strip(" ,;") for part in _SUB_QUESTION.split(body)]
    merged: list[str] = []
    for part in parts:
        if merged and _CONDITION.match(merged[-1]):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    questions = [split for part in merged if len(part.split()) >= MIN_WORDS for split in _each_counted(part)]
    return questions or ([body] if body else [])


_COUNT_OF_TWO = re.compile(r"^(?P<lead>.*?\bhow (?:many|much)\s+)(?P<a>[a-z-]+)\s+and\s+(?P<b>[a-z-]+)\b(?P<rest>.*)$",
                           re.IGNORECASE)


def _each_counted(question: str) -> list[str]:
    """"how many riders and drivers do we have at peak" asks two counts, which different facts may answer (or
    none): one question each."""
    match = _COUNT_OF_TWO.match(question)
    if match is None or match["b"].lower() in _QUESTION_WORDS:
        return [question]
    return [f"{match['lead']}{match[word]}{match['rest']}" for word in ("a", "b")]


ECHO_WORDS = 10
"""A question this short that repeats the interviewer's words may be the candidate checking what was asked."""


def questions_in(text: str, asked: str = "") -> list[AskedQuestion]:
    """The questions in an answer, in order, each marked when the candidate answers it themselves. A short
    question that repeats the interviewer's question (the question sentences of `asked`) and is followed by the
    candidate's answer ("Why the request happened? Marketing had a quarterly target...") checks what was asked: it
    is not put to the interviewer, and is left out."""
    found: list[AskedQuestion] = []
    parts = sentences(text)
    asked_words = content_words(" ".join(part for part in sentences(asked) if _is_question(part)))
    for index, sentence in enumerate(parts):
        pieces = _question_pieces(sentence)
        following = parts[index + 1] if index + 1 < len(parts) else ""
        goes_on = bool(following) and not _is_question(following)
        answered = goes_on and bool(_SELF_ANSWER.match(following))
        assumes = goes_on and bool(_ASSUMES.match(following))
        for number, piece in enumerate(pieces):
            last = number == len(pieces) - 1
            for question in split_questions(piece):
                if last and goes_on and _echoes(question, asked_words):
                    continue
                found.append(AskedQuestion(question, answered and last, bool(_CONFIRM.match(question)),
                                           assumes and last))
    return found


def _echoes(question: str, asked_words: set[str]) -> bool:
    own = content_words(question)
    return bool(own) and len(question.split()) <= ECHO_WORDS and 2 * len(own & asked_words) >= len(own)


def _question_pieces(sentence: str) -> list[str]:
    """The questions inside one sentence ("Sure? And latency?" may arrive unsplit); a lone word with a
    question mark ("Right?") is not one."""
    if "?" not in sentence:
        return []
    pieces = [piece.strip() + "?" for piece in sentence.split("?")[:-1] if piece.strip()]
    return [piece for piece in pieces if len(_LEAD_IN.sub("", piece).split()) >= MIN_WORDS
            and not _REPORTED.search(piece)]


def statement_words(text: str) -> int:
    """How many words of the answer are not questions."""
    return sum(len(s.split()) for s in sentences(text) if not _is_question(s))


def question_words(text: str) -> int:
    return sum(len(s.split()) for s in sentences(text) if _is_question(s))


@dataclass(frozen=True)
class Reply:
    """What the interviewer can say to the candidate's questions: answers found (each once, in the order the
    questions came), the questions nothing answers, and whether the candidate asked to confirm their framing."""

    answers: list[str]
    unanswered: list[str]
    """Questions about the problem nothing defines: the candidate's call."""
    confirm: bool = False
    not_mine: list[str] = field(default_factory=list)
    """Questions about the team, the role or the company that the interviewer cannot answer."""


def match_answers(questions: Sequence[AskedQuestion], answers: Sequence[str], margins: np.ndarray,
                  about_us: Sequence[bool] = ()) -> Reply:
    """Each question's best answer, when its margin over that answer's bar (a (questions, answers) matrix) is
    not negative; each answer said once. A question nothing answers is unanswered (or, when `about_us` says it
    asks about the team or the company, not the interviewer's to answer) unless the candidate answered it
    themselves; one they answered with an assumption of their own is accepted (`confirm`)."""
    said: list[str] = []
    missed: list[tuple[int, int]] = []
    accepted = False
    for row, question in enumerate(questions):
        if question.confirm:
            continue
        best = int(margins[row].argmax()) if len(answers) else -1
        if best >= 0 and margins[row, best] >= 0:
            if answers[best] not in said:
                said.append(answers[best])
        elif not question.self_answered:
            missed.append((row, best))
        elif question.assumed:
            accepted = True  # nothing defines it and the candidate chose: their call, taken
    unanswered: list[str] = []
    not_mine: list[str] = []
    for row, best in missed:
        if best >= 0 and answers[best] in said and margins[row, best] >= -NEAR_MISS:
            continue  # what it asks is in an answer given to another question
        (not_mine if row < len(about_us) and about_us[row] else unanswered).append(questions[row].text)
    return Reply(said, unanswered, any(question.confirm for question in questions) or accepted, not_mine)
