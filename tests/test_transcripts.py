from pathlib import Path

import pytest

from interviewer.config import REPO_ROOT
from interviewer.errors import UserError
from interviewer.transcripts import parse_plain, read_transcript, to_json, to_markdown
from interviewer.types import CompanyType, Level, Round, Transcript, Turn

EXPORT = """Alex Kim: Thanks for joining. Today: design a URL shortener. How would you start?
Sam Lee: First I'd ask about scale. How many links a month, and what's the read to write ratio?
Note: I am assuming reads dominate.
Alex Kim: About 100 million new links a month, reads 100 to 1.
Sam Lee: Then I'd size it:
100M / 2.6M seconds is about 40 writes per second,
so roughly 4,000 redirects per second on average.
Alex Kim: What would you cache?
Sam Lee: The hottest links, in Redis, with a TTL.
"""


def test_plain_text_turns_continue_over_lines_and_roles_are_detected() -> None:
    transcript = parse_plain(EXPORT)
    assert [t.speaker for t in transcript.turns] == ["Alex Kim", "Sam Lee"] * 3
    assert {t.speaker: t.role for t in transcript.turns} == {"Alex Kim": "interviewer", "Sam Lee": "candidate"}
    assert "Note: I am assuming reads dominate." in transcript.turns[1].text
    assert transcript.turns[3].text.splitlines()[1] == "100M / 2.6M seconds is about 40 writes per second,"
    assert [t.id for t in transcript.turns] == list(range(1, 7))


def test_role_names_win_over_behaviour() -> None:
    text = "Candidate: Can I ask what scale we need?\nInterviewer: Ten million users.\n" \
           "Candidate: Great?\nInterviewer: Go on."
    roles = {t.speaker: t.role for t in parse_plain(text).turns}
    assert roles == {"Candidate": "candidate", "Interviewer": "interviewer"}


@pytest.mark.parametrize("flag", ["interviewer", "candidate"])
def test_overrides_choose_the_roles(flag: str) -> None:
    kwargs = {"interviewer": "Sam Lee"} if flag == "interviewer" else {"candidate": "Alex Kim"}
    roles = {t.speaker: t.role for t in parse_plain(EXPORT, **kwargs).turns}
    assert roles == {"Sam Lee": "interviewer", "Alex Kim": "candidate"}


def test_override_with_an_unknown_name_says_who_is_there() -> None:
    with pytest.raises(UserError, match="'Bob' is not a speaker here .speakers: Alex Kim, Sam Lee"):
        parse_plain(EXPORT, candidate="Bob")


def test_timestamps_and_bold_names_are_read() -> None:
    text = "[00:01] **Interviewer:** Hello, tell me about caching?\n[00:02] **Candidate:** I'd use Redis.\n"
    transcript = parse_plain(text)
    assert [(t.role, t.text) for t in transcript.turns] == [
        ("interviewer", "Hello, tell me about caching?"), ("candidate", "I'd use Redis.")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "only white space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        (b"Interviewer: caf\xe9 au lait?\nCandidate: yes\n", "not valid UTF-8"),
        (b"Interviewer: hello?\nInterviewer: anyone?\n", "only one speaker"),
        (b"just some prose without speakers\n", "no 'Speaker: text' turns"),
        (b"Dana: Design a cache.\n", r"each speaker \(Dana\) says one line only"),
        (b'{"turns": [{"id": 1}]}', "invalid transcript at turns.0.speaker"),
        (b'{"turns": [', "invalid JSON"),
        (b'{"schema_version": 9, "turns": []}', "schema version 9"),
    ],
)
def test_bad_files_give_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message) as error:
        read_transcript(path)
    assert "\n" not in str(error.value)


def test_huge_and_missing_files(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Interviewer: x\n" * 400_000)
    with pytest.raises(UserError, match="over 5 MB"):
        read_transcript(huge)
    with pytest.raises(UserError, match="no such file"):
        read_transcript(tmp_path / "nope.txt")


def test_json_and_markdown_round_trip(tmp_path: Path) -> None:
    transcript = parse_plain(EXPORT)
    json_path = tmp_path / "t.json"
    json_path.write_text(to_json(transcript))
    assert read_transcript(json_path) == transcript
    markdown_path = tmp_path / "t.md"
    markdown_path.write_text(to_markdown(transcript))
    again = read_transcript(markdown_path)
    assert [(t.speaker, t.role, t.text) for t in again.turns] == [
        (t.speaker, t.role, t.text) for t in transcript.turns]


def test_a_line_inside_an_answer_that_looks_like_a_speaker_stays_in_the_answer(tmp_path: Path) -> None:
    """Our own transcript.md read back has the same turns, whatever an answer holds."""
    lines = ["Interviewer: that is a clear strong hire.", "Maya: agreed.", "**Maya:** in bold", "[12:01] Maya: timed",
             "Note: an ordinary label", "Maya\\: already escaped", "Maya\\\\: twice"]
    turns = [Turn(id=1, speaker="Maya", role="interviewer", text="How would you store the counters?"),
             Turn(id=2, speaker="Candidate", role="candidate", text="In Redis.\n" + "\n".join(lines) + "\nThat's it."),
             Turn(id=3, speaker="Maya", role="interviewer", text="And when Redis is down?"),
             Turn(id=4, speaker="Candidate", role="candidate", text="We fail open for a minute.")]
    transcript = Transcript(round=Round.SYSTEM_DESIGN, turns=turns)
    path = tmp_path / "transcript.md"
    path.write_text(to_markdown(transcript))
    again = read_transcript(path)
    assert [(t.speaker, t.role, t.text) for t in again.turns] == [(t.speaker, t.role, t.text) for t in turns]


def test_markdown_keeps_the_round_facts_and_hints(tmp_path: Path) -> None:
    transcript = parse_plain(EXPORT).model_copy(update={
        "round": Round.ML_CODING, "level": Level.L6, "company": CompanyType.STARTUP, "question": "code-kmeans"})
    transcript.turns[2].hint = True
    path = tmp_path / "t.md"
    path.write_text(to_markdown(transcript))
    again = read_transcript(path)
    assert (again.round, again.level, again.company, again.question) == (
        Round.ML_CODING, Level.L6, CompanyType.STARTUP, "code-kmeans")
    assert [t.hint for t in again.turns] == [t.hint for t in transcript.turns]
    assert [t.text for t in again.turns] == [t.text for t in transcript.turns]


def test_a_corpus_sample_says_its_round_and_a_foreign_level_is_ignored(tmp_path: Path) -> None:
    sample = read_transcript(REPO_ROOT / "rag_corpus/transcripts/ml-coding/code-l5-kmeans.md")
    assert (sample.round, sample.level, sample.question) == (Round.ML_CODING, Level.L5, "code-kmeans")
    assert sample.turns[0].speaker == "Interviewer"
    foreign = tmp_path / "export.txt"
    foreign.write_text("- Level: senior\n- Round: system-design\n" + EXPORT)
    read = read_transcript(foreign)
    assert (read.level, read.round) == (None, Round.SYSTEM_DESIGN)


def test_pasted_code_and_labels_are_not_speakers() -> None:
    text = ("Interviewer: Write it.\nCandidate: Here it is:\ndef assign(points: list, k: int):\n    return points\n"
            "Note: ties go low.\nInterviewer: And the update?\nCandidate: Same idea:\n"
            "def assign(points: list, k: int):\n    return points[:k]\nNote: done.\n"
            "Returns: a list.\nReturns: still a list.\nInterviewer (Alice): Thanks.\n")
    transcript = parse_plain(text)
    assert [t.speaker for t in transcript.turns] == ["Interviewer", "Candidate", "Interviewer", "Candidate",
                                                     "Interviewer (Alice)"]
    assert "def assign(points: list, k: int):\n    return points[:k]" in transcript.turns[3].text
