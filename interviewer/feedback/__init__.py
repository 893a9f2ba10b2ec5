"""Feedback: evidence-graded grading against the level bars, verification and rendering."""
