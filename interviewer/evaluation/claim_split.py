"""Free feedback (Markdown or plain text) split into atomic claims: headings, tables and boilerplate dropped,
bullets, sentences and coordinated clauses that carry their own assertion kept apart, each with its quotes and
turn references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.evaluation.claim_text import quote_spans, words
from interviewer.evaluation.lexicon import lexicon
from interviewer.markdown_lines import BLOCKQUOTE, BULLET, HEADING, RULE, TABLE_ROW, TABLE_SEPARATOR

_FENCE = re.compile(r"^\s*(?:```|~~~)")
_LABEL = re.compile(r"^(?:\*\*|__)(?P<label>[^*_]{1,40}?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_SINGLE_EMPHASIS = re.compile(r"(?<![\w*])[*_](?=\S)([^*_\n]+?)(?<=\S)[*_](?![\w*])")
_RENDER_NOTE = re.compile(r"\(\s*checked against every candidate turn\s*\)", re.IGNORECASE)

_BOILERPLATE = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"^(?:overall|feedback|summary|strengths?|improvements?|weaknesses|areas? (?:for|of) (?:improvement|growth)|"
    r"next steps|notes?|evidence|dimensions?|per dimension|what went well|what to improve|recommendations?)"
    r"(?:\s*\([^)]*\))?\s*:?$",
    r"^(?:here(?:'s| is| are)|below (?:is|are))\b(?:[^.!?]{0,60}:$|.{0,40}\bfeedback\b)",
    r"^(?:good luck|hope this helps|let me know|feel free|thanks|thank you|great job|well done|nice work|"
    r"keep (?:it up|practi[cs]ing)|happy to help|i hope)\b",
    r"^(?:evidence check|graded by|hints taken|flag)\b",
    r"^(?:verdict|level estimate|overall (?:rating|score|verdict|assessment)|score|rating|grade|recommendation)"
    r"\b[^.!?]{0,40}:",
    r"^none (?:with evidence|found)\.?$",
    r"^(?:n/?a|tbd|todo)\.?$",
)]
_ADVICE = re.compile(
    r"^(?:next time|in (?:the )?future|going forward|try to|try |consider |practi[cs]e |make sure|remember to|"
    r"focus on|work on|aim to|be sure to|don['’]t forget|you (?:should|could|might|may want)|"
    r"it (?:would|might|could) (?:be|have been) (?:good|better|helpful|useful|worth)|"
    r"i(?:['’]d| would) (?:recommend|suggest)|i (?:recommend|suggest))",
    re.IGNORECASE,
)
"""Advice is not a claim about what happened in the transcript."""

_SUBJECT = re.compile(r"^(?P<subject>(?:the\s+)?(?:candidate|interviewee|interviewer)|they|he|she|you|we)\b",
                      re.IGNORECASE)
_ABBREVIATIONS = {"e.g", "i.e", "vs", "etc", "approx", "dr", "mr", "ms", "mrs", "cf", "incl", "no", "fig", "esp"}
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"“(\[]?[A-Z0-9])")

CLAIM_VERBS = "|".join(re.escape(verb) for verb in lexicon().claim_verbs)
"""Verbs that start an assertion of their own (`interviewer/data/checker.yaml`)."""
_COORDINATION = re.compile(
    r"(?:,\s*|\s+)(?:and|but|whereas|yet)\s+(?=(?:also\s+|then\s+|still\s+|later\s+)?"
    r"(?:never|no longer|did(?:n['’]t| not)|does(?:n['’]t| not)|do(?:n['’]t| not)|was(?:n['’]t| not)|"
    r"failed|neglected|omitted|(?:the\s+)?(?:candidate|interviewer)\b|he\b|she\b|they\b|it\b|"
    rf"(?:{CLAIM_VERBS})\b))"
    r"|(?:,\s*|\s+)(?:but|whereas)\s+"
    rf"|,\s+(?=(?:then\s+|also\s+)?(?:{CLAIM_VERBS})\b)"
    r"|\s*;\s+",
    re.IGNORECASE,
)


@dataclass
class _Block:
    text: str
    table_row: bool = False
    evidence: list[str] = field(default_factory=list)
    """Quoted evidence lines (`> "..." (turn 7)`) under the block: they belong to its last claim."""


def split_claims(text: str) -> list[str]:
    """Free Markdown or plain feedback as atomic claims: headings, table header rows and boilerplate are dropped;
    bullets, sentences and coordinated clauses with their own assertion ("X and never Y") become separate claims;
    quoted material and turn references stay with the claim they belong to."""
    claims: list[str] = []
    for block in _blocks(text):
        cleaned = _clean_markdown(block.text)
        found: list[str] = []
        if cleaned and not _is_boilerplate(cleaned):
            found = [part for sentence in _sentences(cleaned) for part in map(_tidy, _clauses(sentence))
                     if _keep(part)]
        evidence = " ".join(_clean_markdown(line) for line in block.evidence).strip()
        if evidence:
            found = [*found[:-1], f"{found[-1]} {evidence}"] if found else [evidence]
        claims += found
    return claims


def _blocks(text: str) -> list[_Block]:
    """Paragraphs, bullets (with their continuation lines and quoted evidence) and table data rows."""
    blocks: list[_Block] = []
    current: list[str] = []
    evidence: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    in_fence = False

    def flush() -> None:
        if current or evidence:
            blocks.append(_Block(" ".join(current), evidence=list(evidence)))
            current.clear()
            evidence.clear()

    for index, line in enumerate(lines):
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not line.strip():
            flush()
            continue
        if HEADING.match(line) or RULE.match(line):
            flush()
            blocks.append(_Block(""))  # a heading ends what evidence lines can attach to
            continue
        if TABLE_ROW.match(line):
            flush()
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if TABLE_SEPARATOR.match(line) or TABLE_SEPARATOR.match(following):
                continue  # the separator, or the header row above it
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            cells = [cell for cell in cells if cell and cell not in {"-", "—"}]
            if cells:
                row = cells[0] + (": " + "; ".join(cells[1:]) if len(cells) > 1 else "")
                blocks.append(_Block(row, table_row=True))
            continue
        quoted = BLOCKQUOTE.match(line)
        if quoted:
            content = _curly_evidence(quoted.group("text").strip())
            if not (current or evidence) and blocks and not blocks[-1].table_row:
                blocks[-1].evidence.append(content)  # evidence under a bullet, after a blank line
            else:
                evidence.append(content)
            continue
        bullet = BULLET.match(line)
        if bullet:
            flush()
            current.append(bullet.group("text").strip())
            continue
        current.append(line.strip())
    flush()
    return blocks


_EVIDENCE_LINE = re.compile(r'^"(?P<quote>.*)"(?P<rest>\s*[(\[]\s*(?:turn\s*#?\s*|t)\d+\s*[)\]]\s*)?$', re.IGNORECASE)


def _curly_evidence(text: str) -> str:
    """An evidence line `"quote" (turn N)` whose quote holds straight quotes itself gets curly outer quotes, so
    the quote is read whole."""
    match = _EVIDENCE_LINE.match(text)
    if not match or '"' not in match.group("quote") or "”" in match.group("quote"):
        return text
    return f"“{match.group('quote')}”{match.group('rest') or ''}"


def _clean_markdown(text: str) -> str:
    text = _RENDER_NOTE.sub("", text)
    label = _LABEL.match(text)
    if label and len(label.group("label").split()) <= 4:
        text = text[label.end():]
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = _SINGLE_EMPHASIS.sub(r"\1", text)
    return " ".join(text.split())


def _is_boilerplate(text: str) -> bool:
    stripped = text.strip().rstrip(".")
    if any(pattern.search(stripped) for pattern in _BOILERPLATE) or _ADVICE.match(stripped):
        return True
    return stripped.endswith(":") and len(stripped.split()) <= 5 and not quote_spans(stripped)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in spans)


def _sentences(text: str) -> list[str]:
    spans = quote_spans(text)
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _inside(match.start(), spans) and _inside(match.end() - 1, spans):
            continue
        before = text[start:match.start()].split()
        if before and before[-1].lower().rstrip(".") in _ABBREVIATIONS:
            continue
        pieces.append(text[start:match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _clauses(sentence: str) -> list[str]:
    """Coordinated clauses that each carry an assertion; the first clause's subject is carried over."""
    spans = quote_spans(sentence) + [(m.start(), m.end()) for m in re.finditer(r"\([^)]*\)", sentence)]
    parts: list[str] = []
    start = 0
    for match in _COORDINATION.finditer(sentence):
        if _inside(match.start(), spans) or _inside(match.end(), spans):
            continue
        left = sentence[start:match.start()]
        if len(words(left)) < 2:
            continue
        parts.append(left)
        start = match.end()
    parts.append(sentence[start:])
    subject = _SUBJECT.match(parts[0].strip())
    out = [parts[0]]
    for part in parts[1:]:
        part = part.strip()
        if subject and not _SUBJECT.match(part) and not re.match(r"it\b", part, re.IGNORECASE):
            part = f"{subject.group('subject')} {part}"
        out.append(part)
    return out


def _tidy(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:-–—")
    text = re.sub(r"^(?:and|but|also|then|so)\s+", "", text, flags=re.IGNORECASE)
    if text and text[0].islower() and text.split()[0].isalpha():
        text = text[0].upper() + text[1:]
    return text


def _keep(text: str) -> bool:
    if _is_boilerplate(text):
        return False
    return len(words(text)) >= 2 or bool(quote_spans(text))


_OUR_TITLE = re.compile(r"^# Feedback: ")
_OUR_CHECK = re.compile(r"^Evidence check: ", re.MULTILINE)
_OUR_CLAIM_SECTIONS = ("## Strengths", "## Improvements", "## Per dimension", "### ")
_OUR_EMPTY = {"None with evidence.", "None found."}
JUDGMENT_MARK = "*(the grader's judgment; its quotes are checked word for word)*"
"""How feedback/render.py marks a judgment (read from the conversation's shape, a code run, a diagram or the
question's key points): the checker holds it to its quotes."""


def rendered_feedback_claims(text: str) -> list[tuple[str, bool]] | None:
    """The claims of a feedback this tool rendered as Markdown (feedback/render.py), or None for any other
    text: the bullets of its Strengths, Improvements and per-dimension sections, each with its quoted evidence and
    whether it is marked as a judgment.
    Its grade table, summary and the rubric's description of each bar are the grader's verdicts and the rubric's
    words, not claims about the transcript (the JSON form carries the same claims)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or not _OUR_TITLE.match(lines[0]) or not _OUR_CHECK.search(text):
        return None
    claims: list[tuple[str, bool]] = []
    in_claims = False
    for line in lines:
        if line.startswith("#"):
            in_claims = line.startswith(_OUR_CLAIM_SECTIONS)
            continue
        if not in_claims:
            continue
        if line.startswith("- "):
            body = line[2:].strip()
            if body not in _OUR_EMPTY:
                judgment = body.endswith(JUDGMENT_MARK)
                claims.append((body.removesuffix(JUDGMENT_MARK).strip(), judgment))
        elif line.startswith("  > ") and claims:
            claims[-1] = (f"{claims[-1][0]} {line[4:].strip()}", claims[-1][1])
    return list(dict.fromkeys(claims))
