"""Build the interview graph. A factory, so tests and the CLI choose the checkpointer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, cast

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Checkpointer

from interviewer.graph.nodes import InterviewContext, analyze, ask, grade, open_round, plan, speak
from interviewer.graph.state import InterviewState

Node = Callable[[InterviewState, Runtime[InterviewContext]], dict[str, Any]]


def _with_context(node: Node, context_of: Callable[[InterviewState], InterviewContext]) -> Node:
    def with_context(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
        return node(state, runtime.override(context=context_of(state)))

    with_context.__name__ = node.__name__
    return with_context


def after_speak(state: InterviewState) -> Literal["ask", "grade"]:
    """The closing words end the round; anything else waits for the candidate."""
    return "grade" if state["pending"]["kind"] == "end" else "ask"


def build_graph(checkpointer: Checkpointer = None,
                context_of: Callable[[InterviewState], InterviewContext] | None = None) -> Any:
    """The interview graph. Its nodes take their context from the run (`context=`), or, with `context_of`, from
    the state itself (a host that cannot pass Python objects in, such as LangGraph's own server)."""
    # With `context_of` the run's own context is unused: no schema, so a host passes none and builds none.
    builder = StateGraph(InterviewState, context_schema=InterviewContext if context_of is None else None)
    builder.add_node("open", open_round)
    for name, node in (("speak", speak), ("ask", ask), ("analyze", analyze), ("plan", plan), ("grade", grade)):
        builder.add_node(name, cast(Any, node if context_of is None else _with_context(node, context_of)))
    builder.add_edge(START, "open")
    builder.add_edge("open", "speak")
    builder.add_conditional_edges("speak", after_speak)
    builder.add_edge("ask", "analyze")
    builder.add_edge("analyze", "plan")
    builder.add_edge("plan", "speak")
    builder.add_edge("grade", END)
    return builder.compile(checkpointer=checkpointer)
