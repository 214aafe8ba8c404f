"""The course's notebooks: finding them, reading their parameters, keeping sources clean.

Conventions (see CONTRIBUTING.md):
* ``notebooks/NN_name.ipynb``; ``metadata.tilnlp.description`` is the one-line summary.
* one code cell tagged ``parameters`` holding plain assignments, e.g.
  ``n_test = preset(full=500, ci=48)``; papermill injects new values after it.
* cells starting with ``# NBVAL_CHECK_OUTPUT`` keep their output in the source: nbval
  compares it.  Every other output, every execution count and all run metadata are stripped.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..paths import notebooks_dir, project_root  # noqa: F401  (project_root: used by notebooks)

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")


class NotebookError(UserError):
    """A notebook problem a user can cause: unknown name, corrupt file, bad parameter."""


def course_notebooks(folder: Path | None = None) -> list[Path]:
    """The numbered notebooks of the course, in order."""
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("*.ipynb") if _NAME.match(p.name))


LANGS = ("en", "ko")


def lang_dir(lang: str = "en") -> Path:
    """The folder of the course's notebooks in ``lang``: ``notebooks/`` (English) or ``notebooks/ko/``."""
    if lang not in LANGS:
        raise NotebookError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    return notebooks_dir() if lang == "en" else notebooks_dir() / lang


def is_course_notebook(path: Path) -> bool:
    """Whether ``path`` is one of the course's numbered notebooks, English or Korean."""
    return bool(_NAME.match(path.name)) and any(path.parent.resolve() == lang_dir(lang).resolve() for lang in LANGS)


def find(name: str, folder: Path | None = None) -> Path:
    """A notebook by path, file name, stem or number prefix (``01``, ``01_text_generation``)."""
    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    nbs = course_notebooks(folder)
    matches = [p for p in nbs if p.stem == name or p.name == name or p.stem.split("_")[0] == name]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(p.stem for p in nbs) or "none"
    raise NotebookError(f"unknown notebook {name!r}; the course has: {known}")


def read(path: Path):
    """Read a notebook, turning a corrupt file into one clear NotebookError."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise NotebookError(f"no such notebook: {path}") from None
    except Exception as exc:  # json errors, schema errors, bad encodings
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotebookError(f"{path} is not a readable notebook ({first})") from None
    return nb


def listing(folder: Path | None = None) -> str:
    """The course's notebooks, one line each: name and description (what ``tilnlp list`` prints) –
    from the Korean edition when the Korean edition asks."""
    from ..lang import current

    if folder is None and current() != "en" and lang_dir(current()).is_dir():
        folder = lang_dir(current())
    lines = []
    for path in course_notebooks(folder):
        try:
            desc = description(read(path), path)
        except NotebookError as exc:
            desc = f"(unreadable: {exc})"
        lines.append(f"{path.stem:<34} {desc}")
    return "\n".join(lines)


def description(nb, path: Path) -> str:
    desc = nb.metadata.get("tilnlp", {}).get("description")
    if desc:
        return desc
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            return cell.source.strip().splitlines()[0].lstrip("# ").strip()
    return path.stem


# --------------------------------------------------------------------------- parameters

@dataclass(frozen=True)
class Parameter:
    name: str
    default: object  # the full-preset value (None when unset)
    kind: type | None  # int, float, bool, str, or None for "anything"


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def parameters(nb) -> dict[str, Parameter]:
    """The parameters of a notebook: assignments in its ``parameters`` cell."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if not cells:
        return {}
    out = {}
    for stmt in ast.parse(cells[0].source).body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        value = stmt.value
        if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "preset":
            kwargs = {k.arg: k.value for k in value.keywords}
            value = kwargs.get("full", value.args[0] if value.args else None)
        default = _literal(value) if value is not None else None
        kind = None if default is None else type(default)
        out[stmt.targets[0].id] = Parameter(stmt.targets[0].id, default, kind)
    return out


def parse_value(text: str):
    """A ``-p key=value`` value: a Python literal when it reads as one, else the string."""
    lowered = text.strip().lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if lowered in {"none", "null"}:
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_params(pairs: list[str]) -> dict[str, object]:
    """``["n_test=100", "profile=offline"]`` -> ``{"n_test": 100, "profile": "offline"}`` (values by :func:`parse_value`)."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise NotebookError(f"bad parameter {pair!r}: write it as KEY=VALUE, e.g. n_test=100")
        out[key.strip()] = parse_value(value)
    return out


def check_parameters(nb, path: Path, given: dict[str, object]) -> dict[str, object]:
    """Validate ``given`` against the notebook's parameters; return them coerced."""
    params = parameters(nb)
    out = {}
    for key, value in given.items():
        if key not in params:
            known = ", ".join(params) or "none"
            raise NotebookError(f"{path.stem} has no parameter {key!r}; its parameters: {known}")
        kind = params[key].kind
        if kind is None or value is None or isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            out[key] = value
        elif kind is float and isinstance(value, int) and not isinstance(value, bool):
            out[key] = float(value)
        elif kind is str:
            out[key] = str(value)
        else:
            raise NotebookError(f"parameter {key} of {path.stem} takes a {kind.__name__} "
                                f"(like {params[key].default!r}), not {value!r}")
    return out


# --------------------------------------------------------------------------- clean sources

def is_checked(cell) -> bool:
    return cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK_MARK)


def comparable_outputs(outputs) -> list:
    """What is compared of a checked cell's outputs, as nbval compares them: the text of each stream
    – consecutive chunks of one stream joined, since the kernel splits a cell's printing wherever it
    happens to flush – and the data of results without images."""
    out = []
    for o in outputs:
        kind = o.get("output_type")
        if kind == "stream":
            if out and out[-1][:2] == ("stream", o.get("name")):
                out[-1] = ("stream", o.get("name"), out[-1][2] + o.get("text", ""))
            else:
                out.append(("stream", o.get("name"), o.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            out.append(("data", {k: v for k, v in o.get("data", {}).items() if not k.startswith("image/")}))
        elif kind == "error":
            out.append(("error", o.get("ename"), o.get("evalue")))
    return out


def _expected_count(cell):
    """1 for a checked cell with stored output (nbval fails a cell that has outputs but never
    ran: "Unrun reference cell has outputs"), None for every other cell."""
    return 1 if is_checked(cell) and cell.outputs else None


def clean(nb, keep_checked: bool = True):
    """Strip outputs, execution counts and run metadata (checked cells keep their outputs)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = None
            if not (keep_checked and is_checked(cell)):
                cell.outputs = []
            cell.execution_count = _expected_count(cell)
        for key in ("execution", "papermill", "collapsed", "scrolled", "ExecuteTime"):
            cell.metadata.pop(key, None)
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    return nb


_ABS_PATH = re.compile(r"(/home/|/root/|/Users/|/tmp/|/work/|[A-Z]:\\\\Users)")


def dirt(nb) -> list[str]:
    """What keeps a source notebook from being clean, as readable lines (empty = clean)."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.execution_count != _expected_count(cell):
            problems.append(f"cell {i}: execution count {cell.execution_count}")
        if cell.outputs and not is_checked(cell):
            problems.append(f"cell {i}: stored output in a cell nbval does not check")
        if is_checked(cell) and not cell.outputs:
            problems.append(f"cell {i}: checked cell has no expected output (nbval would compare nothing)")
        for out in cell.outputs:
            if out.get("execution_count") is not None:
                problems.append(f"cell {i}: output execution count")
            if _ABS_PATH.search(json.dumps(out)):
                problems.append(f"cell {i}: machine path in stored output")
        for key in ("execution", "papermill", "ExecuteTime"):
            if key in cell.metadata:
                problems.append(f"cell {i}: run metadata {key!r}")
    if "papermill" in nb.metadata:
        problems.append("notebook: papermill run metadata")
    return problems


def write(nb, path: Path) -> None:
    import nbformat

    text = nbformat.writes(nb) + "\n"
    path.write_text(text, encoding="utf-8")
