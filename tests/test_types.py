import pytest
from pydantic import ValidationError

from interviewer.types import Claim, Level, Transcript, Turn


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValidationError):
        Turn.model_validate({"id": 1, "speaker": "A", "role": "candidate", "text": "hi", "mood": "calm"})


def test_roles_and_claim_kinds_are_closed_sets() -> None:
    with pytest.raises(ValidationError):
        Turn(id=1, speaker="A", role="observer", text="hi")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Claim(text="x", dimension="d", polarity="strength", kind="opinion")  # type: ignore[arg-type]


def test_levels_map_to_bars() -> None:
    assert [level.bar for level in Level] == ["execution", "execution", "strategy", "strategy"]


def test_transcripts_carry_a_schema_version() -> None:
    transcript = Transcript(turns=[])
    assert transcript.model_dump()["schema_version"] == 1
