"""Feedback as Markdown (for people) or JSON (for tools)."""

from __future__ import annotations

from interviewer.evaluation.claim_split import JUDGMENT_MARK
from interviewer.feedback.grading import SCORE_WORDS, is_grade_claim
from interviewer.types import Claim, Feedback

ROUND_TITLES = {
    "system-design": "System design",
    "ml-system-design": "ML system design",
    "ai-systems-design": "AI/LLM systems design",
    "ml-coding": "ML coding",
    "statistics": "Statistics & experimentation",
    "behavioral": "Behavioral",
    "coding": "Coding (data structures and algorithms)",
    "debugging": "Python coding and debugging",
    "pair-programming": "Pair programming",
    "ml-fundamentals": "ML fundamentals",
}


def to_json(feedback: Feedback) -> str:
    return feedback.model_dump_json(indent=2) + "\n"


def _grade(score: int | None) -> tuple[str, str]:
    if score is None:
        return "insufficient evidence", ""
    return f"{score}/4", SCORE_WORDS[score]


DROPPED = " (claims whose quote the checker did not find clearly supporting them are not printed)"


def _claim_lines(claim: Claim) -> list[str]:
    if claim.kind == "absence":
        return [f"- {claim.text} *(checked against every candidate turn)*"]
    lines = [f"- {claim.text} {JUDGMENT_MARK}" if claim.kind == "judgment" else f"- {claim.text}"]
    for evidence in claim.evidence:
        quote = " ".join(evidence.quote.split())
        # A quote holding straight quotes ('always "give me one list"') goes in curly ones, so it reads as one.
        opening, closing = ("“", "”") if '"' in quote and "”" not in quote else ('"', '"')
        lines.append(f"  > {opening}{quote}{closing} (turn {evidence.turn_id})")
    return lines


def _uncredited(feedback: Feedback) -> list[str]:
    """With no improvement to quote, what kept the dimensions below the bar from a higher grade: what they were
    not credited for (not a claim that it never came up: it was not said clearly enough to credit)."""
    below = [f"{grade.name}: {'; '.join(grade.not_credited)}" for grade in feedback.dimensions
             if grade.score is not None and grade.score < 3 and grade.not_credited]
    if not below:
        return ["- None found."]
    lines = ["None with a quote to show. Not credited in the dimensions below the bar (no answer showed it clearly "
             "enough; say it outright next time):"]
    for line in below:
        lines += ["", f"*{line}.*"]  # paragraphs, not bullets: what was not credited is not a claim
    return lines


def to_markdown(feedback: Feedback) -> str:
    title = ROUND_TITLES.get(feedback.round.value, feedback.round.value)
    company = f", {feedback.company.value}" if feedback.company else ""
    check = feedback.verification
    out = [
        f"# Feedback: {title}, target {feedback.target_level.value}{company}",
        "",
        f"**Verdict at {feedback.target_level.value}: {feedback.verdict}** · "
        f"**Level estimate: {feedback.level_estimate.value}** · graded by the {feedback.grader} grader",
        "",
        feedback.summary,
        "",
        f"Evidence check: {check.claims_verified} of {check.claims_total} claims verified against the "
        f"transcript (quotes verbatim in the candidate's turns, absences checked against every candidate "
        f"turn); {check.claims_dropped} dropped{DROPPED if check.claims_dropped else ''}.",
    ]
    for flag in feedback.flags:
        out += ["", f"**Flag:** {flag}"]
    if feedback.hints_taken:
        out += ["", f"Hints taken: {feedback.hints_taken} (signals shown only after a hint count half)."]
    out += ["", "## Dimensions", "", "| Dimension | Grade | Bar |", "|---|---|---|"]
    for grade in feedback.dimensions:
        mark, words = _grade(grade.score)
        out.append(f"| {grade.name} | {mark} | {words} |")
    out += ["", "## Strengths", ""]
    out += [line for claim in feedback.strengths for line in _claim_lines(claim)] or ["- None with evidence."]
    out += ["", "## Improvements", ""]
    out += [line for claim in feedback.improvements for line in _claim_lines(claim)] or _uncredited(feedback)
    if feedback.next_level:
        out += ["", "## What the next level would have shown", ""]
        out += [f"- {item}" for item in feedback.next_level]
    out += ["", "## Per dimension"]
    for grade in feedback.dimensions:
        mark, _ = _grade(grade.score)
        out += ["", f"### {grade.name}: {mark}", "", grade.rationale]
        claims = [c for c in grade.claims if not is_grade_claim(c)]
        if claims:
            out.append("")
            out += [line for claim in claims for line in _claim_lines(claim)]
        if grade.credited_unprinted:
            out += ["", f"Also credited, on a quote the checker found only weakly supporting it (so not printed): "
                        f"{'; '.join(grade.credited_unprinted)}."]
        if grade.not_credited:
            out += ["", f"Not credited (no answer showed it clearly enough; say it outright next time): "
                        f"{'; '.join(grade.not_credited)}."]
    return "\n".join(out) + "\n"
