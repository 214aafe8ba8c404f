"""The run record: ``run.json`` next to the executed copies.

Per notebook: its status, seconds, profile, where the models came from (``sources``: offline,
hub or mixed), preset, whether the solutions were filled in, the error line of a failure and when
it finished.  ``tilnlp run`` merges every run into it; the
HTML site (:mod:`tilnlp.publishing.site`) reads it back.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from ..paths import PACKAGE
from . import notebooks as nbs

RECORD = "run.json"


def fingerprint(notebook: Path) -> str:
    """A hash of everything an execution of ``notebook`` depends on in this project: the notebook
    itself and the course package (code, plot style, data).  Two runs with the same fingerprint ran
    the same thing; the test suite uses it to reuse a fresh ``tilnlp run`` instead of executing again."""
    digest = hashlib.sha256(Path(notebook).read_bytes())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def read_record(folder: Path) -> dict[str, dict]:
    """``run.json`` of ``folder`` as ``{notebook stem: entry}`` (empty when there is none)."""
    path = folder / RECORD
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))["notebooks"]
    except (ValueError, KeyError, TypeError) as exc:
        raise nbs.NotebookError(f"{path} is not a readable run record ({exc}); delete it and run again") from None


def record_run(out_dir: Path, results, *, preset: str, profile: str, sources: str = "",
               solutions: bool = False) -> Path:
    """Merge ``results`` (``runner.Result``) into ``out_dir/run.json``.

    A notebook skipped by this run keeps its earlier entry: that entry still describes its
    executed copy, which the run did not touch.
    """
    notebooks = read_record(out_dir)
    finished = datetime.now().isoformat(timespec="seconds")
    for result in results:
        if result.status == "skipped" and result.notebook in notebooks:
            continue
        notebooks[result.notebook] = {
            "status": result.status, "seconds": round(result.seconds, 1), "profile": profile,
            "sources": sources, "preset": preset, "solutions": solutions, "error": result.error, "finished": finished,
            "fingerprint": getattr(result, "fingerprint", "")}
    path = out_dir / RECORD
    path.write_text(json.dumps({"notebooks": notebooks}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
