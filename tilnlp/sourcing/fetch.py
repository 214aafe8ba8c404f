"""A laptop's side of the classroom mirror: a stand-in copied from the hub endpoint instead of built here.

A teacher's mirror (:mod:`tilnlp.classroom.mirror`, ``tilnlp mirror serve``) serves every built stand-in as
the repository ``tilnlp/<asset>``.  Under the auto profile, a stand-in missing from the course
cache is copied from there when the endpoint (``HF_ENDPOINT``) serves it, in seconds, rather than
built for minutes; a download that breaks off leaves nothing behind, and the stand-in is built here.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import hub
from .cache import build_once

STANDIN_OWNER = "tilnlp"  # stand-ins are served as tilnlp/<asset>, e.g. tilnlp/gpt2-lee-v1


def standin_repo(asset: str) -> str:
    """The repository id under which the mirror serves the built stand-in ``asset``."""
    return f"{STANDIN_OWNER}/{asset}"


def fetch_standin(asset: str, echo=print) -> Path | None:
    """Install the stand-in ``asset`` into the course cache from the hub endpoint, if it serves it.

    Returns the asset's folder, or ``None`` when no endpoint serves ``tilnlp/<asset>`` (or the
    download broke off; the caller then builds the stand-in here).  The copy goes through
    ``cache.build_once``, so it is atomic like a local build.
    """
    repo_id = standin_repo(asset)
    if not hub.hub_has(repo_id):
        return None

    def copy_in(folder: Path) -> dict:
        from huggingface_hub import snapshot_download

        snapshot_download(repo_id, local_dir=folder)
        shutil.rmtree(folder / ".cache", ignore_errors=True)  # huggingface_hub's download notes
        served = folder / "BUILD_INFO.json"  # build_once writes its own
        facts = json.loads(served.read_text()) if served.is_file() else {}
        served.unlink(missing_ok=True)
        original_seconds = facts.pop("build_seconds", None)
        facts.pop("name", None)
        return {**facts, "fetched_from": f"{hub.endpoint_name()} {repo_id}", "original_build_seconds": original_seconds}

    echo(f"[tilnlp] stand-in {asset}: copying it from {hub.endpoint_name()} instead of building it here", flush=True)
    try:
        return build_once(asset, copy_in)
    except Exception as exc:  # the mirror went away mid-download: the caller builds it here instead
        echo(f"[tilnlp] {hub.endpoint_name()} stopped sending {repo_id} ({type(exc).__name__}); "
             "building the stand-in here instead", flush=True)
        return None
