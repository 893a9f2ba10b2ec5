"""Check 6: an absence claim ("never discussed eviction", "gave no numbers for load") holds against every
sentence of the speaker: none is close to the absent topic or holds its key terms."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from interviewer.evaluation.checks.base import Context, Located, Verdict, cached_words, short
from interviewer.evaluation.claim_text import (
    claim_opening,
    clauses,
    content_words,
    find_quotes,
    negations,
    stem,
    stopwords,
    without_references,
)
from interviewer.evaluation.lexicon import lexicon, thresholds
from interviewer.evaluation.quantities import spoken_numbers

_REPORTING = re.compile(
    r"\b(?:said|says|stated|explained|argued|noted|claimed|decided|chose|answered|replied|agreed|admitted|"
    r"confirmed|insisted|suggested|proposed|preferred|opted|planned|promised|assumed|thought|believed)\b",
    re.IGNORECASE,
)
_REPORTED = re.compile(
    _REPORTING.pattern + r"\s*(?:that\s+)?(?:(?:he|she|they|it|we|you|i|this|the \w+)\s+)?"
    r"(?:(?:would|will|could|should|did|does|do|is|was|were|are|had|has|have|can|might|must|to)\s+)?$",
    re.IGNORECASE,
)
"""A reporting verb right before the negation: "said they would not", "decided not to"."""
_MENTION_VERBS = re.compile(
    r"^(?:discuss|mention|talk|bring|brought|raise|address|consider|cover|touch|ask|state|acknowledg|note|refer|"
    r"speak|spoke|say|said|name|cite|engag|explor|reference|hint|clarif|question|think|thought|rais|overlook|"
    r"miss|forgot|skip|omit|neglect|left out)",
    re.IGNORECASE,
)
_ABSENCE_PATTERNS = [
    re.compile(r"\bno\s+(?P<verb>mention|discussion|consideration|talk|reference|word|questions?|attempt)"
               r"(?:\s+(?:of|about|on|to|at))?\s+(?P<topic>.+)", re.IGNORECASE),
    re.compile(r"^(?P<topic>.+?)\s+(?:was|were|is|are)\s+(?:never|not)\s+(?:\w+ly\s+)?(?P<verb>discussed|mentioned|"
               r"addressed|considered|covered|raised|explained|quantified|estimated|justified|brought up)\b",
               re.IGNORECASE),
    re.compile(r"(?:\bnever|\bnot|n['’]t|\bno longer|\bfailed to|\bneglected to|\bomitted to|\bforgot to)\s+"
               r"(?:(?:ever|once|really|actually|explicitly|even|clearly|properly|directly|once|at all)\s+)*"
               r"(?P<verb>[a-z]+)(?:\s+(?:about|on|up|of|to|into|over|through|with|for))?\s+(?P<topic>.+)",
               re.IGNORECASE),
    re.compile(r"\bwithout\s+(?:ever\s+)?(?P<verb>[a-z]+ing)(?:\s+(?:about|on|up|of|to|into))?\s+(?P<topic>.+)",
               re.IGNORECASE),
    re.compile(r"\b(?P<verb>[a-z]+ed|gave|made|had|did|put|spent|wrote|ran|set|took|showed|drew|brought)\s+"
               r"(?:no|zero)\s+(?P<topic>.+)", re.IGNORECASE),
    re.compile(r"\binstead of\s+(?P<verb>[a-z]+ing)(?:\s+(?:about|on|up|of|to|into))?\s+(?P<topic>.+)", re.IGNORECASE),
    re.compile(r"\b(?P<verb>overlooked|ignored|skipped|missed|omitted|neglected|left out|forgot)\s+(?P<topic>.+)",
               re.IGNORECASE),
]
_SUBJECT_BOUND = (2, 4, 6)
"""The patterns whose negation follows its subject directly ("the candidate never sized ...", "gave no numbers",
"overlooked ..."): with a verb of doing, they are absence claims only about the speaker whose words are checked."""


@functools.cache
def _speaker_subject() -> re.Pattern[str]:
    """What may stand before such a negation: nothing, or the candidate ("They never", "The candidate didn't")."""
    return re.compile(
        claim_opening() + r"(?:(?:the\s+)?(?:candidate|interviewee|applicant)|they|he|she|you)?\s*"
        r"(?:(?:has|have|had|was|were|is|are|did|does|do|ca|can|could|wo|will|would|should|must|might)\s*)?$",
        re.IGNORECASE,
    )


_TOPIC_END = re.compile(
    r"\s+(?:before|after|when|while|until|despite|even though|although|because|since|during|though|unless|"
    r"at all|in (?:the|this|their|his|her) (?:interview|answer|discussion|session|design)|throughout)\b.*$"
    r"|[.;:!?]+.*$|\s*[(\[].*$",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:a|an|the|any|their|his|her|its|your|our|some|specific|particular)\s+", re.IGNORECASE)
_WH = re.compile(r"^(?:who|what|which|how|why|whether|when|where)\b", re.IGNORECASE)
@dataclass(frozen=True)
class AbsenceTopic:
    topic: str
    verb: str
    mention: bool
    """True for mention-like verbs (discussed, mentioned, asked): any mention of the topic contradicts the claim.
    Otherwise (sized, quantified, justified) the doing is the topic ("sized the queue"), and a sentence that
    itself negates it does not contradict."""

    def phrases(self) -> list[str]:
        return subtopics(self.topic) if self.mention else [f"{self.verb} {part}" for part in subtopics(self.topic)]


def absence_topic(text: str) -> AbsenceTopic | None:
    """The negated topic of an absence claim ("never discussed eviction" -> eviction), or None."""
    core = without_references(text)
    if find_quotes(core):
        return None
    for index, pattern in enumerate(_ABSENCE_PATTERNS):
        match = pattern.search(core)
        if not match:
            continue
        mention = bool(_MENTION_VERBS.match(match.group("verb")))
        if not mention and match.group("verb").lower() in stopwords():
            continue  # "not to use", "not the same place": no verb of doing is negated
        if index in _SUBJECT_BOUND and not mention and not _speaker_subject().match(core[: match.start()]):
            return None  # "Marshall can't go out tonight" states a fact about someone; it is no absence
        if _REPORTED.search(core[: match.start()]):
            return None  # "said they would not use Kafka" reports what was said; it is no absence
        topic = _TOPIC_END.sub("", match.group("topic")).strip(" ,")
        previous = None
        while topic != previous:
            previous, topic = topic, _LEADING.sub("", topic)
        if not content_words(topic):
            continue
        return AbsenceTopic(topic, match.group("verb"), mention)
    return None


def subtopics(topic: str) -> list[str]:
    """"monitoring or alerting" -> both; "numbers for load, storage or bandwidth" -> "numbers for load", ..."""
    head = re.match(r"^(?P<head>.+?\b(?:for|of|on|about|in|to|with|around|between|within|across|from|into|at|by|"
                    r"over|under|per|after|before|behind)\b)\s+(?P<rest>.+)$", topic)
    prefix, rest = (head.group("head") + " ", head.group("rest")) if head else ("", topic)
    items = [item.strip() for item in re.split(r",\s*(?:and\s+|or\s+|nor\s+)?|\s+(?:or|and|nor)\s+", rest)]
    items = [item for item in items if content_words(item)]
    if len(items) <= 1:
        return [topic]
    return [topic, *(prefix + item for item in items)]


@functools.cache
def _generic() -> frozenset[str]:
    return frozenset(stem(word) for word in lexicon().generic_words)


@functools.cache
def _number_stems() -> frozenset[str]:
    return frozenset(lexicon().number_stems)


def _key_terms_present(topic: str, sentence: str) -> bool:
    """All key terms of the topic are in the sentence (a number stands for "numbers", "estimates"); a topic
    that is a question ("who the users are") needs two key terms at least, one word proves nothing there."""
    wanted = cached_words(topic) - _generic()
    if not wanted or (_WH.match(topic) and len(wanted) < 2):
        return False
    have = cached_words(sentence)
    if spoken_numbers(sentence):
        have |= _number_stems()
    return wanted <= have


def absence_holds(located: Located, context: Context) -> Verdict:
    """Check 6: no sentence of the speaker is close to the absent topic (the absence_similarity threshold) or
    holds its key terms. With a doing verb ("never quantified X") a sentence that itself negates the topic does
    not contradict."""
    found = absence_topic(located.claim.text)
    if found is None:
        return Verdict("absence", ("absence claim whose topic is not recognised (undecidable)",))
    role = located.claim.speaker
    units = context.units[role]
    if not units:
        return Verdict("absence")
    topics = found.phrases()
    similarity = context.vectors(role) @ context.embed(topics).T
    limit = thresholds().absence_similarity
    for row, unit in enumerate(units):
        for column, topic in enumerate(topics):
            if not (float(similarity[row, column]) >= limit or _key_terms_present(topic, unit.text)):
                continue
            if not found.mention:
                wanted = cached_words(topic)
                closest = max(clauses(unit.text) or [unit.text], key=lambda part: len(cached_words(part) & wanted))
                if negations(closest):
                    continue
            return Verdict("absence", (f"absence contradicted by turn {unit.turn_id}: \"{short(unit.text)}\"",))
    return Verdict("absence")
