"""Retrieval: the corpus, its chunks, embeddings and the Chroma index."""
