"""``tilnlp bless`` (course authors): refresh the expected outputs of nbval-checked cells.

Each notebook is run offline at CI sizes; the outputs of its checked cells
(``# NBVAL_CHECK_OUTPUT``) are copied into the source, which is then stored clean.  A
notebook that does not run cleanly is left exactly as it was.  Then the Korean notebook is
regenerated (when its translation is current) and blessed the same way: it prints Korean, so
its checked cells keep their own expected outputs.
"""
from __future__ import annotations

from pathlib import Path

from ..paths import build_dir
from . import notebooks as nbs
from . import runner, translation


def _bless(paths: list[Path], out: Path, echo) -> list[Path]:
    """Run ``paths`` into ``out`` and store their checked cells' outputs; the paths blessed."""
    results = runner.run(paths, out, {}, preset="ci", profile="offline")
    echo(runner.summary(results))
    passed = {r.notebook for r in results if r.status == "passed"}
    blessed = []
    for path in paths:
        name = f"{path.parent.name}/{path.name}" if path.parent.name == translation.LANG else path.name
        if path.stem not in passed:
            echo(f"not blessed {name}: it did not run cleanly")
            continue
        outputs = {c.source: c.outputs for c in nbs.read(out / path.name).cells if nbs.is_checked(c)}
        source = nbs.read(path)
        for cell in source.cells:
            if nbs.is_checked(cell):
                cell.outputs = outputs.get(cell.source, [])
        nbs.write(nbs.clean(source), path)
        echo(f"blessed {name}: {sum(nbs.is_checked(c) for c in source.cells)} checked cell(s)")
        blessed.append(path)
    return blessed


def bless(paths: list[Path], echo=print) -> bool:
    """Bless ``paths`` and their Korean notebooks; True when every one of them ran cleanly and was blessed."""
    with runner.claim(build_dir("bless")) as out:  # the copies are read back below: hold them till then
        blessed = _bless(paths, out, echo)
        korean = []
        for path in blessed:
            if translation.problems(path):
                echo(f"not blessed ko/{path.name}: its translation is not current (`tilnlp translate --check`)")
                continue
            korean += translation.generate([path])
        korean_blessed = _bless(korean, out / translation.LANG, echo) if korean else []
    return len(blessed) == len(paths) and len(korean_blessed) == len(paths)
