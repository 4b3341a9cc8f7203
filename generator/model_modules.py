"""Split a large models module into one module per schema, loaded on first use.

Importing thousands of pydantic models costs seconds (GitHub's API: 4,863
classes, 3.4 s), although a program uses a few of them.  Above a threshold the
models become a package: `models/__init__.py` names every class and imports its
module only when the class is first used, and each module holds one schema
with the inline models only it uses.

Classes that refer to each other in a cycle share a module, and a class that
exactly one other class uses joins that class's module, so the modules import
each other without cycles and every import happens at the top of a module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.import_block import Binding, bindings, import_block
from generator.naming import ClassName, Identifier, Namespace, module_name, snake

#: With more model classes than this, `models` becomes a lazily loaded package.
SPLIT_THRESHOLD = 60


@dataclass(frozen=True)
class ModelModule:
    """One module of the models package: its name, classes and source (no header)."""

    name: Identifier
    classes: tuple[ClassName, ...]
    source: str


def split_models(source: str, schemas: Iterable[str]) -> list[ModelModule] | None:
    """The modules for `source` (DCG's single module), or None to keep one module.

    `schemas` are the classes oagen named (one per schema); the classes DCG adds
    for nested inline objects join the module of the class that uses them.
    """
    tree = ast.parse(source)
    imports: list[ast.ImportFrom | ast.Import] = []
    classes: list[ast.ClassDef] = []
    rebuilt: set[str] = set()
    for index, node in enumerate(tree.body):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
        elif isinstance(node, ast.ClassDef):
            classes.append(node)
        elif (target := _rebuilt_class(node)) is not None:
            rebuilt.add(target)
        elif not (index == 0 and _is_docstring(node)):
            return None  # a statement this splitter does not know how to place
    if len(classes) <= SPLIT_THRESHOLD:
        return None
    names = {node.name for node in classes}
    reads = {node.name: _names_used(node) for node in classes}
    uses = {name: used & names - {name} for name, used in reads.items()}
    named = set(schemas)
    groups = _groups([node.name for node in classes], uses, named)
    module_names = Namespace()
    by_class = {node.name: node for node in classes}
    lines = SourceLines(source)
    module_of: dict[str, Identifier] = {}
    planned = []
    for group in groups:
        # Named after its first schema: nested classes come before their user.
        title = next((name for name in group if name in named), group[0])
        module = module_names.identifier(module_name(Identifier("_" + snake(title))))
        planned.append((module, group))
        module_of.update(dict.fromkeys(group, module))
    return [
        ModelModule(
            module,
            tuple(ClassName(name) for name in group),
            _module_source(
                lines,
                [by_class[name] for name in group],
                reads,
                imports,
                module_of,
                [name for name in group if name in rebuilt],
            ),
        )
        for module, group in planned
    ]


def _rebuilt_class(node: ast.stmt) -> str | None:
    """`X` for a module-level `X.model_rebuild()` (forward references resolved late)."""
    if (
        isinstance(node, ast.Expr)
        and isinstance(call := node.value, ast.Call)
        and not call.args
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "model_rebuild"
        and isinstance(call.func.value, ast.Name)
    ):
        return call.func.value.id
    return None


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _names_used(node: ast.AST) -> set[str]:
    """The names the class reads: annotations, bases, defaults, quoted forward refs.

    Names it binds (fields, enum members such as `User = "User"`) and strings that
    are values or prose (a default "User", a docstring) are not uses.
    """
    found: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            if isinstance(child.ctx, ast.Load):
                found.add(child.id)
        elif isinstance(child, ast.AnnAssign):
            found.update(_quoted_names(child.annotation))
    return found


def _quoted_names(annotation: ast.expr) -> set[str]:
    """Forward references written as strings; `Literal["User"]` holds values, not names."""
    if (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, ast.Name)
        and annotation.value.id == "Literal"
    ):
        return set()
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return {annotation.value} if annotation.value.isidentifier() else set()
    found: set[str] = set()
    for child in ast.iter_child_nodes(annotation):
        if isinstance(child, ast.expr):
            found |= _quoted_names(child)
    return found


def _groups(
    order: list[str], uses: Mapping[str, set[str]], schemas: set[str]
) -> list[list[str]]:
    """Classes grouped into modules, each group in source order, groups in source order.

    Strongly connected classes form one group; a group of nested classes only
    (no schema of its own) used by exactly one other group joins it.  Each
    joined group is reachable only through its parent, so the groups still form
    a DAG, and loading a schema loads nothing it does not use.
    """
    components = _strongly_connected(order, uses)
    component_of = {name: i for i, comp in enumerate(components) for name in comp}
    users: dict[int, set[int]] = {i: set() for i in range(len(components))}
    for name, used in uses.items():
        for target in used:
            if component_of[target] != component_of[name]:
                users[component_of[target]].add(component_of[name])
    parent = list(range(len(components)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for component, its_users in users.items():
        if len(its_users) == 1 and not schemas.intersection(components[component]):
            parent[root(component)] = root(next(iter(its_users)))
    position = {name: index for index, name in enumerate(order)}
    merged: dict[int, list[str]] = {}
    for i, comp in enumerate(components):
        merged.setdefault(root(i), []).extend(comp)
    groups = [sorted(group, key=position.__getitem__) for group in merged.values()]
    return sorted(groups, key=lambda group: position[group[0]])


def _strongly_connected(
    order: list[str], uses: Mapping[str, set[str]]
) -> list[list[str]]:
    """Tarjan's algorithm, iterative (schemas nest deeper than Python's stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in order:
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(sorted(uses[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(uses[target]))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
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
                found.append(component)
    return found


def _module_source(
    lines: SourceLines,
    classes: list[ast.ClassDef],
    reads: Mapping[str, set[str]],
    imports: list[ast.ImportFrom | ast.Import],
    module_of: Mapping[str, Identifier],
    rebuilt: list[str],
) -> str:
    used = set().union(*(reads[node.name] for node in classes))
    own = {node.name for node in classes}
    imported = [Binding("__future__", 0, "annotations")]
    for node in imports:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        # only the names this module uses; a relative import one level deeper
        imported += [
            binding for binding in bindings(node, deeper=1) if binding.bound in used
        ]
    imported += [
        Binding(module_of[name], 1, name)
        for name in sorted(used - own)
        if name in module_of
    ]
    body = "\n\n\n".join(lines.of(node) for node in classes)
    rebuilds = "".join(f"{name}.model_rebuild()\n" for name in rebuilt)
    return (
        import_block(imported)
        + "\n\n\n"
        + body
        + "\n"
        + ("\n\n" + rebuilds if rebuilds else "")
    )


class SourceLines:
    """A module's lines as ast numbers them, split once.

    `ast.get_source_segment` splits the whole source again on every call, which
    is quadratic over GitHub's 4,863 classes; str.splitlines would also split at
    U+2028 inside a docstring, which ast does not.
    """

    _ENDS = re.compile(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)")

    def __init__(self, source: str) -> None:
        self._lines = self._ENDS.split(source)

    def before(self, node: ast.stmt) -> str:
        """Everything above the statement's first line."""
        return "".join(self._lines[: node.lineno - 1])

    def of(self, node: ast.stmt) -> str:
        """A top-level statement's own lines, without the final line break."""
        text = "".join(self._lines[node.lineno - 1 : node.end_lineno])
        return text.rstrip("\r\n")
