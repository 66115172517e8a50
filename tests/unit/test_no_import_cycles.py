"""No import cycles among operator_desk modules (lazy imports inside functions count; TYPE_CHECKING ones do not).

grimp (the graph builder under import-linter) reads the source, so nothing is imported or executed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import grimp

# Module groups allowed to form a cycle for now (each with the reason). Empty: there are none.
ALLOWED_CYCLES: list[set[str]] = []


def import_cycles(modules: Iterable[str], imports_of: Callable[[str], Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(modules):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(imports_of(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(imports_of(nxt))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return sorted(cycles)


def test_finder_sees_a_cycle_and_its_absence() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert import_cycles(graph, graph.__getitem__) == [["a", "b", "c"]]
    graph["c"] = {"d"}
    assert import_cycles(graph, graph.__getitem__) == []
    # two separate cycles, one of them a pair
    graph = {"x": {"y"}, "y": {"x"}, "p": {"q"}, "q": {"r"}, "r": {"p"}}
    assert import_cycles(graph, graph.__getitem__) == [["p", "q", "r"], ["x", "y"]]


def test_operator_desk_has_no_import_cycles() -> None:
    graph = grimp.build_graph("operator_desk", exclude_type_checking_imports=True, cache_dir=None)
    modules = graph.modules
    assert "operator_desk.geo.pack" in modules and "operator_desk.store.store" in modules  # the graph is real
    cycles = [
        c
        for c in import_cycles(modules, graph.find_modules_directly_imported_by)
        if set(c) not in ALLOWED_CYCLES
    ]
    chains = []
    for c in cycles:
        there = graph.find_shortest_chain(importer=c[0], imported=c[1]) or ()
        back = graph.find_shortest_chain(importer=c[1], imported=c[0]) or ()
        chains.append(f"{' -> '.join(there)} ; {' -> '.join(back)}  (cycle among {', '.join(c)})")
    assert not cycles, "import cycles:\n" + "\n".join(chains)
