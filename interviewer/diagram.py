"""Architecture diagrams the candidate attaches with `/diagram FILE`: a Mermaid flowchart or an Excalidraw export,
read into components and connections.

The diagram enters the conversation as part of a candidate turn, in a plain-text block that this module also reads
back (`diagram_in`), so the transcript keeps it, the planner can ask about what it shows and the grader can quote it.
A file that cannot be read is one clear line (`UserError`); nothing here raises anything else for a bad file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.errors import UserError

MAX_BYTES = 1024 * 1024
MAX_LABEL_CHARS = 60
MERMAID = "Mermaid flowchart"
EXCALIDRAW = "Excalidraw drawing"
SHAPES = {"rectangle", "ellipse", "diamond"}


@dataclass(frozen=True)
class Connection:
    source: str
    target: str
    label: str = ""
    directed: bool = True

    def text(self) -> str:
        arrow = "->" if self.directed else "--"
        label = f" (label: {self.label})" if self.label else ""
        return f"{self.source} {arrow} {self.target}{label}"


@dataclass(frozen=True)
class Diagram:
    name: str
    kind: str
    components: list[str]
    """Component labels, in the order they were drawn (unique)."""
    connections: list[Connection] = field(default_factory=list)

    def summary(self) -> str:
        """'design.mmd, Mermaid flowchart, 6 components, 7 connections'."""
        parts, links = len(self.components), len(self.connections)
        return (f"{self.name}, {self.kind}, {parts} component{'' if parts == 1 else 's'}, "
                f"{links} connection{'' if links == 1 else 's'}")

    def degree(self, component: str) -> int:
        return sum((c.source == component) + (c.target == component) for c in self.connections)


# --- reading a file -----------------------------------------------------------------------------


def read_diagram(path: Path) -> Diagram:
    """The diagram in a Mermaid (`.mmd`, `.md`, any text) or Excalidraw (`.excalidraw`, `.json`) file."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a diagram file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UserError(f"{path}: the file is {size / 1_048_576:.1f} MB; diagrams over 1 MB are not read")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise UserError(f"{path}: is not a UTF-8 text file (a Mermaid flowchart or an Excalidraw export)") from None
    if not text.strip():
        raise UserError(f"{path}: the file is empty")
    stripped = text.lstrip()
    diagram = parse_excalidraw(text, path.name) if stripped.startswith("{") else parse_mermaid(text, path.name)
    if not diagram.components:
        raise UserError(f"{path}: the diagram has no labelled components")
    return diagram


def _clean(label: str) -> str:
    """A label on one line, without markup, quotes or the characters the diagram block uses as separators."""
    label = re.sub(r"<br\s*/?>", " ", label, flags=re.IGNORECASE)
    label = re.sub(r"<[^>]+>|[*_`\"]|&quot;|fa:fa-[\w-]+", "", label)
    label = label.replace(";", ",").replace("->", "to").replace(" -- ", " - ").replace("(label:", "(")
    label = " ".join(label.split()).strip(" ,")
    return label[:MAX_LABEL_CHARS].rstrip()


# --- Mermaid ------------------------------------------------------------------------------------

_MERMAID_HEADER = re.compile(r"^(flowchart|graph)(\s+(TB|TD|BT|RL|LR))?\s*;?\s*$", re.IGNORECASE)
_SKIP = re.compile(r"^(%%|classDef\b|class\b|style\b|linkStyle\b|click\b|direction\b|accTitle\b|accDescr\b|end\s*$)")
_SUBGRAPH = re.compile(r"^subgraph\b", re.IGNORECASE)
_NODE_ID = re.compile(r"\s*(\w+)")
_SHAPES = [  # opening, closing: longest first
    ("([", "])"), ("[[", "]]"), ("[(", ")]"), ("((", "))"), ("{{", "}}"), ("[/", "/]"), ("[\\", "\\]"),
    ("[/", "\\]"), ("[\\", "/]"), (">", "]"), ("[", "]"), ("(", ")"), ("{", "}"),
]
_EDGE = re.compile(
    r"\s*(?:"
    r"(?P<textual>(?P<open><)?(?:--|==|-\.)\s*(?P<text>[^\s>|-][^|>]*?)\s*(?:-->|==>|\.->|---|===|-\.-|--x|--o))"
    r"|(?P<plain><?(?:-{2,}>|-{3,}|-\.+->|-\.+-|={2,}>|={3,}|-{2,}[xo]|~{3,}))(?:\|(?P<pipe>[^|]*)\|)?"
    r")\s*"
)


@dataclass
class _MermaidGraph:
    labels: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    edges: list[tuple[str, str, str, bool]] = field(default_factory=list)

    def node(self, node_id: str, label: str | None) -> None:
        if node_id not in self.labels:
            self.order.append(node_id)
            self.labels[node_id] = node_id
        if label:
            self.labels[node_id] = label


def parse_mermaid(text: str, name: str) -> Diagram:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("```")]
    if not lines:
        raise UserError(f"{name}: the file is empty")
    if not _MERMAID_HEADER.match(lines[0]):
        first = lines[0].split()[0][:40]
        raise UserError(f"{name}: not a Mermaid flowchart (it starts with {first!r}; expected 'flowchart LR' or "
                        "'graph TD'), nor an Excalidraw export")
    graph = _MermaidGraph()
    for number, line in enumerate(lines[1:], start=2):
        for statement in (part.strip() for part in line.split(";")):
            if not statement or _SKIP.match(statement) or _SUBGRAPH.match(statement):
                continue
            if not _statement(statement, graph):
                raise UserError(f"{name}: line {number} is not a flowchart node or connection: {statement[:60]!r}")
    components = {node_id: _clean(graph.labels[node_id]) or node_id for node_id in graph.order}
    unique = list(dict.fromkeys(components.values()))
    connections = [Connection(components[a], components[b], _clean(label), directed)
                   for a, b, label, directed in graph.edges]
    return Diagram(name=name, kind=MERMAID, components=unique, connections=connections)


def _node_group(statement: str, position: int, graph: _MermaidGraph) -> tuple[list[str], int] | None:
    """`A[Label]`, `B`, `A & B`: the node ids and the position after them."""
    ids: list[str] = []
    while True:
        match = _NODE_ID.match(statement, position)
        if match is None:
            return None
        node_id, position = match.group(1), match.end()
        label = None
        for opening, closing in _SHAPES:
            if statement.startswith(opening, position):
                end = statement.find(closing, position + len(opening))
                if end < 0:
                    return None
                label = statement[position + len(opening):end]
                position = end + len(closing)
                break
        if statement.startswith(":::", position):
            position = re.match(r":::[\w-]+", statement[position:]).end() + position  # type: ignore[union-attr]
        graph.node(node_id, label)
        ids.append(node_id)
        ampersand = re.match(r"\s*&\s*", statement[position:])
        if ampersand is None:
            return ids, position
        position += ampersand.end()


def _statement(statement: str, graph: _MermaidGraph) -> bool:
    """A node, or a chain of nodes joined by edges; False when the statement is neither."""
    first = _node_group(statement, 0, graph)
    if first is None:
        return False
    sources, position = first
    while position < len(statement):
        edge = _EDGE.match(statement, position)
        if edge is None or edge.end() == position:
            return statement[position:].strip() == ""
        target = _node_group(statement, edge.end(), graph)
        if target is None:
            return False
        targets, position = target
        arrow = edge.group("textual") or edge.group("plain") or ""
        directed = ">" in arrow.lstrip("<") or arrow.endswith(("x", "o"))
        label = edge.group("text") or edge.group("pipe") or ""
        for source in sources:
            for target_id in targets:
                graph.edges.append((source, target_id, label, directed))
        sources = targets
    return True


# --- Excalidraw ---------------------------------------------------------------------------------


def parse_excalidraw(text: str, name: str) -> Diagram:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{name}: not valid JSON at line {error.lineno} ({error.msg}), so not an Excalidraw "
                        "export") from None
    elements = data.get("elements") if isinstance(data, dict) else None
    if not isinstance(elements, list):
        raise UserError(f"{name}: JSON without an 'elements' list is not an Excalidraw export")
    live = [e for e in elements if isinstance(e, dict) and not e.get("isDeleted") and isinstance(e.get("id"), str)]
    texts = [e for e in live if e.get("type") == "text" and str(e.get("text") or "").strip()]
    shapes = {e["id"]: e for e in live if e.get("type") in SHAPES}
    arrows = [e for e in live if e.get("type") in ("arrow", "line")]
    labels = _excalidraw_labels(shapes, texts)
    bound = {e["id"]: e for e in texts}
    ends: list[tuple[str, str, str, bool]] = []
    for arrow in arrows:
        start, end = (_binding(arrow, "startBinding"), _binding(arrow, "endBinding"))
        for end_id in (start, end):
            if end_id is not None and end_id in bound and end_id not in labels:
                labels[end_id] = _clean(str(bound[end_id]["text"]))
        if start is not None and end is not None and start in labels and end in labels:
            caption = next((str(t["text"]) for t in texts if t.get("containerId") == arrow["id"]), "")
            directed = arrow.get("type") == "arrow" and arrow.get("endArrowhead", "arrow") is not None
            ends.append((start, end, _clean(caption), directed))
    connected = {item for a, b, _, _ in ends for item in (a, b)}
    order = [e["id"] for e in live if e["id"] in labels and (labels[e["id"]] or e["id"] in connected)]
    names = {element_id: labels[element_id] or f"unlabelled shape {index}"
             for index, element_id in enumerate(order, start=1)}
    components = list(dict.fromkeys(names.values()))
    connections = [Connection(names[a], names[b], label, directed) for a, b, label, directed in ends]
    return Diagram(name=name, kind=EXCALIDRAW, components=components, connections=connections)


def _binding(arrow: dict[str, Any], key: str) -> str | None:
    binding = arrow.get(key)
    return binding.get("elementId") if isinstance(binding, dict) else None


def _excalidraw_labels(shapes: dict[str, dict[str, Any]], texts: list[dict[str, Any]]) -> dict[str, str]:
    """Each shape's label: its bound text, else a free text drawn inside it; '' for a shape with neither."""
    labels = {shape_id: "" for shape_id in shapes}
    for item in texts:
        container = item.get("containerId")
        if container in shapes:
            labels[container] = _clean(str(item["text"]))
    for item in texts:
        if item.get("containerId"):
            continue
        inside = [shape_id for shape_id, shape in shapes.items() if _contains(shape, item) and not labels[shape_id]]
        if inside:
            labels[min(inside, key=lambda shape_id: _area(shapes[shape_id]))] = _clean(str(item["text"]))
    return labels


def _number(element: dict[str, Any], key: str) -> float:
    value = element.get(key, 0)
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0


def _area(shape: dict[str, Any]) -> float:
    return abs(_number(shape, "width") * _number(shape, "height"))


def _contains(shape: dict[str, Any], item: dict[str, Any]) -> bool:
    x = _number(item, "x") + _number(item, "width") / 2
    y = _number(item, "y") + _number(item, "height") / 2
    left, top = _number(shape, "x"), _number(shape, "y")
    return left <= x <= left + _number(shape, "width") and top <= y <= top + _number(shape, "height")


# --- the block in the conversation --------------------------------------------------------------

_HEADER = re.compile(r"^\[Diagram: (?P<name>.+?), (?P<kind>" + re.escape(MERMAID) + "|" + re.escape(EXCALIDRAW) +
                     r"), \d+ components?, \d+ connections?\]$", re.MULTILINE)
_CONNECTION = re.compile(r"^(?P<source>.+?) (?P<arrow>->|--) (?P<target>.+?)(?: \(label: (?P<label>.*)\))?$")


def diagram_block(diagram: Diagram) -> str:
    """The diagram as the conversation and the transcript keep it (read back by `diagram_in`)."""
    lines = [f"[Diagram: {diagram.summary()}]", f"Components: {'; '.join(diagram.components)}."]
    if diagram.connections:
        lines.append(f"Connections: {'; '.join(c.text() for c in diagram.connections)}.")
    return "\n".join(lines)


def diagram_in(text: str) -> Diagram | None:
    """The diagram block in a turn's text, if it has one."""
    header = _HEADER.search(text)
    if header is None:
        return None
    following = text[header.end():].lstrip("\n").splitlines()
    components: list[str] = []
    connections: list[Connection] = []
    for line in following[:2]:
        if line.startswith("Components: "):
            components = [part for part in line[len("Components: "):].rstrip(".").split("; ") if part]
        elif line.startswith("Connections: "):
            for part in line[len("Connections: "):].rstrip(".").split("; "):
                match = _CONNECTION.match(part)
                if match:
                    connections.append(Connection(match.group("source"), match.group("target"),
                                                  match.group("label") or "", match.group("arrow") == "->"))
    return Diagram(header.group("name"), header.group("kind"), components, connections)


def without_diagram(text: str) -> str:
    """The turn's text with its diagram block left out: what the candidate said in words."""
    header = _HEADER.search(text)
    if header is None:
        return text
    rest = text[header.end():].lstrip("\n").splitlines()
    kept = [line for index, line in enumerate(rest)
            if not (index < 2 and line.startswith(("Components: ", "Connections: ")))]
    return (text[:header.start()] + "\n".join(kept)).strip()
