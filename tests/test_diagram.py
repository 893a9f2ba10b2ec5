"""Diagrams (`/diagram FILE`): Mermaid and Excalidraw read into components and connections, the block kept in the
conversation, what the diagram leaves open, the follow-up it calls for, and the claims it becomes."""

import json
from pathlib import Path

import pytest

from interviewer.artefact_probes import (
    DIAGRAM_PREFIX,
    diagram_gaps,
    diagram_probe,
    load_diagram_policy,
    mentioned,
)
from interviewer.catalog import Catalog
from interviewer.conversation import ScriptConversation, attach_diagram
from interviewer.diagram import Connection, diagram_block, diagram_in, parse_mermaid, read_diagram, without_diagram
from interviewer.errors import UserError
from interviewer.feedback.diagram_evidence import diagram_claims
from interviewer.feedback.evidence import verify_claim
from interviewer.practice import Status
from interviewer.transcripts import parse_plain
from interviewer.types import Round

FLOWCHART = """```mermaid
flowchart LR
  %% a link shortener
  client([Mobile client]) --> gw[API gateway]
  gw -->|create, resolve| svc[Shortener service]
  svc --> cache[(Redis cache)] & db[(Postgres)]
  svc -- click events --> q[[Kafka]]
  db -. replicates .-> replica[(Read replica)]
  subgraph ops
    scanner{{Abuse scanner}}:::warn
  end
  classDef warn fill:#f96
```
"""


def test_mermaid_components_connections_and_labels() -> None:
    diagram = parse_mermaid(FLOWCHART, "design.mmd")
    assert diagram.components == ["Mobile client", "API gateway", "Shortener service", "Redis cache", "Postgres",
                                  "Kafka", "Read replica", "Abuse scanner"]
    assert Connection("API gateway", "Shortener service", "create, resolve") in diagram.connections
    assert Connection("Shortener service", "Redis cache") in diagram.connections
    assert Connection("Shortener service", "Postgres") in diagram.connections  # `A --> B & C`
    assert Connection("Shortener service", "Kafka", "click events") in diagram.connections
    assert Connection("Postgres", "Read replica", "replicates") in diagram.connections
    assert parse_mermaid("graph TD\nA --- B\nB-->C", "x").connections == [
        Connection("A", "B", directed=False), Connection("B", "C")]


def test_the_block_reads_back_and_leaves_the_words_apart() -> None:
    diagram = parse_mermaid(FLOWCHART, "design.mmd")
    turn = "The service sits behind a gateway.\n\n" + diagram_block(diagram)
    assert diagram_in(turn) == diagram
    assert diagram_block(diagram).startswith("[Diagram: design.mmd, Mermaid flowchart, 8 components, 6 connections]")
    assert without_diagram(turn) == "The service sits behind a gateway."
    assert diagram_in("no diagram here") is None


def _excalidraw(tmp_path: Path) -> Path:
    def box(element_id: str, x: float, kind: str = "rectangle") -> dict[str, object]:
        return {"id": element_id, "type": kind, "x": x, "y": 0, "width": 100, "height": 60}

    elements = [
        box("r1", 0), {"id": "t1", "type": "text", "text": "API\ngateway", "containerId": "r1", "x": 10, "y": 10},
        box("r2", 300), {"id": "t2", "type": "text", "text": "Kafka", "x": 320, "y": 20, "width": 40, "height": 20},
        box("r3", 600, "ellipse"),
        {"id": "t3", "type": "text", "text": "Client", "x": -300, "y": 0, "width": 50, "height": 20},
        {"id": "a1", "type": "arrow", "startBinding": {"elementId": "r1"}, "endBinding": {"elementId": "r2"}},
        {"id": "t4", "type": "text", "text": "click events", "containerId": "a1"},
        {"id": "a2", "type": "arrow", "startBinding": {"elementId": "t3"}, "endBinding": {"elementId": "r1"}},
        {**box("r9", 900), "isDeleted": True},
    ]
    path = tmp_path / "design.excalidraw"
    path.write_text(json.dumps({"type": "excalidraw", "version": 2, "elements": elements}))
    return path


def test_excalidraw_bound_text_free_text_and_arrows(tmp_path: Path) -> None:
    diagram = read_diagram(_excalidraw(tmp_path))
    assert diagram.kind == "Excalidraw drawing"
    assert diagram.components == ["API gateway", "Kafka", "Client"]  # the empty unconnected ellipse is left out
    assert diagram.connections == [Connection("API gateway", "Kafka", "click events"),
                                   Connection("Client", "API gateway")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("", "the file is empty"),
        ("sequenceDiagram\nA->>B: hi\n", "not a Mermaid flowchart (it starts with 'sequenceDiagram'"),
        ("flowchart LR\nA --> B\nthis is prose, not a node\n", "line 3 is not a flowchart node or connection"),
        ("{\"elements\": [", "not valid JSON at line 1"),
        ("{\"type\": \"excalidraw\"}", "without an 'elements' list"),
        ("{\"elements\": []}", "the diagram has no labelled components"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not a UTF-8 text file"),
    ],
)
def test_a_bad_file_is_one_clear_line(tmp_path: Path, content: str | bytes | None, message: str) -> None:
    path = tmp_path / "bad.mmd"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(UserError, match=message.replace("(", r"\(")) as error:
        read_diagram(path)
    assert "\n" not in str(error.value)


def test_what_the_diagram_leaves_open() -> None:
    diagram = parse_mermaid("flowchart LR\nclient[Web client] --> api[API service]\napi --> cache[(Redis cache)]\n"
                            "api --> q[Kafka events]\nq --> workers[Analytics workers]\nlonely[Audit log store]\n"
                            "api --> mq[Email queue]\n", "d.mmd")
    spoken = "The API service reads from the cache and puts events on Kafka."
    assert mentioned("Redis cache", spoken) and mentioned("Kafka events", spoken)
    assert not mentioned("Analytics workers", spoken)
    gaps = diagram_gaps(diagram, spoken)
    assert ("unexplained", "Analytics workers") in gaps and ("unexplained", "Web client") not in gaps
    assert ("isolated", "Audit log store") in gaps
    assert ("no_consumer", "Email queue") in gaps and ("no_consumer", "Kafka events") not in gaps


def test_the_follow_up_names_the_component_and_is_rationed() -> None:
    block = diagram_block(parse_mermaid(FLOWCHART, "design.mmd"))
    answers = ["The client calls the gateway, which calls the shortener; it keeps links in Postgres, hot ones in "
               "the cache, with a replica for reads, and clicks go to Kafka.\n\n" + block]
    move = diagram_probe(Round.SYSTEM_DESIGN, answers, set(), None, 2)
    assert move is not None and move.kind == "probe" and move.phase == 2
    assert move.probe_text is not None and "Abuse scanner" in move.probe_text
    assert move.signal == "sd-core-components" and move.probe is not None
    assert diagram_probe(Round.SYSTEM_DESIGN, answers, set(), move.probe, 2) is None  # never twice in a row
    asked = {f"{DIAGRAM_PREFIX}a", f"{DIAGRAM_PREFIX}b"}
    assert diagram_probe(Round.SYSTEM_DESIGN, answers, asked, None, 2) is None  # at most two a round
    assert diagram_probe(Round.ML_CODING, answers, set(), None, 2) is None  # not a design round
    assert diagram_probe(Round.SYSTEM_DESIGN, ["no diagram"], set(), None, 2) is None


def test_the_diagram_becomes_verified_claims() -> None:
    block = diagram_block(parse_mermaid(FLOWCHART, "design.mmd"))
    transcript = parse_plain(f"Interviewer: Design it.\n\nCandidate: Here it is.\n{block}\n\n"
                             "Interviewer: Go on.\n\nCandidate: The gateway routes to the shortener service, which "
                             "uses Redis and Postgres with a replica, and puts clicks on Kafka.\n")
    claims = diagram_claims(transcript, "high-level-design")
    assert claims[0].polarity == "strength" and claims[0].text.startswith(
        "Drew the design as a diagram with 8 components and 6 connections")
    gaps = [c.text for c in claims[1:]]
    assert gaps == ["Drew Abuse scanner in the diagram but never explained it in words",
                    "Drew Abuse scanner in the diagram with no connection to the rest of the design",
                    "The diagram sends data into Kafka, but nothing reads from it"]
    assert all(verify_claim(transcript, claim) for claim in claims)


def test_the_data_file_names_real_rounds_dimensions_and_signals(catalog: Catalog) -> None:
    policy = load_diagram_policy()
    assert set(policy.rounds) == {Round.SYSTEM_DESIGN, Round.ML_SYSTEM_DESIGN, Round.AI_SYSTEMS_DESIGN}
    for round_, setting in policy.rounds.items():
        rubric = catalog.rubric(round_)
        assert setting.dimension in {d.id for d in rubric.dimensions}
        assert setting.signal in rubric.signals
    for text in (policy.questions.unexplained, policy.questions.isolated, policy.questions.no_consumer):
        assert "{component}" in text and text.format(component="X")
    assert all(isinstance(word, str) for word in policy.words.generic + policy.words.entry + policy.words.queue)


def _status(round_: str) -> Status:
    return Status("t", "L5", "p", 1, 6, 60.0, 600.0, [], round=round_)


def test_attaching_keeps_the_words_and_refuses_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "d.mmd"
    path.write_text("flowchart LR\nA[Gateway] --> B[Store]\n")
    text = attach_diagram(f"My design.\n/diagram {path}", "system-design")
    assert text.startswith("My design.\n\n[Diagram: d.mmd, Mermaid flowchart, 2 components, 1 connection]")
    with pytest.raises(UserError, match="/diagram is for the design rounds"):
        attach_diagram(f"/diagram {path}", "statistics")
    with pytest.raises(UserError, match="usage: /diagram FILE"):
        attach_diagram("/diagram", "system-design")


def test_a_script_with_a_bad_diagram_goes_on_and_keeps_the_words(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        conversation = ScriptConversation([f"My design.\n/diagram {tmp_path / 'missing.mmd'}", "Next answer."],
                                          stream)
        first = conversation.read(lambda: _status("system-design"))
        second = conversation.read(lambda: _status("system-design"))
    assert first is not None and first.text == "My design."
    assert second is not None and second.text == "Next answer."
    printed = out.read_text()
    assert f"[{tmp_path / 'missing.mmd'}: no such file; the round goes on without the diagram]" in printed
