"""The core's modules form no import cycle, and importing the model pulls in nothing else.

import-linter checks the layers (pyproject.toml); this checks what it does not: cycles between
single modules inside one layer, and that the model registers only its own tables when
imported (the search index and sync's tables are assembled explicitly by cmdesk.core.schema).
"""

from __future__ import annotations

import subprocess
import sys

import grimp


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_inside_the_core() -> None:
    graph = grimp.build_graph("cmdesk", exclude_type_checking_imports=True)
    core = {m for m in graph.modules if m.startswith("cmdesk.core")}
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i in core} for m in core}
    assert _cycles(edges) == []


def test_importing_the_model_registers_only_the_records() -> None:
    probe = (
        "import sys, cmdesk.core.model as m\n"
        "tables = set(m.Base.metadata.tables)\n"
        "assert 'child' in tables and 'case_file' in tables, tables\n"
        "print(sorted(t for t in tables if t.startswith(('sync_', 'search_'))))\n"
        "print(sorted(n for n in sys.modules if n.startswith(('cmdesk.core.sync',"
        " 'cmdesk.core.search'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == ["[]", "[]"]
