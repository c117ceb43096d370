"""An import-linter contract type (``lint-imports``; pyproject.toml, [tool.importlinter]): no
import cycles between the modules of a package, imports inside functions included.

import-linter's own ``acyclic_siblings`` compares packages (a package's modules taken
together), which the pages and commands that live in each domain package tie together;
this one compares modules, so a cycle is reported as the modules that form it."""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output
from importlinter.application.contract_utils import AlertLevel, remove_ignored_imports_and_report


class NoCyclesContract(Contract):
    """No module of ``package`` imports, through any chain of imports, a module that imports it."""

    package = fields.StringField()
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        removal = remove_ignored_imports_and_report(graph, self.ignore_imports, AlertLevel.ERROR)  # type: ignore[arg-type]
        modules = sorted(m for m in graph.modules if m == self.package or m.startswith(f"{self.package}."))
        imports = {m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i in modules)
                   for m in modules}
        cycles = [[f"{a} -> {b}" for a in cycle for b in imports[a] if b in cycle]
                  for cycle in _strongly_connected(imports) if len(cycle) > 1]
        return ContractCheck(kept=not cycles, warnings=list(removal.warnings),
                             metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error("These modules import each other in a cycle:")
            output.new_line()
            for line in cycle:
                output.print_error(f"- {line}", bold=False)
            output.new_line()


def _strongly_connected(imports: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in imports:
        if root in index:
            continue
        work = [(root, iter(imports[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(imports[child])))
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
                found.append(sorted(component))
    return found
