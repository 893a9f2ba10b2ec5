"""The words of a claim and of a transcript as the checks read them: quotes and turn references, named
technologies, negations, clauses, content words (stems) and scope or seniority terms. The word lists live in
`interviewer/data/checker.yaml`."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from interviewer.evaluation.lexicon import lexicon


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9][\w'’-]*", text)


# --- quotes and turn references ----------------------------------------------------------------------------------

_QUOTE = re.compile(r"\"(?P<straight>[^\"]+)\"|“(?P<curly>[^”]+)”")
_TURN_WORD = re.compile(r"\bturns?\s*#?\s*(?P<first>\d+)(?P<rest>(?:\s*(?:,|and|&|or)\s*#?\s*\d+)*)", re.IGNORECASE)
_TURN_SHORT = re.compile(r"(?<![\w])[tT](?P<id>\d+)(?![\w])")
_PARENTHESES = re.compile(r"[(\[][^)\]]*[)\]]")
_FOLLOWING_REF = re.compile(r"^\s*[,;:]?\s*[(\[]?\s*(?:turn\s*#?\s*|t)(?P<id>\d+)\b", re.IGNORECASE)
_INTERVIEWER_BEFORE = re.compile(
    r"\binterviewer(?:\s+(?:\w+\s+){0,2}?(?:asked|said|says|asks|suggested|hinted|prompted|pushed back|noted|"
    r"mentioned|questioned|wondered|pointed out|offered|proposed|raised|challenged)|['’]s\s+(?:\w+\s+)?"
    r"(?:question|hint|prompt|suggestion|pushback|words))\b[^.;\"“]{0,30}$",
    re.IGNORECASE,
)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the quoted passages, quote marks included."""
    return [(match.start(), match.end()) for match in _QUOTE.finditer(text)]


@dataclass(frozen=True)
class FoundQuote:
    text: str
    start: int
    end: int
    turn_id: int | None
    by_interviewer: bool
    """The claim says the interviewer said it ("the interviewer asked "...")."""


def find_quotes(text: str) -> list[FoundQuote]:
    """Quoted passages of a claim, each with the turn written right after it ("..." (turn 7)) if any."""
    found: list[FoundQuote] = []
    for match in _QUOTE.finditer(text):
        quote = (match.group("straight") or match.group("curly") or "").strip()
        if not words(quote):
            continue
        following = _FOLLOWING_REF.match(text[match.end():])
        turn_id = int(following.group("id")) if following else None
        by_interviewer = bool(_INTERVIEWER_BEFORE.search(text[:match.start()]))
        found.append(FoundQuote(quote, match.start(), match.end(), turn_id, by_interviewer))
    return found


def turn_references(text: str) -> list[int]:
    """Turn ids a claim cites: "turn 7", "turns 3 and 5", "(t7)", "[t7, t9]" (quoted passages are skipped)."""
    bare = _blank(text, quote_spans(text))
    ids: list[int] = []
    for match in _TURN_WORD.finditer(bare):
        ids.append(int(match.group("first")))
        ids.extend(int(number) for number in re.findall(r"\d+", match.group("rest")))
    for group in _PARENTHESES.finditer(bare):
        ids.extend(int(short.group("id")) for short in _TURN_SHORT.finditer(group.group()))
    return list(dict.fromkeys(ids))


def without_references(text: str) -> str:
    """The text without its turn references and empty brackets left behind."""
    text = _TURN_WORD.sub("", text)
    text = re.sub(r"[(\[]\s*(?:[tT]\d+\s*[,;]?\s*)+[)\]]", "", text)
    text = re.sub(r"[(\[]\s*[,;]?\s*[)\]]", "", text)
    return " ".join(text.split())


def without_quotes(text: str) -> str:
    return " ".join(_QUOTE.sub(" ", text).split())


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            chars[index] = " "
    return "".join(chars)


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the given spans replaced by spaces (positions kept)."""
    return _blank(text, spans)


# --- technologies ------------------------------------------------------------------------------------------------

_LEVEL = re.compile(r"\b[LlEe]\d\b")


@functools.cache
def _technology_patterns() -> tuple[re.Pattern[str], frozenset[str], dict[str, list[str]]]:
    """The curated names as one pattern, the capitalised words that are no technology, and the aliases."""
    words = lexicon()
    names = "|".join(re.escape(name) for name in sorted(words.technologies, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{names})(?![\w-])", re.IGNORECASE)
    return pattern, frozenset(word.upper() for word in words.not_technologies), words.aliases


_CAMEL_OR_CAPS = re.compile(
    r"(?<![\w-])(?:[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*|[A-Z]+\d[A-Z0-9]*)(?:s)?(?![\w-])"
)


def technologies_in(text: str) -> list[str]:
    """Named technologies: the curated list (any case) plus CamelCase and ALLCAPS tokens."""
    pattern, not_technologies, _ = _technology_patterns()
    found: dict[str, str] = {}
    for match in pattern.finditer(text):
        found.setdefault(match.group().lower(), match.group())
    for match in _CAMEL_OR_CAPS.finditer(text):
        token = match.group()
        if token.endswith("s") and token[:-1].isupper():
            token = token[:-1]
        if token.upper() in not_technologies or _LEVEL.fullmatch(token) or re.fullmatch(r"[pP]\d+", token):
            continue
        if token.lower() in stopwords():
            continue
        found.setdefault(token.lower(), token)
    return list(found.values())


def technology_said(name: str, words: str) -> bool:
    """Whether a technology (or one of its aliases) appears in the words, in any case, spaced or hyphenated."""
    lowered = words.lower()
    for variant in (name.lower(), *_technology_patterns()[2].get(name.lower(), ())):
        if re.search(rf"(?<![\w]){re.escape(variant)}(?:['’]?s)?(?![\w])", lowered):
            return True
        squashed = re.sub(r"[\s\-_.]", "", variant)
        if len(squashed) >= 5 and squashed in re.sub(r"[\s\-_.]", "", lowered):
            return True
    return False


# --- negation, content words -------------------------------------------------------------------------------------

_NEGATION = re.compile(
    r"\b(?:not(?!\s+only\b)|never|no(?!\s+(?:doubt|problem|matter)\b)|none|nothing|nobody|neither|nor|without|"
    r"cannot|dont|doesnt|didnt|wont|cant|isnt|wasnt|arent|werent|shouldnt|wouldnt|couldnt)\b|n['’]t\b",
    re.IGNORECASE,
)
_LEXICAL_NEGATION = re.compile(
    r"\b(?:rul(?:e|ed|es|ing) out|reject(?:ed|s|ing)?|avoid(?:ed|s|ing)?|declin(?:e|ed|es|ing)|refus(?:e|ed|es)|"
    r"dismiss(?:ed|es)?|fail(?:ed|s)? to|neglect(?:ed|s)? to|omit(?:ted|s)?)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[,;:—–]|[.!?](?=\s|$)|\s-\s|\b(?:but|and|so|because|although|though|whereas|while|which|then)\b",
    re.IGNORECASE,
)


def negations(text: str, *, lexical: bool = True) -> list[str]:
    """Negation cues in the text (not, never, no, without, n't ...; with `lexical`, also ruled out, avoided ...)."""
    cues = [match.group().lower() for match in _NEGATION.finditer(text)]
    if lexical:
        cues += [match.group().lower() for match in _LEXICAL_NEGATION.finditer(text)]
    return cues


def clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause of `text` holding the span [start, end): from the clause break before it to the one after
    (breaks inside the span do not count)."""
    left = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, start):
        left = match.end()
    after = _CLAUSE_BREAK.search(text, end)
    return left, (after.start() if after else len(text))


def clauses(text: str) -> list[str]:
    return [part.strip() for part in _CLAUSE_BREAK.split(text) if part and part.strip()]


@functools.cache
def claim_opening() -> str:
    """A pattern for what a summary sentence may open with before its subject ("However, ", "In addition, "),
    to put at the start of a pattern for the subject."""
    words = sorted(lexicon().claim_openers, key=len, reverse=True)
    return r"^\W*(?:(?:" + "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words) + r")\b,?\s*)*"


@functools.cache
def stopwords() -> frozenset[str]:
    return frozenset(word.lower() for word in lexicon().stopwords)


@functools.lru_cache(maxsize=131072)
def stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s$|'$", "", word)
    for suffix, minimum in (("ing", 5), ("ies", 5), ("ed", 4), ("es", 4), ("s", 3), ("ly", 5)):
        if word.endswith(suffix) and len(word) > minimum and not (suffix == "s" and word.endswith("ss")):
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def content_words(text: str) -> set[str]:
    """Stems of the words that carry content (stop words and generic feedback verbs left out)."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9'’-]*|\d+(?:\.\d+)?", text)
    return {stem(word) for word in words if word.lower() not in stopwords() and len(word) > 1}


# --- scope and seniority -----------------------------------------------------------------------------------------

@functools.cache
def _scope_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Words that claim scope or seniority (`scope_terms` in the lexicon), matched by stem: a claim may use one
    only when the speaker said it; feedback that promotes the candidate is a classic unfaithful embellishment."""
    return [(term, re.compile(r"(?<![\w-])" + r"\w*\s+".join(re.escape(stem(part)) for part in term.split()) + r"\w*",
                              re.IGNORECASE)) for term in lexicon().scope_terms]


@functools.lru_cache(maxsize=64)
def scope_terms(text: str) -> tuple[str, ...]:
    """The scope and seniority terms that the text uses (by stem, so 'managing' counts as managed).
    Cached: every uncited claim is held to the same candidate words."""
    return tuple(term for term, pattern in _scope_patterns() if pattern.search(text))
