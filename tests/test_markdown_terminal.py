"""Reports laid out for a terminal: the marks of Markdown go, the candidate's quoted words stay exactly as said."""

from __future__ import annotations

import click

from interviewer.markdown_terminal import for_terminal

REPORT = """\
# Feedback: Coding, target L5

**Verdict at L5: hire** · **Level estimate: L5**

## Dimensions

| Dimension | Grade | Bar |
|---|---|---|
| Correctness | 3/4 | meets the L4/L5 execution bar |
| Complexity \\| cost | insufficient evidence |  |

## Strengths

- Complexity (execution bar): the candidate said it runs in O(n*m) time with a __slots__ class
  and a List<int>
  > "It is O(n*m) time, and the __init__ takes a List<int> of *all* indices." (turn 7)
  > "Second quote." (turn 9)

*Trade-offs: Articulates trade-offs.*
"""


def test_the_marks_go_and_the_quotes_stay_as_said() -> None:
    shown = click.unstyle(for_terminal(REPORT, 80))
    assert "#" not in shown and "**" not in shown and "|---" not in shown
    assert shown.startswith("Feedback: Coding, target L5\n")
    assert "Verdict at L5: hire · Level estimate: L5" in shown
    quote = '"It is O(n*m) time, and the __init__ takes a List<int> of *all* indices." (turn 7)'
    assert " ".join(line.strip(" │") for line in shown.splitlines() if "│" in line).startswith(quote)
    assert '│ "Second quote." (turn 9)' in shown  # each quote on its own line
    assert "\nTrade-offs: Articulates trade-offs.\n" in shown


def test_a_table_is_aligned_and_lines_wrap_at_words() -> None:
    rows = [line for line in click.unstyle(for_terminal(REPORT, 80)).splitlines()
            if line.startswith(("Dimension ", "Correctness", "Complexity |"))]
    assert len(rows) == 3 and rows[0].index("Grade") == rows[1].index("3/4") == rows[2].index("insufficient")
    assert rows[2].startswith("Complexity | cost")
    shown = click.unstyle(for_terminal(REPORT, 60)).splitlines()
    assert all(len(line) <= 60 for line in shown)
    item = next(index for index, line in enumerate(shown) if line.startswith("• Complexity (execution bar)"))
    assert shown[item + 1].startswith("  ") and not shown[item + 1].startswith("   ")  # a hanging indent
    words = {word for line in shown for word in line.split()}
    assert "__slots__" in words and "O(n*m)" in words  # no word cut in two
