"""The package's layout (README, "How the code is laid out"): lesson helpers at the top, then three
sub-packages – sourcing, publishing, classroom – whose imports run one way, with no cycle."""
import ast

import pytest

from conftest import ROOT

PACKAGE = ROOT / "tilnlp"
PARTS = ("sourcing", "publishing", "classroom")


def _modules() -> dict[str, ast.Module]:
    """Every module of the package (not the course files a wheel copies in) by dotted name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if "course" in rel.parts:
            continue
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        found[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"))
    return found


MODULES = _modules()


def _package_of(name: str) -> str:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return name if (path / "__init__.py").is_file() else name.rpartition(".")[0]


def import_source(name: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from … import`` in module ``name`` reads from (``from ..sourcing`` → ``tilnlp.sourcing``)."""
    if not node.level:
        return node.module or ""
    base = _package_of(name).split(".")
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports(name: str, tree: ast.Module) -> set[str]:
    """The package's modules ``name`` imports anywhere in its code (inside functions too)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in MODULES}
        elif isinstance(node, ast.ImportFrom):
            source = import_source(name, node)
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in MODULES:
                    found.add(sub)
                elif source in MODULES:
                    found.add(source)
    found.discard(name)
    return found


GRAPH = {name: imports(name, tree) for name, tree in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from ..sourcing import hub\n    from . import notebooks as nbs\n")
    assert imports("tilnlp.publishing.cli", tree) == {"tilnlp.sourcing.hub", "tilnlp.publishing.notebooks"}


def test_no_module_imports_itself_back():
    assert cycles(GRAPH) == []


def test_the_three_parts_are_sub_packages_and_lessons_stay_at_the_top():
    assert {name.split(".")[1] for name in MODULES if name.count(".") >= 1 and
            (PACKAGE / name.split(".")[1] / "__init__.py").is_file()} == {*PARTS, "data"}
    for lesson in ("similarity", "wordvectors", "finetune", "pretraining", "evaluation", "baselines", "plots",
                   "exercises", "text", "korean", "seeding", "device", "data", "paths", "lang"):
        assert f"tilnlp.{lesson}" in MODULES, lesson  # the notebooks' imports: tilnlp.<helper>


@pytest.mark.parametrize("part, allowed", [
    ("publishing", {"tilnlp.publishing", "tilnlp.__main__"}),  # the command: only `python -m tilnlp` calls in
    ("classroom", {"tilnlp.classroom", "tilnlp.publishing"}),  # the teacher's server: only the command uses it
])
def test_imports_run_one_way(part, allowed):
    """Lessons and sourcing never reach into publishing or the classroom server."""
    wrong = sorted(f"{name} imports {target}" for name, targets in GRAPH.items() for target in targets
                   if target.startswith(f"tilnlp.{part}") and not any(
                       name == a or name.startswith(a + ".") for a in allowed))
    assert wrong == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_what_it_is_for_in_its_first_line(name):
    doc = ast.get_docstring(MODULES[name], clean=False)
    assert doc, f"{name} has no docstring"
    first = doc.strip().splitlines()[0]
    assert len(first.split()) >= 4 and first.rstrip()[-1] in ".:)", f"{name}: {first!r}"


def _section(path, heading: str) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else len(text)]


@pytest.mark.parametrize("readme, heading", [("README.md", "## How the code is laid out"),
                                             ("README.ko.md", "(How the code is laid out)")])
def test_the_readme_picture_names_every_module_where_it_is(readme, heading):
    """The README's tree: each sub-package on its own line with all its modules, and every top-level module."""
    picture = _section(ROOT / readme, heading)
    for part in PARTS:
        line = picture[picture.index(f"{part}/"):]
        line = line[:line.find("\n├──") if "\n├──" in line else line.find("\n└──") if "\n└──" in line else line.find("```")]
        members = {n.split(".")[2] for n in MODULES if n.startswith(f"tilnlp.{part}.") and n.count(".") == 2}
        assert members and all(member in line for member in members), (readme, part, members)
    for name in MODULES:
        if name.count(".") == 1 and not name.endswith("__main__"):
            assert name.split(".")[1] in picture, (readme, name)
