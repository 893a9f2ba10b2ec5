"""Turn corpus files into retrievable chunks with the metadata the index filters on.

Kinds: `rubric` (a dimension's prose), `signal` (a signal's description and examples), `question`
(a question's prompt and notes), `probe` (one follow-up), `transcript` (a window of a sample
interview), `company` (a company type's emphasis).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from interviewer.rag.corpus import Chunk, CorpusFile, Metadata, sections
from interviewer.transcripts import parse_plain

TRANSCRIPT_WINDOW_WORDS = 220


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def chunks_for(file: CorpusFile) -> list[Chunk]:
    builders = {
        "rubric": _rubric_chunks,
        "signals": _rubric_chunks,
        "question": _question_chunks,
        "transcript": _transcript_chunks,
        "company": _company_chunks,
    }
    return list(builders[file.kind](file))


def _base(file: CorpusFile, kind: str, heading: str) -> Metadata:
    return {"kind": kind, "round": str(file.meta.get("round", "all")), "source": file.relative,
            "heading": heading}


def _rubric_chunks(file: CorpusFile) -> Iterator[Chunk]:
    dimension_by_name = {d["name"]: d["id"] for d in file.meta.get("dimensions", [])}
    dimension_of_signal = {s: d["id"] for d in file.meta.get("dimensions", []) for s in d["signals"]}
    for heading, text in sections(file.body):
        metadata = _base(file, "rubric", heading)
        if heading in dimension_by_name:
            metadata["dimension"] = dimension_by_name[heading]
        yield Chunk(f"{file.relative}#{_slug(heading) or 'intro'}", f"{heading}\n{text}".strip(), metadata)
    for signal in file.meta.get("signals", []):
        metadata = _base(file, "signal", signal["name"])
        metadata.update(signal=signal["id"], bar=signal["bar"])
        if signal["id"] in dimension_of_signal:
            metadata["dimension"] = dimension_of_signal[signal["id"]]
        examples = "\n".join(f"- {example}" for example in signal["examples"])
        text = f"{signal['name']}: {signal['description']}\nWhat it sounds like:\n{examples}"
        yield Chunk(f"{file.relative}#signal-{signal['id']}", text, metadata)


def _question_chunks(file: CorpusFile) -> Iterator[Chunk]:
    meta = file.meta
    qid = str(meta["id"])
    opening = _base(file, "question", str(meta["title"]))
    opening.update(question=qid, levels=[str(level) for level in meta.get("levels", [])])
    yield Chunk(f"{file.relative}#prompt", f"{meta['title']}\n{meta['prompt']}\n{meta['ambiguous_prompt']}",
                opening)
    for heading, text in sections(file.body):
        metadata = _base(file, "question", f"{meta['title']}: {heading}")
        metadata["question"] = qid
        yield Chunk(f"{file.relative}#{_slug(heading)}", f"{meta['title']}: {heading}\n{text}", metadata)
    for probe in meta.get("probes", []):
        metadata = _base(file, "probe", f"{meta['title']}: {probe['id']}")
        metadata.update(question=qid, signal=probe["signal"], phase=probe["phase"], probe=probe["id"])
        yield Chunk(f"{file.relative}#probe-{probe['id']}", str(probe["text"]), metadata)


def _transcript_chunks(file: CorpusFile) -> Iterator[Chunk]:
    """Windows of consecutive turns, about TRANSCRIPT_WINDOW_WORDS words each."""
    transcript = parse_plain(file.body, source=file.relative)
    window: list[str] = []
    first = 1
    words = 0
    for turn in transcript.turns:
        window.append(f"{turn.speaker}: {turn.text}")
        words += len(turn.text.split())
        if words >= TRANSCRIPT_WINDOW_WORDS or turn is transcript.turns[-1]:
            metadata = _base(file, "transcript", f"turns {first}-{turn.id}")
            metadata.update(level=str(file.meta["level"]), question=str(file.meta["question"]))
            shown = [str(s) for s in file.meta.get("signals_shown", [])]
            if shown:
                metadata["signals"] = shown
            yield Chunk(f"{file.relative}#turns-{first}-{turn.id}", "\n".join(window), metadata)
            window, words, first = [], 0, turn.id + 1


def _company_chunks(file: CorpusFile) -> Iterator[Chunk]:
    for heading, text in sections(file.body):
        metadata = _base(file, "company", heading or str(file.meta["title"]))
        metadata["company"] = str(file.meta["company"])
        yield Chunk(f"{file.relative}#{_slug(heading) or 'intro'}", text, metadata)
