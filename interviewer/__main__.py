from interviewer.cli import run

run()
