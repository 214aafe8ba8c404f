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

Printed strings: the code cells are the English ones, but what they print is the reader's
language.  The file's last section, ``<!-- strings -->``, pairs each string literal a code cell
prints (as written in the English cell, f-string placeholders and all) with its Korean::

    en: f"accuracy on {n} reviews: {acc:.3f}"
    ko: f"리뷰 {n}개에 대한 정확도: {acc:.3f}"

    keep: "The Invisible Dragon barked"

``keep:`` marks a literal that stays English on purpose (a model's input, a label the model
prints).  The Korean code cell is the English one with each ``en:`` literal replaced by its
``ko:`` literal – the same placeholders, nothing else changed – and every literal of two or more
English words must be listed one way or the other (``--check`` names the ones that are not).
A line that starts with four spaces continues the literal above (one spread over lines).
The checked cells' expected outputs of the Korean notebook are its own (``tilnlp bless`` runs
both editions); ``tilnlp translate`` keeps them while the cell's Korean code stays the same.

Links: a translation links the glossary as the English does (``../GLOSSARY.md#token``); the
Korean notebook, one folder deeper, gets ``../../GLOSSARY.md#토큰`` – the Korean anchor of the
same glossary entry.  Every other relative link gains the extra ``../``.
"""
from __future__ import annotations

import ast
import copy
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..paths import PACKAGE, notebooks_dir, project_root
from . import notebooks as nbs

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


STRINGS = "<!-- strings -->"


@dataclass(frozen=True)
class PrintedString:
    en: str  # the literal as written in the English code cell
    ko: str | None  # its Korean literal; None: it stays English on purpose (``keep:``)


def _split(text: str) -> tuple[str, str]:
    """A translation file's text: (the markdown sections, the strings section)."""
    head, _, strings = text.partition(f"\n{STRINGS}")
    return head, strings.partition("\n")[2] if strings else ""


def read_strings(path: Path) -> list[PrintedString]:
    """The printed strings of a translation file, in order (empty when it has none)."""
    if not path.is_file():
        return []
    fields: list[list[str]] = []
    for line in _split(path.read_text(encoding="utf-8"))[1].splitlines():
        if line.startswith("    ") and fields:
            fields[-1][1] += "\n" + line[4:]
        elif line.strip():
            kind, sep, value = line.partition(": ")
            if not sep or kind not in ("en", "ko", "keep"):
                raise TranslationError(f"{path.name}: a strings line starts with 'en: ', 'ko: ' or 'keep: ', not {line[:40]!r}")
            fields.append([kind, value])
    out, i = [], 0
    while i < len(fields):
        kind, value = fields[i]
        if kind == "keep":
            out.append(PrintedString(value, None))
            i += 1
        elif kind == "en" and i + 1 < len(fields) and fields[i + 1][0] == "ko":
            out.append(PrintedString(value, fields[i + 1][1]))
            i += 2
        else:
            raise TranslationError(f"{path.name}: every 'en: ' line needs a 'ko: ' line right after it ({value[:40]!r})")
    return out


def _literal(text: str):
    """The expression node of one string literal's source (implicit concatenation allowed), or None."""
    try:
        node = ast.parse(f"(\n{text}\n)", mode="eval").body
    except SyntaxError:
        return None
    return node if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)) else None


def _placeholders(node) -> list[str]:
    return sorted(ast.dump(v) for v in node.values if isinstance(v, ast.FormattedValue)) if isinstance(node, ast.JoinedStr) else []


def string_problems(entry: PrintedString) -> str | None:
    """Why a pair cannot stand in for each other (None: it can)."""
    en = _literal(entry.en)
    if en is None:
        return f"{entry.en[:50]!r} is not one string literal"
    if entry.ko is None:
        return None
    ko = _literal(entry.ko)
    if ko is None:
        return f"the Korean of {entry.en[:50]!r} is not one string literal"
    if _placeholders(en) != _placeholders(ko):
        return f"the Korean of {entry.en[:50]!r} has other placeholders than the English"
    return None


_WORDS = re.compile(r"[A-Za-z]{2,}(?:['’][a-z]+)?(?: +[A-Za-z]+(?:['’][a-z]+)?)+")


def _parsed(code: str) -> tuple[ast.Module, set[int]]:
    """``code``'s syntax tree (empty when it does not parse) and the ids of its docstrings' nodes."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[]), set()
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr)}
    return tree, docstrings


def printed_literals(source: str) -> list[str]:
    """The string literals of a code cell (as written) that hold two or more English words in a row –
    what may be printed to the reader.  Docstrings and the strings inside f-string placeholders
    are left out."""
    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell(source)
    tree, docstrings = _parsed(code)
    inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in ast.walk(n) if v is not n}
    out = []
    for node in ast.walk(tree):
        if id(node) in inner or id(node) in docstrings:
            continue
        if isinstance(node, ast.JoinedStr):
            words = " ".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = node.value
        else:
            continue
        if _WORDS.search(words):
            out.append(ast.get_source_segment(code, node))
    return out


def translate_code(source: str, strings: list[PrintedString]) -> str:
    """A code cell's Korean source: each ``en:`` literal replaced by its ``ko:`` literal."""
    for entry in strings:
        if entry.ko is not None:
            source = source.replace(entry.en, entry.ko)
    return source


def read_translation(path: Path) -> dict[str, Section]:
    """The sections of a translation file, by key (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    parts = _HEADER.split(_split(path.read_text(encoding="utf-8"))[0])
    return {key: Section(key, en_hash, text.strip("\n")) for key, en_hash, text in zip(parts[1::3], parts[2::3], parts[3::3])}


def write_translation(path: Path, sections: list[Section], english: Path) -> None:
    header = (f"<!-- The Korean translation of notebooks/{english.name}: one section per markdown cell. "
              f"`tilnlp translate` builds notebooks/ko/{english.name} from it. -->\n")
    body = "\n\n".join(f"<!-- {s.key} en:{s.en_hash} -->\n{s.text}" for s in sections)
    strings = _split(path.read_text(encoding="utf-8"))[1] if path.is_file() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n" + body + "\n" + (f"\n{STRINGS}\n{strings.strip(chr(10))}\n" if strings.strip() else ""),
                    encoding="utf-8")


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
    return out + string_table_problems(english)


def string_table_problems(english: Path) -> list[str]:
    """What is wrong with the strings section of ``english``'s translation: a pair that cannot stand
    in for each other, or one whose English literal is in no code cell (stale)."""
    try:
        strings = read_strings(translation_path(english))
    except TranslationError as error:
        return [str(error)]
    code = [c.source for c in nbs.read(english).cells if c.cell_type == "code"]
    out = [f"{english.stem}: strings: {why}" for why in filter(None, map(string_problems, strings))]
    return out + [f"{english.stem}: strings: {e.en[:60]!r} is in no code cell (stale)"
                  for e in strings if not any(e.en in source for source in code)]


def _course_code(english: Path) -> list[str]:
    """The sources of ``english``'s code cells, the setup check left out (it speaks both languages itself)."""
    from .firstcell import is_first_cell

    return [c.source for c in nbs.read(english).cells if c.cell_type == "code" and not is_first_cell(c)]


def untranslated_literals(english: Path) -> list[str]:
    """The English code's literals of two or more English words that the strings section neither
    translates nor keeps."""
    listed = {e.en for e in read_strings(translation_path(english))}
    code = _course_code(english)
    return list(dict.fromkeys(lit for source in code for lit in printed_literals(source) if lit not in listed))


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
    strings = read_strings(translation_path(english))
    target = korean_path(english)
    blessed = {c.id: c for c in nbs.read(target).cells if nbs.is_checked(c)} if target.is_file() else {}
    korean = copy.deepcopy(nb)
    for cell in korean.cells:
        if cell.cell_type == "markdown":
            cell.source = relink(sections[f"cell {cell.id}"].text, anchors)
        elif cell.cell_type == "code":
            cell.source = translate_code(cell.source, strings)
            if nbs.is_checked(cell):  # the Korean edition's own expected output, while its code stays the same
                before = blessed.get(cell.id)
                same = before is not None and before.source == cell.source
                cell.outputs = before.outputs if same else []
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
        out += [f"{english.stem}: strings: {lit[:60]!r} is neither translated nor kept"
                for lit in untranslated_literals(english)]
        target = korean_path(english)
        if not target.is_file():
            out.append(f"{english.stem}: no Korean notebook {target.relative_to(project_root())}; run `tilnlp translate`")
            continue
        if nbformat.writes(nbs.read(target)) != nbformat.writes(korean_notebook(english)):
            out.append(f"{english.stem}: {target.relative_to(project_root())} is out of date; run `tilnlp translate`")
        out += [f"{english.stem}: checked cell {c.id} of the Korean notebook has no expected output; "
                f"run `tilnlp bless {english.stem[:2]}`" for c in nbs.read(target).cells if nbs.is_checked(c) and not c.outputs]
    return out


# --------------------------------------------------------------------------- English left in Korean output

_RUN = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*(?:[ \t]+[A-Za-z]+(?:['’-][A-Za-z]+)*)*")
_FUNCTION_WORDS = frozenset([
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "as", "is", "are", "was", "were",
    "be", "been", "it", "its", "this", "that", "these", "those", "and", "or", "not", "no", "but", "if", "than",
    "then", "so", "each", "every", "all", "any", "one", "two", "per", "into", "out", "up"])


def phrases(text: str, n: int = 3, names: bool = True) -> set[tuple[str, ...]]:
    """The ``n``-word sequences of ``text`` (lower case) that read as English: words in a row with only
    spaces between them, at least one of them more than a function word.  ``names=False`` leaves out
    the sequences whose every word is capitalised: a name (Hugging Face Hub) is no English sentence."""
    out = set()
    for run in _RUN.findall(text):
        original = run.split()
        words = run.lower().split()
        for i in range(len(words) - n + 1):
            gram = tuple(words[i:i + n])
            if set(gram) <= _FUNCTION_WORDS or (not names and all(w[0].isupper() for w in original[i:i + n])):
                continue
            out.add(gram)
    return out


def _literal_texts(code: str) -> list[str]:
    """The text of every string literal in ``code`` (f-strings: their fixed parts), docstrings left out."""
    tree, docstrings = _parsed(code)
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def course_english(english: Path) -> set[tuple[str, ...]]:
    """The English phrases the course itself writes for ``english``'s reader: those of the tilnlp
    package's string literals, and of the notebook's code literals other than the ``keep:`` ones
    (a model's input or a data label, which the Korean notebook prints as they are).  Quoted text is
    left out on both sides (see :func:`english_left`)."""
    from IPython.core.inputtransformer2 import TransformerManager

    blanked = [PrintedString(e.en, '""') for e in read_strings(translation_path(english)) if e.ko is None]
    texts = []
    for path in sorted(PACKAGE.rglob("*.py")):
        texts += _literal_texts(path.read_text(encoding="utf-8"))
    for source in _course_code(english):
        texts += _literal_texts(TransformerManager().transform_cell(translate_code(source, blanked)))
    return set().union(*(phrases(_QUOTED.sub(" ", text)) for text in texts)) if texts else set()


_QUOTED = re.compile(r"""(?<![A-Za-z])(?:'[^'\n]*'|"[^"]{0,400}"|`[^`\n]*`|“[^”]{0,400}”)""")
_CITATION = re.compile(r"\b[A-Z][A-Za-z-]+ et al\.?")


def english_left(outputs: list[str], course: set[tuple[str, ...]]) -> list[str]:
    """The lines of ``outputs`` (texts a Korean notebook printed, displayed or drew) that hold a
    phrase of the course's own English.  Quoted text is a model's input or output, or code: left out."""
    def blank(match):  # keeps the line breaks, so the lines still match the original ones
        return " " + "\n" * match.group(0).count("\n")

    out = []
    for text in outputs:
        plain = _CITATION.sub(" ", _QUOTED.sub(blank, text)).splitlines()
        out += [line.strip() for line, bare in zip(text.splitlines(), plain) if phrases(bare, names=False) & course]
    return out
