"""interviewer: a mock interviewer in the terminal."""
