"""The round in a browser: `interviewer serve` (`app.py`), one live round per browser (`live.py`)."""

from interviewer.web.app import create_app

__all__ = ["create_app"]
