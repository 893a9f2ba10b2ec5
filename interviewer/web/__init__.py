"""The round in a browser: `interviewer serve` (`app.py`), one live round per browser (`live.py`)."""
