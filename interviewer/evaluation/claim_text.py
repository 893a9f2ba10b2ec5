"""The text side of the faithfulness check: free feedback split into atomic claims, and the quotes, turn
references, numbers, technology names and negations found in a claim or in the candidate's words."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

# --- claims out of Markdown / plain feedback ---------------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BLOCKQUOTE = re.compile(r"^\s*>\s?(?P<text>.*)$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(?P<text>.*)$")
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

CLAIM_VERBS = (
    "proposed|suggested|chose|picked|used|uses|mentioned|discussed|explained|described|estimated|identified|asked|"
    "clarified|considered|designed|added|introduced|noted|stated|said|argued|justified|handled|addressed|covered|"
    "defined|outlined|walked|compared|quantified|raised|ignored|skipped|missed|forgot|overlooked|gave|provided|"
    "showed|demonstrated|recognized|recognised|acknowledged|pointed|implemented|wrote|tested|selected|recommended|"
    "claimed|concluded|kept|spent|jumped|dove|dived|started|ended|lacked|struggled|relied|built|planned|evaluated|"
    "measured|computed|calculated|reasoned|talked|sketched|drew|summarized|summarised|revisited|corrected|"
    "assumed|weighed|traded|settled|opted|switched|focused|focussed|tied|connected|framed|structured|ran|"
    "trained|deployed|monitored|sharded|partitioned|cached|replicated|scaled|stored|split|merged|returned"
)
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
        if _HEADING.match(line) or _RULE.match(line):
            flush()
            blocks.append(_Block(""))  # a heading ends what evidence lines can attach to
            continue
        if _TABLE_ROW.match(line):
            flush()
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if _TABLE_SEPARATOR.match(line) or _TABLE_SEPARATOR.match(following):
                continue  # the separator, or the header row above it
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            cells = [cell for cell in cells if cell and cell not in {"-", "—"}]
            if cells:
                row = cells[0] + (": " + "; ".join(cells[1:]) if len(cells) > 1 else "")
                blocks.append(_Block(row, table_row=True))
            continue
        quoted = _BLOCKQUOTE.match(line)
        if quoted:
            content = _curly_evidence(quoted.group("text").strip())
            if not (current or evidence) and blocks and not blocks[-1].table_row:
                blocks[-1].evidence.append(content)  # evidence under a bullet, after a blank line
            else:
                evidence.append(content)
            continue
        bullet = _BULLET.match(line)
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
        if len(_words(left)) < 2:
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
    return len(_words(text)) >= 2 or bool(quote_spans(text))


def _words(text: str) -> list[str]:
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
        if not _words(quote):
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


# --- numbers -----------------------------------------------------------------------------------------------------

_UNITS: dict[str, tuple[str | None, float]] = {
    "%": ("percent", 1), "percent": ("percent", 1), "pct": ("percent", 1),
    "thousand": (None, 1e3), "k": (None, 1e3), "million": (None, 1e6), "mil": (None, 1e6), "m": (None, 1e6),
    "billion": (None, 1e9), "bn": (None, 1e9), "b": (None, 1e9), "trillion": (None, 1e12),
    "ms": ("time", 1e-3), "millisecond": ("time", 1e-3), "milliseconds": ("time", 1e-3),
    "us": ("time", 1e-6), "µs": ("time", 1e-6), "microseconds": ("time", 1e-6),
    "s": ("time", 1), "sec": ("time", 1), "secs": ("time", 1), "second": ("time", 1), "seconds": ("time", 1),
    "min": ("time", 60), "mins": ("time", 60), "minute": ("time", 60), "minutes": ("time", 60),
    "h": ("time", 3600), "hr": ("time", 3600), "hrs": ("time", 3600), "hour": ("time", 3600),
    "hours": ("time", 3600), "day": ("time", 86400), "days": ("time", 86400),
    "kb": ("bytes", 1e3), "mb": ("bytes", 1e6), "gb": ("bytes", 1e9), "tb": ("bytes", 1e12), "pb": ("bytes", 1e15),
    "x": ("times", 1), "×": ("times", 1),
}
_UNIT_PATTERN = "|".join(sorted((re.escape(unit) for unit in _UNITS), key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?<![\w.,/])(?:[pP](?=\d))?\$?(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:st|nd|rd|th)?"
    rf"(?:[ \t]?(?P<unit>{_UNIT_PATTERN})(?![\w]))?(?![\w])",
    re.IGNORECASE,
)
_RATING = re.compile(r"\b\d(?:\.\d)?\s*(?:/\s*(?:4|5|10)\b|out of\s+(?:4|5|10)\b)", re.IGNORECASE)
_LEVEL = re.compile(r"\b[LlEe]\d\b")
_SMALL = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {word: 10 * (index + 2) for index, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


@dataclass(frozen=True)
class Quantity:
    surface: str
    value: float
    kind: str | None
    """percent, time (seconds), bytes, times, or None for a plain count."""

    def matches(self, other: Quantity) -> bool:
        same = abs(self.value - other.value) <= 1e-9 * max(abs(self.value), abs(other.value), 1.0)
        return same and (self.kind is None or other.kind is None or self.kind == other.kind)


def numbers_in(text: str) -> list[Quantity]:
    """Numbers written with digits, with their units (10k, 99.9%, 50 ms, 2x), as values."""
    text = _LEVEL.sub(" ", _RATING.sub(" ", text))
    found: list[Quantity] = []
    for match in _NUMBER.finditer(text):
        value = float(match.group("num").replace(",", ""))
        unit = (match.group("unit") or "").lower()
        kind, scale = _UNITS.get(unit, (None, 1.0))
        found.append(Quantity(match.group().strip(), value * scale, kind))
    return found


def spoken_numbers(text: str) -> list[Quantity]:
    """Digits as in `numbers_in`, plus numbers in words ("ten thousand", "fifty milliseconds", "a million")."""
    found = numbers_in(text)
    tokens = re.findall(r"[a-z%×µ]+|\d+(?:\.\d+)?", text.lower().replace("-", " "))
    index = 0
    while index < len(tokens):
        total, current, used, end = 0.0, 0.0, False, index
        while end < len(tokens):
            token = tokens[end]
            if token in _SMALL:
                current += _SMALL[token]
            elif token in _TENS:
                current += _TENS[token]
            elif token == "hundred" and used:
                current *= 100
            elif token in _SCALES and (used or (end > 0 and tokens[end - 1] == "a")):
                total += (current or 1) * _SCALES[token]
                current = 0
            elif token == "and" and used and end + 1 < len(tokens) and (
                    tokens[end + 1] in _SMALL or tokens[end + 1] in _TENS):
                pass
            else:
                break
            used = True
            end += 1
        if used:
            value = total + current
            kind: str | None = None
            if end < len(tokens) and tokens[end] in _UNITS:
                unit_kind, scale = _UNITS[tokens[end]]
                kind, value = unit_kind, value * scale
            found.append(Quantity(" ".join(tokens[index:end]), value, kind))
            index = end
        else:
            index += 1
    return found


# --- technologies ------------------------------------------------------------------------------------------------

TECHNOLOGIES = (
    "Redis", "Memcached", "Kafka", "Kinesis", "RabbitMQ", "SQS", "SNS", "Pulsar", "Cassandra", "ScyllaDB", "DynamoDB",
    "Bigtable", "HBase", "MongoDB", "Postgres", "PostgreSQL", "MySQL", "SQLite", "Spanner", "CockroachDB", "S3",
    "GCS", "HDFS", "Spark", "Flink", "Hadoop", "Airflow", "Beam", "Hive", "Presto", "Trino", "Snowflake",
    "BigQuery", "Redshift", "ClickHouse", "Druid", "Pinot", "BERT", "RoBERTa", "GPT", "T5", "Llama", "XGBoost",
    "LightGBM", "CatBoost", "FAISS", "ScaNN", "HNSW", "Annoy", "Milvus", "Pinecone", "Weaviate", "Elasticsearch",
    "OpenSearch", "Solr", "Lucene", "Kubernetes", "Docker", "Terraform", "TensorFlow", "PyTorch", "JAX", "ONNX",
    "Triton", "TensorRT", "Ray", "Dask", "Pandas", "NumPy", "scikit-learn", "MLflow", "Kubeflow", "SageMaker",
    "Vertex", "Feast", "ZooKeeper", "etcd", "Consul", "Nginx", "Envoy", "gRPC", "GraphQL", "Cloudflare", "Lambda",
    "EC2", "Prometheus", "Grafana", "Datadog", "LangChain", "LangGraph", "word2vec", "GloVe", "ResNet", "CLIP",
    "LoRA", "vLLM", "Bloom filter", "HyperLogLog", "Count-Min sketch", "Raft", "Paxos", "MapReduce",
)
_ALIASES = {
    "postgres": ("postgresql", "psql"), "postgresql": ("postgres", "psql"), "kubernetes": ("k8s",),
    "dynamodb": ("dynamo",), "mongodb": ("mongo",), "scikit-learn": ("sklearn", "scikit learn"),
    "elasticsearch": ("elastic search",), "bigquery": ("big query",), "qps": ("queries per second",
    "requests per second", "rps"), "rps": ("requests per second", "qps"), "ttl": ("time to live", "time-to-live"),
    "lru": ("least recently used",), "cdn": ("content delivery network",), "dau": ("daily active users",),
    "mau": ("monthly active users",), "sla": ("service level agreement",), "slo": ("service level objective",),
    "ab": ("a/b",), "llm": ("language model",), "rag": ("retrieval augmented", "retrieval-augmented", "retrieval"),
}
_NOT_TECHNOLOGY = {
    "I", "A", "OK", "TL", "DR", "TLDR", "STAR", "FAANG", "TODO", "NB", "AI", "ML", "QA", "FAQ", "NA", "US", "UK",
    "EU", "CEO", "CTO", "PM", "ASAP", "FYI", "LGTM", "IMO", "IMHO", "TBD", "BUT", "NOT", "NEVER", "AND", "OR", "NO",
    "ALL", "ONLY", "VERY", "MUST", "DID", "DO", "THE", "IS", "IT", "ID", "IDS", "YES", "NONE", "ANY", "ALSO",
    "STRONG", "WEAK", "HIRE", "GOOD", "GREAT",
}
_TECH_NAMES = "|".join(re.escape(name) for name in sorted(TECHNOLOGIES, key=len, reverse=True))
_TECH_PATTERN = re.compile(rf"(?<![\w-])(?:{_TECH_NAMES})(?![\w-])", re.IGNORECASE)
_CAMEL_OR_CAPS = re.compile(
    r"(?<![\w-])(?:[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*|[A-Z]+\d[A-Z0-9]*)(?:s)?(?![\w-])"
)


def technologies_in(text: str) -> list[str]:
    """Named technologies: the curated list (any case) plus CamelCase and ALLCAPS tokens."""
    found: dict[str, str] = {}
    for match in _TECH_PATTERN.finditer(text):
        found.setdefault(match.group().lower(), match.group())
    for match in _CAMEL_OR_CAPS.finditer(text):
        token = match.group()
        if token.endswith("s") and token[:-1].isupper():
            token = token[:-1]
        if token.upper() in _NOT_TECHNOLOGY or _LEVEL.fullmatch(token) or re.fullmatch(r"[pP]\d+", token):
            continue
        if token.lower() in STOPWORDS:
            continue
        found.setdefault(token.lower(), token)
    return list(found.values())


def technology_said(name: str, words: str) -> bool:
    """Whether a technology (or one of its aliases) appears in the words, in any case, spaced or hyphenated."""
    lowered = words.lower()
    for variant in (name.lower(), *_ALIASES.get(name.lower(), ())):
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


STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers him
his how i if in into is it its itself just me more most my no nor not of off on once only or other our out over own
same she should so some such than that the their them then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your yours yourself one ones
candidate candidates interviewer interviewers said says saying say mentioned mention mentions noted note stated state
explained explain described describe discussed discuss talked talk claimed argued suggested suggest proposed propose
clearly well really quite answer approach would like also using used use uses via eg ie etc turn turns
without never nothing none cannot whether
""".split())


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
    return {stem(word) for word in words if word.lower() not in STOPWORDS and len(word) > 1}


# --- scope and seniority -----------------------------------------------------------------------------------------

SCOPE_TERMS = (
    # titles
    "director", "vp", "vice president", "head of", "principal", "staff engineer", "distinguished", "executive",
    "sponsor", "tech lead", "senior leadership",
    # reach
    "org-wide", "organisation-wide", "organization-wide", "company-wide", "cross-org", "whole organisation",
    "whole organization", "entire organisation", "entire organization", "whole company", "entire company",
    "every team", "all teams", "several teams", "multiple teams", "many teams", "every product", "all products",
    "product group", "department", "division", "multi-year", "roadmap",
    # authority over people and direction
    "hired", "managed", "promoted", "in charge of", "accountable for", "set the direction",
    "set this direction", "set the strategy", "owned the strategy", "platform strategy",
)
"""Words that claim scope or seniority. A claim may use one only when the speaker said it (or its stem): feedback
that promotes the candidate ("as the director of the whole organisation") is a classic unfaithful embellishment."""
_SCOPE_PATTERNS = [(term, re.compile(r"(?<![\w-])" + r"\w*\s+".join(re.escape(stem(part)) for part in term.split())
                                     + r"\w*", re.IGNORECASE)) for term in SCOPE_TERMS]


@functools.lru_cache(maxsize=64)
def scope_terms(text: str) -> tuple[str, ...]:
    """The scope and seniority terms of SCOPE_TERMS that the text uses (by stem, so 'managing' counts as managed).
    Cached: every uncited claim is held to the same candidate words."""
    return tuple(term for term, pattern in _SCOPE_PATTERNS if pattern.search(text))
