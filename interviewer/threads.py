"""The names of the background threads a practice round runs: the command's exit does not wait for them."""

ENGINE_THREAD = "engine"
"""Loads the model, the detector and the interview graph while the candidate reads the first question."""
INDEX_THREAD = "index"
"""Builds or opens the retrieval index once the interviewer is quiet."""
BACKGROUND_THREADS = frozenset({ENGINE_THREAD, INDEX_THREAD})
