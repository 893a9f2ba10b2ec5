"""The faithfulness checks, one module per kind: each takes a located claim and the transcript context and
returns a `Verdict`; `interviewer.evaluation.faithfulness` composes them."""
