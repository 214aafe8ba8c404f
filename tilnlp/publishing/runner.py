"""``tilnlp run``: execute notebooks headlessly with papermill into ``build/executed/``.

Sources are never modified.  One progress bar spans the whole series (in cells); a failing
notebook keeps its partial executed copy and is reported in one line (notebook, cell, error).
"""
from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..paths import is_packaged, make_folder
from ..sourcing.locks import Busy, exclusive
from . import notebooks as nbs
from .record import fingerprint

ANSWER_LINE = re.compile(r"^answer_(\d+)\s*=\s*None\b.*$", re.M)
RUN_LOCK = ".tilnlp-run.lock"  # in the output folder, held while a run writes there


@dataclass
class Result:
    notebook: str
    status: str  # "passed", "failed", "interrupted", "skipped"
    seconds: float
    output: Path | None
    error: str = ""
    fingerprint: str = ""  # of what was executed (record.fingerprint): the notebook and the course's code


class _SeriesBar:
    """What papermill's per-notebook progress bar calls, forwarded to one series-wide bar."""

    def __init__(self, bar, name: str):
        object.__setattr__(self, "_bar", bar)
        object.__setattr__(self, "_name", name)

    def update(self, n=1):
        self._bar.update(n)

    def set_description(self, text):
        self._bar.set_postfix_str(f"{self._name}: {text.removeprefix('Executing ')}", refresh=True)

    def __setattr__(self, key, value):  # papermill sets .n at the end of a notebook: ignore
        pass

    def refresh(self):
        pass

    def close(self):
        pass


def _register_engine(bar_for):
    """A papermill engine that reports cells to the series bar (``bar_for(nb_man)``)."""
    from papermill.engines import NBClientEngine, papermill_engines

    class SeriesEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            nb_man.pbar = bar_for(nb_man)
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("tilnlp-series", SeriesEngine)
    return "tilnlp-series"


@functools.lru_cache(maxsize=1)
def _ipc_folder() -> Path:
    """A private temporary folder for this process's kernel sockets, removed when it exits."""
    folder = Path(tempfile.mkdtemp(prefix="tilnlp-kernels-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def kernel_manager_class(env: dict[str, str]):
    """A kernel manager whose kernels get ``env`` on top of this process's environment.

    The runner never changes its own ``os.environ``: the settings of a run (preset, profile,
    strict exercises, ...) travel to each kernel it starts, and to nothing else.  Kernels talk
    to the runner over local IPC sockets where the system has them (not Windows): with the
    default, TCP on localhost, ipykernel prints a warning about unencrypted traffic into every
    run's output; IPC sockets are files only this user can reach.  A kernel that finished its
    notebook is shut down without a SIGINT first (see ``_async_interrupt_kernel``).
    """
    from jupyter_client import AsyncKernelManager

    extra = dict(env)

    class CourseKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            if os.name != "nt":
                kwargs.setdefault("transport", "ipc")
                # The sockets' path prefix: relative by default, i.e. files in the notebook's folder,
                # left behind there when a kernel is killed. An absolute one keeps them out of it.
                kwargs.setdefault("ip", str(_ipc_folder() / "kernel"))
            super().__init__(**kwargs)

        async def _async_pre_start_kernel(self, **kw):
            kw["env"] = {**os.environ, **kw.get("env", {}), **extra}
            return await super()._async_pre_start_kernel(**kw)

        async def _async_interrupt_kernel(self):
            # jupyter_client sends a kernel SIGINT before asking it to shut down.  papermill's last
            # request (kernel_info) is answered before ipykernel has left its message handler, and
            # a SIGINT in that moment makes ipykernel log "[IPKernelApp] ERROR | KeyboardInterrupt
            # caught in kernel." on the terminal although the notebook passed.  At shutdown there is
            # nothing to interrupt: the shutdown request (control channel) stops the kernel, and
            # jupyter_client terminates one that has not stopped within shutdown_wait_time.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return CourseKernelManager


@contextmanager
def claim(out_dir: Path):
    """Hold the output folder for one run; a second run into the same folder refuses in one line.

    Refusing beats waiting: the second run would overwrite the first one's copies and run record,
    and a run can take half an hour, silently.  The lock dies with its process (even ``kill -9``).
    """
    make_folder(out_dir)
    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive(out_dir / RUN_LOCK, wait=False))
        except Busy as busy:
            who = f"process {busy.pid}" if busy.pid else "another process"
            raise UserError(f"another tilnlp run ({who}) is writing into {out_dir}; wait for it to finish, "
                            "or choose another output folder (--out DIR)") from None
        yield out_dir


def solutions_path(path: Path) -> Path:
    """The worked solutions of the notebook at ``path``: ``solutions/<stem>.py`` beside it – for a Korean
    notebook (``notebooks/ko/``, the same code) the English notebook's."""
    folder = path.parent.parent if path.parent.name == "ko" else path.parent
    return folder / "solutions" / f"{path.stem}.py"


def with_solutions(nb, path: Path):
    """``nb`` with its exercise cells solved: each ``answer_N = None`` line replaced by the solutions
    file's wrong answer (which the check must reject) and worked solution (which it must accept)."""
    from ..exercises import read_solutions, solved_source

    cells = [c for c in nb.cells if c.cell_type == "code" and "exercise" in c.metadata.get("tags", [])]
    if not cells:
        return nb
    sol_path = solutions_path(path)
    if not sol_path.is_file():
        raise nbs.NotebookError(f"{path.stem} has exercises but no solutions file {sol_path.name}")
    solutions = read_solutions(sol_path)
    for cell in cells:
        def swap(match):
            number = int(match.group(1))
            if number not in solutions:
                raise nbs.NotebookError(f"{sol_path.name} has no block '# %% exercise {number}'")
            return solved_source(number, solutions[number])
        cell.source = ANSWER_LINE.sub(swap, cell.source)
    return nb


def _error_line(exc) -> tuple[str, int | None]:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = str(getattr(exc, "evalue", exc)).strip().splitlines()
    cell = getattr(exc, "exec_count", None)
    return f"{ename}: {evalue[-1] if evalue else ''}".strip(), cell


def kernel_env(preset: str | None, profile: str | None, solutions: bool) -> dict[str, str]:
    """What a run sets in its kernels' environment (on top of the runner's own)."""
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if preset:
        env["TILNLP_PRESET"] = preset
    if profile:
        env["TILNLP_PROFILE"] = profile
        if profile == "offline":
            env["HF_HUB_OFFLINE"] = "1"
    if solutions:
        env["TILNLP_STRICT_EXERCISES"] = "1"
    return env


class _ParameterNoise(logging.Filter):
    """papermill cannot read a parameters cell that calls ``preset(...)``: it warns "Unable to parse
    line ..." and calls every given parameter unknown. ``notebooks.check_parameters`` has already
    checked the names (an unknown one is an error), so these warnings only mislead."""

    def filter(self, record):
        message = record.getMessage()
        return not message.startswith(("Unable to parse line", "Passed unknown parameter"))


@functools.lru_cache(maxsize=1)
def _quiet_papermill_parameter_warnings() -> None:
    for name in ("papermill", "papermill.translators"):  # execute.py logs through "papermill"
        logging.getLogger(name).addFilter(_ParameterNoise())


def run(paths: list[Path], out_dir: Path, params: dict[str, dict], preset: str | None = None,
        profile: str | None = None, keep_going: bool = True, solutions: bool = False,
        echo=print) -> list[Result]:
    """Execute ``paths`` in order; ``params[stem]`` are the checked papermill parameters."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError
    from tqdm.auto import tqdm

    _quiet_papermill_parameter_warnings()
    out_dir.mkdir(parents=True, exist_ok=True)
    prepared = []
    for path in paths:
        nb = nbs.read(path)
        if solutions:
            nb = with_solutions(nb, path)
        prepared.append((path, nb))
    total = sum(sum(1 for c in nb.cells) for _, nb in prepared)
    manager_class = kernel_manager_class(kernel_env(preset, profile, solutions))

    results: list[Result] = []
    with tqdm(total=total, unit="cell", desc="tilnlp run", dynamic_ncols=True) as bar:
        current = {}
        engine = _register_engine(lambda nb_man: _SeriesBar(bar, current["name"]))
        for i, (path, nb) in enumerate(prepared):
            current["name"] = path.stem
            output = out_dir / path.name
            start = time.perf_counter()
            try:
                with tempfile.TemporaryDirectory() as tmp:  # papermill reads a file; the source stays untouched
                    src = Path(tmp) / path.name
                    nbs.write(nb, src)
                    pm.execute_notebook(str(src), str(output), parameters=params.get(path.stem, {}),
                                        engine_name=engine, progress_bar=False, cwd=str(kernel_cwd(path, out_dir)),
                                        kernel_name="python3", kernel_manager_class=manager_class)
                results.append(Result(path.stem, "passed", time.perf_counter() - start, output,
                                      fingerprint=fingerprint(path)))
            except PapermillExecutionError as exc:
                line, cell = _error_line(exc)
                where = f"cell [{cell}]" if cell else "a cell"
                results.append(Result(path.stem, "failed", time.perf_counter() - start, output,
                                      f"{where}: {line}"))
                bar.write(f"FAILED {path.stem}: {where}: {line}  (partial copy: {output})")
                if not keep_going:
                    results += [Result(p.stem, "skipped", 0.0, None) for p, _ in prepared[i + 1:]]
                    break
            except KeyboardInterrupt:
                results.append(Result(path.stem, "interrupted", time.perf_counter() - start,
                                      output if output.exists() else None, "stopped by Ctrl-C"))
                results += [Result(p.stem, "skipped", 0.0, None) for p, _ in prepared[i + 1:]]
                bar.write(f"INTERRUPTED {path.stem}; partial copy: {output if output.exists() else 'none'}")
                break
    return results


def kernel_cwd(path: Path, out_dir: Path) -> Path:
    """The folder a notebook's kernel runs in: the notebook's own, as in JupyterLab – except for the
    read-only copy inside an installed wheel, whose kernels run in the output folder instead."""
    return out_dir if is_packaged(path) else path.parent


def summary(results: list[Result]) -> str:
    width = max([len(r.notebook) for r in results] + [8])
    lines = [f"{'notebook':<{width}}  {'status':<11}  {'seconds':>7}", "-" * (width + 22)]
    for r in results:
        lines.append(f"{r.notebook:<{width}}  {r.status:<11}  {r.seconds:7.1f}")
    passed = sum(r.status == "passed" for r in results)
    lines.append("-" * (width + 22))
    lines.append(f"{passed}/{len(results)} passed in {sum(r.seconds for r in results):.1f} s")
    return "\n".join(lines)
