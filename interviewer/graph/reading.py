"""How the interview reads an answer with embeddings: is it on topic, what do its questions ask and what
answers them, which follow-ups does it already answer or lead to, which words to quote back, and which hint
fits the question on the table. The nodes call these; the decisions stay in the planner."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from interviewer.candidate_questions import AskedQuestion, Reply, match_answers
from interviewer.catalog import Persona, PersonaAnswer
from interviewer.feedback.detector import cue_pattern
from interviewer.feedback.evidence import candidate_units
from interviewer.feedback.injection import REMOVED, find_injections, without_injections
from interviewer.moves import Candidate, RoundMoves, fixed_texts
from interviewer.planner import pick_quote
from interviewer.rag.embeddings import Embedder
from interviewer.sandbox import without_code
from interviewer.types import Question, Transcript, Turn
from interviewer.words import stems

FACT_SIMILARITY = 0.45
"""A question and a fact ("scale: 200 million users ...") this close: the fact answers it."""
KEYWORD_BONUS = 0.12
"""Added when the question names a word of the fact's topic ("latency", "retention")."""
SHARED_WORD_BONUS = 0.05
"""Added per uncommon word the question shares with the fact ("mask", "vendor"), up to two."""
PERSONA_SIMILARITY = 0.5
"""A question and one way of asking a persona answer this close: that answer fits."""
COMPANY_BONUS = 0.02
"""The company overlay's answer wins a near tie with the persona's general one."""
SAME_ANSWER = 0.55
"""Two answers this close say the same thing: only the first is said."""
FACT_BONUS = 0.03
"""During the round, the problem's facts win a near tie with the persona ("how many engineers do we have?")."""
REPEAT_PENALTY = 0.2
"""Taken off a fact the interviewer already said in the round: said again only to a question that plainly asks
for it, not to one that shares a word with it ("is there a trend in hide rate?" is not "what are the logs?")."""
STATED_SIMILARITY = 0.58
"""A sentence of the answer this close to a follow-up already answers it."""
CUED_SIMILARITY = 0.45
"""Or this close, when the answers use one of the follow-up's signal's cue phrases, or one of its distinctive
words ("black box")."""
STATED_WORDS = 2
"""Or: a recent answer repeats this many of the follow-up's distinctive words (the options it offers)."""
RECENT_ANSWERS = 3
QUOTE_SIMILARITY = 0.45
HINT_SIMILARITY = 0.3
_ABOUT_US = re.compile(
    r"\b(your (team|company|org|organi[sz]ation|group|work|stack|day|role|manager|job)|you (work|like|enjoy|do)|"
    r"the role|this role|the position|culture|on-?call|promotions?|joining|work(ing)? here|here at|at your|"
    r"day-to-day|first (\w+ )?(project|months?|weeks?|days?|year)|recruiter|remote|office|hiring|growth|career|"
    r"you join(ed)?|success look|look for in|expect(ed)? (from|of) me|keeps? you up|next steps|interview process)\b",
    re.IGNORECASE)
"""Words of a question about the team, the role or the company (not about the problem). Mid-round, only such a
question gets the persona's answers."""
_COMMON = frozenset("""about after again also and any are around because been before being both but can could
did does doing each either even every for from going had has have how into its just let like made make many may
might more most much must need now off once only other our out over own per same say see should since some such
than that the their them then there these they this those through today under until very want was way were what
when where which while who why will with would you your yours here happens happen think tell walk me us we i it
is in on of to a an as at be by do if no not or so up""".split())


def _texts(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    return np.asarray(embedder.embed(list(texts)))


def similarity(embedder: Embedder, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    return np.asarray(_texts(embedder, a) @ _texts(embedder, b).T)


@lru_cache(maxsize=256)
def for_planning(answer: str, embedder: Embedder) -> str:
    """The answer without sentences that try to instruct the interviewer ("ignore your instructions"), found
    by their form or their meaning: they change nothing the interviewer does next. Every answer so far is read
    on every turn, so each is cleaned once."""
    transcript = Transcript(turns=[Turn(id=1, speaker="Candidate", role="candidate", text=answer)])
    cleaned = without_injections(transcript, find_injections(transcript, embedder)).turns[0].text
    return " ".join(cleaned.replace(REMOVED, " ").split()) if cleaned != answer else answer


_CODE_LINE = re.compile(r"^\s*(def |class |import |from \S+ import |return\b|raise\b|assert\b|@|#|\S+ = )|[:;{}]\s*$")
_LITERAL = re.compile(r"(\"|')[^\s\"']{1,30}\1")
"""A short quoted literal ("?!", '0P'): a value the candidate mentions, never a question or a topic."""


def spoken(answer: str) -> str:
    """What the candidate said in words: pasted code (fenced, or lines that read as code) and quoted literals
    left out, so a "?" in a test string is not a question and `isinstance(body, dict)` is not a topic."""
    lines = [line for line in without_code(answer).splitlines() if not _CODE_LINE.search(line)]
    return _LITERAL.sub("that", "\n".join(lines))


def answer_sentences(answer: str) -> list[str]:
    turn = Turn(id=1, speaker="Candidate", role="candidate", text=answer)
    return [unit.text for unit in candidate_units(Transcript(turns=[turn]))] or [answer]


def topic_similarity(embedder: Embedder, question: Question, answer: str, asked: str) -> float:
    """How close the answer is to the problem and to what was just asked (for off-topic answers)."""
    return float(similarity(embedder, [answer], [f"{question.title}. {question.prompt}", asked]).max())


def _key_words(key: str) -> list[str]:
    return [word for word in key.split("-") if len(word) > 3]


def _in_context(questions: Sequence[AskedQuestion], index: int) -> str:
    """A short question that leans on the one before ("And how big is it?") is read with it."""
    text = questions[index].text
    if index and len(text.split()) <= 6 and re.search(r"\b(it|that|this|they|them|those)\b", text.lower()):
        return f"{questions[index - 1].text}, {text}"
    return text


@dataclass(frozen=True)
class _Known:
    """Something the interviewer can say: its answer, the texts a question is compared with, the score it
    needs and a bonus."""

    answer: str
    asks: list[str]
    needs: float
    key_words: tuple[str, ...] = ()
    bonus: float = 0.0
    about_us: bool = False
    """About the team, the role or the company (the persona's answers), not the problem."""


def reply_to(embedder: Embedder, questions: Sequence[AskedQuestion], facts: dict[str, str],
             persona: Sequence[PersonaAnswer], company: Sequence[PersonaAnswer], *, wrap_up: bool,
             background: str = "", said: Sequence[str] = ()) -> Reply:
    """Answers to the candidate's questions, each from whatever fits it best above its own bar: the
    question's facts ("scale: 200 million users ..."), the company overlay or the persona (the team, the
    role). A word a question shares with a fact counts for it unless the problem statement (`background`) has it
    too. A fact already `said` by the interviewer needs a closer question (REPEAT_PENALTY). A question nothing
    answers is unanswered (or, about the team or company, not the interviewer's to answer) unless the candidate
    answered it themselves."""
    ground = stems(background)
    known = ([_Known(value, [text], FACT_SIMILARITY, tuple(_key_words(key)), 0.0 if wrap_up else FACT_BONUS)
              for (key, value), text in zip(facts.items(), fact_texts(facts), strict=True)]
             + [_Known(a.answer, a.asks, PERSONA_SIMILARITY, bonus=COMPANY_BONUS, about_us=True) for a in company]
             + [_Known(a.answer, a.asks, PERSONA_SIMILARITY, about_us=True) for a in persona])
    if not questions:
        return Reply([], [])
    if not known:
        return match_answers(questions, [], np.zeros((len(questions), 0), dtype=np.float32))
    texts = [_in_context(questions, i) for i in range(len(questions))]
    raw = similarity(embedder, texts, [ask for item in known for ask in item.asks])
    margins = np.empty((len(questions), len(known)), dtype=np.float32)
    closeness = np.empty((len(questions), len(known)), dtype=np.float32)
    asks_about_us = [bool(_ABOUT_US.search(text)) for text in texts]
    column = 0
    for index, item in enumerate(known):
        width = len(item.asks)
        closeness[:, index] = raw[:, column:column + width].max(axis=1)
        best = closeness[:, index] + item.bonus - item.needs
        for row, text in enumerate(texts):
            if asks_about_us[row] and not item.about_us:
                best[row] -= item.bonus  # "my first project on the team" is about the job: no word pulls it to a fact
                continue
            if any(word in text.lower() for word in item.key_words):
                best[row] += KEYWORD_BONUS
            if not item.about_us:
                shared = (_own_words(text) & _own_words(item.answer)) - ground
                best[row] += SHARED_WORD_BONUS * min(len(shared), 2)
        if item.about_us and not wrap_up:
            best = np.where(asks_about_us, best, -1.0)
        elif any(item.answer in earlier for earlier in said):
            best = best - REPEAT_PENALTY
        margins[:, index] = best
        column += width
    ours = np.array([item.about_us for item in known])
    about_us = [wrap_up or bool(_ABOUT_US.search(texts[row]) and ours.any()
                                and (ours.all() or closeness[row, ours].max() > closeness[row, ~ours].max()))
                for row in range(len(questions))]
    reply = match_answers(questions, [item.answer for item in known], margins, about_us)
    persona_answers = {item.answer for item in known if item.about_us}
    return Reply(_distinct(embedder, reply.answers, persona_answers), reply.unanswered, reply.confirm,
                 reply.not_mine)


def _distinct(embedder: Embedder, answers: list[str], persona_answers: set[str]) -> list[str]:
    """A persona answer that says much the same as one already given (the brief's fact on how decisions are
    made, then the persona's) is left out."""
    kept: list[str] = []
    for answer in answers:
        if answer in persona_answers and kept and float(similarity(embedder, [answer], kept).max()) >= SAME_ANSWER:
            continue
        kept.append(answer)
    return kept


def _own_words(text: str) -> set[str]:
    return {word for word in stems(text) if word not in _COMMON and len(word) >= 4}


def distinctive_words(text: str, background: str, common: frozenset[str] = frozenset()) -> set[str]:
    """The words of a follow-up that are its own: not common (in everyday use, or across the corpus), and not
    in the problem statement."""
    ground = stems(background) | common
    return {word for word in stems(text) if word not in _COMMON and word not in ground and len(word) >= 3}


def already_answered(embedder: Embedder, answers: Sequence[str], candidates: Sequence[Candidate], background: str,
                     common: frozenset[str] = frozenset(), cues: dict[str, list[str]] | None = None,
                     recent: int = RECENT_ANSWERS) -> set[str]:
    """Follow-ups the candidate's answers already answer: an answer does what the move asks (its `answered_if`;
    the last answer for a move built on its words, any answer for a general one), or a sentence of any answer is
    close in meaning (less close will do when the answer uses one of the signal's cue phrases or one of the
    follow-up's own words), or one of the last `recent` answers repeats several of the follow-up's distinctive
    words (the options it offers, the thing it names). A follow-up built on the answer's own words is judged
    only by its `answered_if`: its text quotes the answer."""
    if not answers:
        return set()
    stated = {c.id for c in candidates if c.answered_if
              and any(re.search(c.answered_if, answer, re.IGNORECASE)
                      for answer in (answers[-1:] if c.source == "hook" else answers))}
    candidates = [c for c in candidates if c.source != "hook"]
    if not candidates:
        return stated
    sentences = [sentence for answer in answers for sentence in answer_sentences(answer)]
    scores = similarity(embedder, sentences, [c.text for c in candidates]).max(axis=0)
    said = {word for answer in answers[-recent:] for word in stems(answer)}
    said_ever = {word for answer in answers for word in stems(answer)}
    lowered = " ".join(answers).lower()
    for candidate, score in zip(candidates, scores, strict=True):
        own = distinctive_words(candidate.text, background, common)
        pattern = cue_pattern(tuple((cues or {}).get(candidate.signal, [])))
        cued = pattern is not None and pattern.search(lowered) is not None
        near = score >= CUED_SIMILARITY and (cued or bool(own & said_ever))
        if score >= STATED_SIMILARITY or near or len(own & said) >= STATED_WORDS:
            stated.add(candidate.id)
    return stated


def relevance(embedder: Embedder, answer: str, candidates: Sequence[Candidate]) -> dict[str, float]:
    """How closely each follow-up follows the answer."""
    if not candidates:
        return {}
    scores = similarity(embedder, [answer], [c.text for c in candidates])[0]
    return {c.id: float(score) for c, score in zip(candidates, scores, strict=True)}


def quote_for(embedder: Embedder, answer: str, probe_text: str) -> str | None:
    """The sentence of the last answer closest to the next probe, to refer back to it."""
    sentences = answer_sentences(answer)
    scores = similarity(embedder, sentences, [probe_text])[:, 0]
    best = int(scores.argmax())
    return pick_quote(sentences[best]) if scores[best] >= QUOTE_SIMILARITY else None


def hint_for(embedder: Embedder, question: Question, asked: str, given: int) -> tuple[str, str] | None:
    """Concrete words for a hint on the question on the table: first the fact of the brief closest to it,
    then the common pitfall closest to it. None when neither is close (the voice nudges in general terms)."""
    options: list[tuple[str, str]] = []
    facts = list(question.facts.values())
    for kind, texts in (("fact", facts), ("pitfall", question.pitfalls)):
        if texts:
            scores = similarity(embedder, [asked], texts)[0]
            best = int(scores.argmax())
            if scores[best] >= HINT_SIMILARITY:
                options.append((texts[best], kind))
    if not options:
        return None
    return options[min(given, len(options) - 1)] if given < len(options) else None


def fact_texts(facts: dict[str, str]) -> list[str]:
    """How a fact is compared with a question: its topic and its words."""
    return [f"{key.replace('-', ' ')}: {value}" for key, value in facts.items()]


def scene_texts(question: Question, library: RoundMoves | None, phase_ids: list[str], persona: Persona) -> list[str]:
    """Every text a round compares answers with that does not depend on the answers: the follow-ups, the
    question's facts and pitfalls, and the ways the persona's answers are asked (embedded once, up front)."""
    asks = [ask for answer in persona.answers for ask in answer.asks]
    asks += [ask for overlay in persona.companies.values() for answer in overlay.answers for ask in answer.asks]
    return [*fixed_texts(question, library, phase_ids), *fact_texts(question.facts), *question.facts.values(),
            *question.pitfalls, *asks]
