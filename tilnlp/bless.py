"""``tilnlp bless`` (course authors): refresh the expected outputs of nbval-checked cells.

Each notebook is run offline at CI sizes; the outputs of its checked cells
(``# NBVAL_CHECK_OUTPUT``) are copied into the source, which is then stored clean.  A
notebook that does not run cleanly is left exactly as it was.  The Korean notebook, which
carries the same checked outputs, is regenerated too when its translation is current.
"""
from __future__ import annotations

from pathlib import Path

from . import notebooks as nbs
from . import runner, translation
from .paths import build_dir


def bless(paths: list[Path], echo=print) -> bool:
    """Bless ``paths``; True when every one of them ran cleanly and was blessed."""
    with runner.claim(build_dir("bless")) as out:  # the copies are read back below: hold them till then
        results = runner.run(paths, out, {}, preset="ci", profile="offline")
        echo(runner.summary(results))
        passed = {r.notebook for r in results if r.status == "passed"}
        for path in paths:
            if path.stem not in passed:
                echo(f"not blessed {path.name}: it did not run cleanly")
                continue
            outputs = {c.source: c.outputs for c in nbs.read(out / path.name).cells if nbs.is_checked(c)}
            source = nbs.read(path)
            for cell in source.cells:
                if nbs.is_checked(cell):
                    cell.outputs = outputs.get(cell.source, [])
            nbs.write(nbs.clean(source), path)
            echo(f"blessed {path.name}: {sum(nbs.is_checked(c) for c in source.cells)} checked cell(s)")
            if not translation.problems(path):  # the Korean copy carries the same expected outputs
                translation.generate([path])
                echo(f"regenerated ko/{path.name}")
    return len(passed) == len(paths)
