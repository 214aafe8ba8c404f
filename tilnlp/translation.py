"""The Korean edition (한국어판): ``notebooks/ko/*.ipynb``, generated from the English notebooks.

One source: the English notebook, plus a translation file ``i18n/ko/NN_name.md`` holding one
section per markdown cell (and one for the notebook's one-line description)::

    <!-- cell 81302a08 en:3f2a9c1b7d4e -->
    # 01 · GPT-2로 텍스트 생성하기
    ...

The header names the English cell by its id and records a hash of the English text it
translates.  ``tilnlp translate`` rebuilds the Korean notebooks: the same cells in the same
order, code cells (and the checked cells' expected outputs) copied unchanged, each markdown cell
replaced by its translation.  When an English cell changes, its hash no longer matches and the
translation is *stale*: ``tilnlp translate --check`` (and the test suite) fails until it is
translated again – as the clean check fails on a notebook with stray outputs.
``tilnlp translate --skeleton`` adds a section, with the English text to translate and a TODO
mark, for every cell that lacks a current translation.

Links: a translation links the glossary as the English does (``../GLOSSARY.md#token``); the
Korean notebook, one folder deeper, gets ``../../GLOSSARY.md#토큰`` – the Korean anchor of the
same glossary entry.  Every other relative link gains the extra ``../``.
"""
from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import notebooks as nbs
from .errors import UserError
from .paths import notebooks_dir, project_root

LANG = "ko"
TODO = "<!-- TODO: translate -->"
_HEADER = re.compile(r"^<!-- (cell [A-Za-z0-9_-]+|description) en:([0-9a-f]{12}) -->[ \t]*$", re.M)
_LINK = re.compile(r"(\]\(|href=\")(\.\./[^)\"\s#]*)(#[^)\"\s]*)?")


class TranslationError(UserError):
    """A Korean notebook cannot be made: a translation is missing or stale."""


def translations_dir() -> Path:
    return project_root() / "i18n" / LANG


def korean_dir() -> Path:
    """Where the Korean notebooks live (``notebooks/ko``); a kernel started there speaks Korean."""
    return notebooks_dir() / LANG


def translation_path(english: Path) -> Path:
    return translations_dir() / f"{english.stem}.md"


def korean_path(english: Path) -> Path:
    return korean_dir() / english.name


def english_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Section:
    key: str  # "cell <id>" or "description"
    en_hash: str  # the hash of the English text this translates
    text: str  # the translation (Markdown)


def read_translation(path: Path) -> dict[str, Section]:
    """The sections of a translation file, by key (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    parts = _HEADER.split(path.read_text(encoding="utf-8"))
    return {key: Section(key, en_hash, text.strip("\n")) for key, en_hash, text in zip(parts[1::3], parts[2::3], parts[3::3])}


def write_translation(path: Path, sections: list[Section], english: Path) -> None:
    header = (f"<!-- The Korean translation of notebooks/{english.name}: one section per markdown cell. "
              f"`tilnlp translate` builds notebooks/ko/{english.name} from it. -->\n")
    body = "\n\n".join(f"<!-- {s.key} en:{s.en_hash} -->\n{s.text}" for s in sections)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n" + body + "\n", encoding="utf-8")


def english_texts(nb, path: Path) -> dict[str, str]:
    """What needs translating in an English notebook, in order: its description and every markdown cell."""
    texts = {"description": nbs.description(nb, path)}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts[f"cell {cell.id}"] = cell.source
    return texts


def problems(english: Path) -> list[str]:
    """Why the Korean notebook of ``english`` cannot be made as it should (empty: it can)."""
    path = translation_path(english)
    if not path.is_file():
        return [f"{english.stem}: no translation file {path.relative_to(project_root())}"]
    sections = read_translation(path)
    wanted = english_texts(nbs.read(english), english)
    out = []
    for key, text in wanted.items():
        section = sections.get(key)
        if section is None:
            out.append(f"{english.stem}: {key} is not translated")
        elif section.en_hash != english_hash(text):
            out.append(f"{english.stem}: {key} is stale (the English changed since it was translated)")
        elif TODO in section.text or not section.text.strip():
            out.append(f"{english.stem}: {key} is still to be translated (TODO)")
    out += [f"{english.stem}: {key} translates nothing (no such cell in the English notebook)"
            for key in sections if key not in wanted]
    return out


def skeleton(english: Path) -> Path:
    """Rewrite the translation file in the English notebook's order, adding a TODO section (with the
    English text) for every cell without a current translation; current translations are kept."""
    path = translation_path(english)
    sections = read_translation(path)
    out = []
    for key, text in english_texts(nbs.read(english), english).items():
        current = sections.get(key)
        if current is not None and current.en_hash == english_hash(text):
            out.append(current)
            continue
        before = f"\n<!-- the earlier translation:\n{current.text}\n-->" if current is not None else ""
        out.append(Section(key, english_hash(text), f"{TODO}\n{text}{before}"))
    write_translation(path, out, english)
    return path


def glossary_anchors() -> dict[str, str]:
    """English glossary anchor -> the Korean anchor of the same entry (``token`` -> ``토큰``)."""
    row = re.compile(r"^\| ((?:<a id=\"[^\"]+\"></a>)+).*? \| <a id=\"([^\"]+)\"></a>")
    out = {}
    glossary = project_root() / "GLOSSARY.md"
    for line in glossary.read_text(encoding="utf-8").splitlines() if glossary.is_file() else []:
        match = row.match(line)
        if match:
            for english in re.findall(r'<a id="([^"]+)"></a>', match.group(1)):
                out[english] = match.group(2)
    return out


def relink(text: str, anchors: dict[str, str]) -> str:
    """Links of a translation, made right for a notebook one folder deeper (see the module docstring)."""
    def fix(match):
        opener, target, fragment = match.group(1), match.group(2), match.group(3) or ""
        if target.endswith("GLOSSARY.md") and fragment[1:] in anchors:
            fragment = "#" + anchors[fragment[1:]]
        return f"{opener}../{target}{fragment}"

    return _LINK.sub(fix, text)


def korean_notebook(english: Path):
    """The Korean notebook of ``english`` (raises a TranslationError when a translation is missing or stale)."""
    found = problems(english)
    if found:
        raise TranslationError(f"{found[0]}" + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
                               + f"; `tilnlp translate --skeleton {english.stem[:2]}` marks what to translate")
    nb = nbs.read(english)
    sections = read_translation(translation_path(english))
    anchors = glossary_anchors()
    korean = copy.deepcopy(nb)
    for cell in korean.cells:
        if cell.cell_type == "markdown":
            cell.source = relink(sections[f"cell {cell.id}"].text, anchors)
    meta = korean.metadata.setdefault("tilnlp", {})
    meta.update(description=sections["description"].text, lang=LANG, source=f"../{english.name}")
    return korean


def generate(paths: list[Path] | None = None) -> list[Path]:
    """Write the Korean notebooks of ``paths`` (default: the whole course) into ``notebooks/ko``."""
    written = []
    for english in paths or nbs.course_notebooks():
        korean = korean_notebook(english)
        target = korean_path(english)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbs.write(korean, target)
        written.append(target)
    return written


def check(paths: list[Path] | None = None) -> list[str]:
    """Everything that keeps the Korean edition from being complete and current (empty: all is well)."""
    import nbformat

    out = []
    for english in paths or nbs.course_notebooks():
        found = problems(english)
        if found:
            out += found
            continue
        target = korean_path(english)
        if not target.is_file():
            out.append(f"{english.stem}: no Korean notebook {target.relative_to(project_root())}; run `tilnlp translate`")
        elif nbformat.writes(nbs.read(target)) != nbformat.writes(korean_notebook(english)):
            out.append(f"{english.stem}: {target.relative_to(project_root())} is out of date; run `tilnlp translate`")
    return out
