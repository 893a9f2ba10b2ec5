"""Diagram evidence: the candidate's latest diagram (`/diagram FILE`) as claims in the round's design dimension.

What was drawn is a strength quoting the diagram's own connections; what the diagram leaves open at the end of
the interview (a component never explained in words, a component with no connection, a queue nobody reads) is an
improvement quoting the component as drawn. Every quote is verbatim from the candidate's turn, like any other.
"""

from __future__ import annotations

from interviewer.artefact_probes import diagram_gaps, load_diagram_policy, spoken_words
from interviewer.diagram import Diagram, diagram_in
from interviewer.feedback.evidence import verify_claim
from interviewer.types import Claim, DimensionGrade, Evidence, Round, Transcript, Turn

MAX_GAP_CLAIMS = 3
SHOWN_CONNECTIONS = 3
GAP_TEXT = {
    "unexplained": "Drew {component} in the diagram but never explained it in words",
    "isolated": "Drew {component} in the diagram with no connection to the rest of the design",
    "no_consumer": "The diagram sends data into {component}, but nothing reads from it",
}


def _latest(transcript: Transcript) -> tuple[Turn, Diagram] | None:
    for turn in reversed(transcript.candidate_turns()):
        diagram = diagram_in(turn.text)
        if diagram is not None:
            return turn, diagram
    return None


def _quote_for(component: str, diagram: Diagram) -> str:
    """The connection the component takes part in, as written in the block, else its own label."""
    for connection in diagram.connections:
        if component in (connection.source, connection.target):
            return connection.text()
    return component


def diagram_claims(transcript: Transcript, dimension: str) -> list[Claim]:
    found = _latest(transcript)
    if found is None:
        return []
    turn, diagram = found
    parts, links = len(diagram.components), len(diagram.connections)
    if diagram.connections:
        shown = "; ".join(c.text() for c in diagram.connections[:SHOWN_CONNECTIONS])
        quote = f"Connections: {shown}"
        said = f"among them {shown}"
    else:
        quote = f"Components: {'; '.join(diagram.components)}"
        said = f"components {'; '.join(diagram.components)}"
    claims = [Claim(text=f"Drew the design as a diagram with {parts} components and {links} connections, {said}",
                    dimension=dimension, polarity="strength", kind="observation",
                    evidence=[Evidence(turn_id=turn.id, quote=quote)])]
    spoken = spoken_words([t.text for t in transcript.candidate_turns()])
    for kind, component in diagram_gaps(diagram, spoken)[:MAX_GAP_CLAIMS]:
        claims.append(Claim(text=GAP_TEXT[kind].format(component=component), dimension=dimension,
                            polarity="improvement", kind="observation",
                            evidence=[Evidence(turn_id=turn.id, quote=_quote_for(component, diagram))]))
    return claims


def apply_diagram_evidence(grades: list[DimensionGrade], transcript: Transcript, round_: Round) -> int:
    """Add the diagram's claims (each verified against the transcript) to the round's design dimension; returns
    how many were added (none in a round that takes no diagrams, or without a diagram)."""
    setting = load_diagram_policy().rounds.get(round_)
    if setting is None:
        return 0
    for grade in grades:
        if grade.dimension == setting.dimension:
            claims = diagram_claims(transcript, grade.dimension)
            for claim in claims:
                claim.verified = verify_claim(transcript, claim)
            claims = [claim for claim in claims if claim.verified]
            grade.claims.extend(claims)
            return len(claims)
    return 0
