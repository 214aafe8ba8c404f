"""The HTML site of the executed notebooks (``tilnlp run --html``, ``tilnlp export``).

``export`` turns a folder of executed notebooks into a static site: one page per notebook
(nbconvert's lab template, plots as data URIs, no script from the network) with a header
linking back to ``index.html``, which lists every notebook with its description and run
(from :mod:`tilnlp.publishing.record`).  Links are relative, so the folder opens from disk or can be
hosted as it is; links to the glossary point at its page in the site.

Both languages: executed Korean notebooks in ``<folder>/ko`` (``tilnlp run --lang ko``) become
``ko/*.html`` with their own index, and every page links to the same page in the other language.
The site carries a Hangul font (NanumGothic, from ``koreanize-matplotlib``), so Korean text
renders on machines that have none.
"""
from __future__ import annotations

import copy
import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..paths import make_folder, project_root
from . import notebooks as nbs
from .record import read_record

GLOSSARY = "GLOSSARY.md"
GLOSSARY_PAGE = "glossary.html"
FONT = "fonts/NanumGothic.ttf"  # in the site, for Korean text

WORDS = {  # the site's own words: (English, Korean)
    "all": ("All notebooks", "모든 노트북"),
    "copy": ("executed .ipynb", "실행된 .ipynb"),
    "glossary": ("glossary (English–한국어)", "용어집 (English–한국어)"),
    "other": ("한국어", "English"),  # the link to the other language
    "title": ("tilnlp · Hugging Face Transformers basics", "tilnlp · 허깅페이스 트랜스포머 기초"),
    "notebooks": ("notebooks", "개 노트북"),
    "passed": ("passed", "통과"),
    "in_all": ("s in all", "초"),
    "last_run": ("last run", "마지막 실행"),
    "columns": (("notebook", "what you do", "status", "time", "profile", "preset"),
                ("노트북", "내용", "상태", "시간", "프로필", "프리셋")),
    "footer": ("Executed notebooks, one page each; every number on them was computed by the run shown here. "
               "Made with <code>tilnlp run --html</code>.",
               "실행된 노트북을 한 쪽에 하나씩 담았습니다. 모든 숫자는 여기 표시된 실행에서 계산되었습니다. "
               "<code>tilnlp run --lang ko --html</code>로 만들었습니다."),
}
UI = {lang: {key: words[i] for key, words in WORDS.items()} for i, lang in enumerate(("en", "ko"))}


@dataclass
class Entry:
    notebook: str
    title: str
    description: str
    status: str
    seconds: float | None
    profile: str
    preset: str
    error: str = ""
    finished: str = ""
    has_copy: bool = True

    @property
    def page(self) -> str:
        return f"{self.notebook}.html"


def _authored(nb):
    """A view of ``nb`` without the error banners papermill adds to a failed notebook."""
    view = copy.copy(nb)
    view.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    return view


def _title(nb, stem: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            return cell.source.lstrip().splitlines()[0][2:].strip()
    return stem


def _from_papermill(nb) -> dict:
    """What a copy executed without ``tilnlp run`` (so without a record) tells about its run."""
    meta = nb.metadata.get("papermill", {})
    if meta.get("exception"):
        status = "failed"
    elif meta.get("duration") is not None:
        status = "passed"
    else:
        status = "unknown"
    return {"status": status, "seconds": meta.get("duration")}


def _entry(path: Path, nb, recorded: dict | None) -> Entry:
    run = recorded or _from_papermill(nb)
    authored = _authored(nb)
    return Entry(notebook=path.stem, title=_title(authored, path.stem), description=nbs.description(authored, path),
                 status=run["status"], seconds=run.get("seconds"), profile=run.get("profile") or "—",
                 preset=run.get("preset") or "—", error=run.get("error", ""), finished=run.get("finished", ""))


def _unexecuted(stem: str, recorded: dict) -> Entry:
    return Entry(notebook=stem, title=stem, description="", status=recorded["status"], seconds=None,
                 profile=recorded.get("profile") or "—", preset=recorded.get("preset") or "—",
                 error=recorded.get("error", ""), finished=recorded.get("finished", ""), has_copy=False)


# --------------------------------------------------------------------------- HTML

_CSS = """
.tilnlp-bar { font: 14px/1.5 system-ui, sans-serif; color: #333; background: #f3f5f8;
  border-bottom: 1px solid #d5dae1; padding: 8px 16px; margin: 0 0 16px; display: flex;
  flex-wrap: wrap; gap: 6px 18px; align-items: center; }
.tilnlp-bar a { color: #1565c0; text-decoration: none; }
.tilnlp-bar a:hover { text-decoration: underline; }
.tilnlp-bar .spacer { flex: 1; }
.tilnlp-error { flex-basis: 100%; color: #b71c1c; font-family: monospace; }
.status { display: inline-block; padding: 0 8px; border-radius: 9px; font-size: 12px;
  font-weight: 600; color: #fff; background: #757575; }
.status.passed { background: #2e7d32; }
.status.failed { background: #c62828; }
.status.interrupted { background: #ef6c00; }
"""

_INDEX_CSS = _CSS + """
body { font: 15px/1.5 system-ui, sans-serif; color: #222; max-width: 1100px; margin: 24px auto;
  padding: 0 16px; }
h1 { font-size: 26px; margin-bottom: 4px; }
.summary { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 16px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid #e0e4ea; vertical-align: top;
  word-break: keep-all; }
th { background: #f3f5f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nb { white-space: nowrap; font-family: ui-monospace, monospace; font-size: 14px; }
a { color: #1565c0; text-decoration: none; }
a:hover { text-decoration: underline; }
a.anchor-link { display: none; }
.error { color: #b71c1c; font-family: monospace; font-size: 13px; }
footer { color: #777; font-size: 13px; margin-top: 24px; }
"""

_PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{#- the lab template, minus every script it would fetch from a CDN, plus the course's header -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}<style type="text/css">{{ resources.tilnlp_css }}</style>{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}{{ resources.tilnlp_header }}{%- endblock body_header -%}
"""


def _status(status: str) -> str:
    return f'<span class="status {html.escape(status)}">{html.escape(status)}</span>'


def _seconds(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.1f} s"


def _header(entry: Entry, prev: Entry | None, nxt: Entry | None, lang: str = "en", other: str | None = None) -> str:
    """The bar above a page: back to the index, the run, the download, neighbours, the other language."""
    esc, ui = html.escape, UI[lang]
    parts = ['<nav class="tilnlp-bar">', f'<a href="index.html">&uarr; {ui["all"]}</a>',
             f"<span>{_status(entry.status)} {_seconds(entry.seconds)} &middot; profile {esc(entry.profile)}"
             f" &middot; preset {esc(entry.preset)}</span>",
             f'<a href="{esc(entry.notebook)}.ipynb" download>{ui["copy"]}</a>', '<span class="spacer"></span>']
    if other:
        parts.append(f'<a class="lang-switch" href="{esc(other)}" hreflang="{"en" if lang == "ko" else "ko"}">'
                     f'{ui["other"]}</a>')
    if prev:
        parts.append(f'<a href="{esc(prev.page)}">&larr; {esc(prev.notebook)}</a>')
    if nxt:
        parts.append(f'<a href="{esc(nxt.page)}">{esc(nxt.notebook)} &rarr;</a>')
    if entry.error:
        parts.append(f'<span class="tilnlp-error">{esc(entry.error)}</span>')
    parts.append("</nav>")
    return "\n".join(parts)


_NOTEBOOK_LINK = re.compile(r'(\]\(|href=")(?:\./)?(\d\d_[a-z0-9_]+)\.ipynb\b')
_GLOSSARY_LINK = re.compile(r'(\]\(|href=")((?:\.\./)+)GLOSSARY\.md\b')


def relink(text: str, stems: set[str], glossary: bool) -> str:
    """Markdown (or HTML) ``text`` with links to sibling notebooks and to the glossary
    pointing at their pages in the site (``02_x.ipynb#a`` -> ``02_x.html#a``).

    An English notebook links ``../GLOSSARY.md`` and its page sits beside ``glossary.html``; a
    Korean one links ``../../GLOSSARY.md`` and its page sits in ``ko/``: one ``../`` fewer either way.
    """
    def notebook(match):
        opener, stem = match.groups()
        return f"{opener}{stem}.html" if stem in stems else match.group(0)

    text = _NOTEBOOK_LINK.sub(notebook, text)
    if not glossary:
        return text
    return _GLOSSARY_LINK.sub(lambda m: m.group(1) + m.group(2)[3:] + GLOSSARY_PAGE, text)


def _relinked(nb, stems: set[str], glossary: bool):
    view = copy.deepcopy(nb)
    for cell in view.cells:
        if cell.cell_type == "markdown":
            cell.source = relink(cell.source, stems, glossary)
    return view


# Hangul syllables and jamo: only these characters take the site's font; Latin text keeps the usual ones
HANGUL_RANGES = "U+1100-11FF, U+3130-318F, U+A960-A97F, U+AC00-D7AF, U+D7B0-D7FF"
_FAMILIES = 'tilnlp-hangul, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
_MONO = 'tilnlp-hangul, menlo, consolas, "DejaVu Sans Mono", monospace'  # Korean comments in code, too


def _font_css(depth: int) -> str:
    """A Hangul font for Korean text: an installed NanumGothic, else the copy in the site's fonts/.

    It leads every font list but covers Hangul only (``unicode-range``): a fallback family after
    ``system-ui`` is never reached for characters the system font lacks (Chromium draws boxes).
    """
    url = "../" * depth + FONT
    return (f'@font-face {{ font-family: tilnlp-hangul; src: local("NanumGothic"), url("{url}") format("truetype");\n'
            f'  unicode-range: {HANGUL_RANGES}; }}\n'
            # html:root outranks the :root of JupyterLab's stylesheet, which comes later in the page
            f'html:root {{ --jp-content-font-family: {_FAMILIES};\n  --jp-ui-font-family: {_FAMILIES};\n'
            f'  --jp-code-font-family: {_MONO}; }}\n'
            f'body, .tilnlp-bar {{ font-family: {_FAMILIES}; }}\n'
            f'pre, code, .tilnlp-error {{ font-family: {_MONO}; }}\n')


def _copy_font(out: Path) -> bool:
    """Put NanumGothic (shipped by koreanize-matplotlib) into ``out/fonts``; False when it is not installed.

    The shipped file carries empty VTT source tables (``TSI0``-``TSI5``, left by a font editor);
    browsers' font sanitiser rejects the whole font for them, so the copy goes without them.
    """
    from fontTools.ttLib import TTFont

    from ..plots import hangul_font_path

    source = hangul_font_path()
    if source is None:
        return False
    make_folder((out / FONT).parent)
    font = TTFont(source)
    for table in [tag for tag in font.keys() if tag.startswith("TSI")]:
        del font[table]
    partial = (out / FONT).with_suffix(".partial")
    font.save(partial)
    partial.replace(out / FONT)
    return True


def _exporter():
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", template_file="tilnlp_page.html.j2", embed_images=True,
                        extra_loaders=[jinja2.DictLoader({"tilnlp_page.html.j2": _PAGE_TEMPLATE})])


def notebook_page(exporter, nb, entry: Entry, prev: Entry | None, nxt: Entry | None, lang: str = "en",
                  other: str | None = None) -> str:
    depth = 1 if lang == "ko" else 0
    resources = {"metadata": {"name": entry.title}, "tilnlp_css": _CSS + _font_css(depth),
                 "tilnlp_header": _header(entry, prev, nxt, lang, other)}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return re.sub(r"<html\b[^>]*>", f'<html lang="{lang}">', body, count=1)


def _shell(title: str, body: str, lang: str = "en", depth: int = 0) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_INDEX_CSS}{_font_css(depth)}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def _row(entry: Entry) -> str:
    esc = html.escape
    name = f'<a href="{esc(entry.page)}">{esc(entry.notebook)}</a>' if entry.has_copy else esc(entry.notebook)
    error = f'<div class="error">{esc(entry.error)}</div>' if entry.error else ""
    return (f"<tr><td class=\"nb\">{name}</td><td>{esc(entry.description)}{error}</td>"
            f"<td>{_status(entry.status)}</td><td class=\"num\">{_seconds(entry.seconds)}</td>"
            f"<td>{esc(entry.profile)}</td><td>{esc(entry.preset)}</td></tr>")


def index_page(entries: list[Entry], glossary: bool, lang: str = "en", other: str | None = None) -> str:
    ui = UI[lang]
    depth = 1 if lang == "ko" else 0
    passed = sum(e.status == "passed" for e in entries)
    total = sum(e.seconds or 0 for e in entries)
    finished = max((e.finished for e in entries if e.finished), default="")
    summary = f"{len(entries)} {ui['notebooks']} &middot; {passed} {ui['passed']} &middot; {total:.0f} {ui['in_all']}"
    if finished:
        summary += f" &middot; {ui['last_run']} {html.escape(finished.replace('T', ' '))}"
    if glossary:
        summary += f' &middot; <a href="{"../" * depth}{GLOSSARY_PAGE}">{ui["glossary"]}</a>'
    if other:
        summary += f' &middot; <a class="lang-switch" href="{other}">{ui["other"]}</a>'
    rows = "\n".join(_row(e) for e in entries)
    heads = "".join(f"<th>{c}</th>" for c in ui["columns"])
    body = (f"<h1>{ui['title']}</h1>\n<p class=\"summary\">{summary}</p>\n"
            f"<table>\n<thead><tr>{heads}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
            f"<footer>{ui['footer']}</footer>")
    return _shell(ui["title"], body, lang, depth)


def glossary_page(markdown: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    back = '<nav class="tilnlp-bar"><a href="index.html">&uarr; All notebooks</a></nav>'
    return _shell("tilnlp · glossary", back + markdown2html_mistune(markdown))


# --------------------------------------------------------------------------- export

def _entries(src: Path) -> tuple[list[Entry], dict]:
    record = read_record(src)
    entries, notebooks = [], {}
    for path in nbs.course_notebooks(src):
        nb = nbs.read(path)
        notebooks[path.stem] = nb
        entries.append(_entry(path, nb, record.get(path.stem)))
    entries += [_unexecuted(stem, run) for stem, run in record.items() if stem not in notebooks]
    entries.sort(key=lambda e: e.notebook)
    return entries, notebooks


def _write_pages(entries: list[Entry], notebooks: dict, src: Path, out: Path, glossary: bool, lang: str,
                 others: set[str]) -> None:
    """One page per executed notebook; ``others``: the notebooks that have a page in the other language."""
    exporter = _exporter()
    pages = [e for e in entries if e.has_copy]
    stems = {e.notebook for e in pages}
    for i, entry in enumerate(pages):
        prev, nxt = (pages[i - 1] if i else None), (pages[i + 1] if i + 1 < len(pages) else None)
        other = (f"../{entry.page}" if lang == "ko" else f"ko/{entry.page}") if entry.notebook in others else None
        nb = _relinked(notebooks[entry.notebook], stems, glossary)
        (out / entry.page).write_text(notebook_page(exporter, nb, entry, prev, nxt, lang, other), encoding="utf-8")
        if out.resolve() != src.resolve():  # the site offers the executed notebooks for download
            shutil.copyfile(src / f"{entry.notebook}.ipynb", out / f"{entry.notebook}.ipynb")


def export(src: Path, out: Path | None = None, glossary: Path | None = None) -> Path:
    """Write the site for the executed notebooks in ``src`` (and ``src/ko``) into ``out`` (default: ``src``).

    Returns the path of the top ``index.html`` (the English one, or the Korean one when only Korean
    notebooks were executed).  ``glossary`` (default: the project's GLOSSARY.md, when it exists)
    becomes ``glossary.html``, and notebook links to it point there.
    """
    out = out or src
    folders = {lang: folder for lang, folder in (("en", src), ("ko", src / "ko"))
               if folder.is_dir() and nbs.course_notebooks(folder)}
    if not folders:
        raise nbs.NotebookError(f"no executed notebooks in {src}: run `tilnlp run` first, or name the folder with --from")
    glossary = glossary or project_root() / GLOSSARY
    has_glossary = glossary.is_file()
    found = {lang: _entries(folder) for lang, folder in folders.items()}
    stems = {lang: {e.notebook for e in entries if e.has_copy} for lang, (entries, _) in found.items()}
    make_folder(out)
    _copy_font(out)
    indexes = {}
    for lang, (entries, notebooks) in found.items():
        other_lang = "en" if lang == "ko" else "ko"
        target = make_folder(out / "ko") if lang == "ko" else out
        _write_pages(entries, notebooks, folders[lang], target, has_glossary, lang, stems.get(other_lang, set()))
        other_index = ("../index.html" if lang == "ko" else "ko/index.html") if other_lang in found else None
        indexes[lang] = target / "index.html"
        indexes[lang].write_text(index_page(entries, has_glossary, lang, other_index), encoding="utf-8")
    if has_glossary:
        (out / GLOSSARY_PAGE).write_text(glossary_page(glossary.read_text(encoding="utf-8")), encoding="utf-8")
    return indexes.get("en") or indexes["ko"]
