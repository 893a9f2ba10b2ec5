"""Build the interview graph. A factory, so tests and the CLI choose the checkpointer."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.types import Checkpointer

from interviewer.graph.nodes import InterviewContext, analyze, ask, grade, open_round, plan, speak
from interviewer.graph.state import InterviewState


def after_speak(state: InterviewState) -> Literal["ask", "grade"]:
    """The closing words end the round; anything else waits for the candidate."""
    return "grade" if state["pending"]["kind"] == "end" else "ask"


def build_graph(checkpointer: Checkpointer = None) -> Any:
    builder = StateGraph(InterviewState, context_schema=InterviewContext)
    builder.add_node("open", open_round)
    builder.add_node("speak", speak)
    builder.add_node("ask", ask)
    builder.add_node("analyze", analyze)
    builder.add_node("plan", plan)
    builder.add_node("grade", grade)
    builder.add_edge(START, "open")
    builder.add_edge("open", "speak")
    builder.add_conditional_edges("speak", after_speak)
    builder.add_edge("ask", "analyze")
    builder.add_edge("analyze", "plan")
    builder.add_edge("plan", "speak")
    builder.add_edge("grade", END)
    return builder.compile(checkpointer=checkpointer)
