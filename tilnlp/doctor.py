"""``tilnlp doctor`` and ``tilnlp prefetch``: what is installed, detected and cached."""
from __future__ import annotations

import importlib

from . import cache, models
from .preamble import versions
from .presets import active_preset


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def _standin_module(model: models.Model):
    if model.offline.startswith("module:"):
        return importlib.import_module(model.offline.removeprefix("module:"))
    return None


def report() -> int:
    print("versions: " + " | ".join(f"{k} {v}" for k, v in versions().items()))
    profile = models.resolve_profile()
    reach = "yes" if models.hub_reachable() else "no"
    print(f"profile: {profile} (TILNLP_PROFILE) | preset: {active_preset()} | hub reachable: {reach}"
          f"{' (HF_HUB_OFFLINE set)' if models.hub_offline_requested() else ''}")
    print(f"cache: {cache.cache_dir()}")
    all_ready = True
    print("models:")
    for model in models.MODELS.values():
        source = models.choose_source(profile, models.in_hf_cache(model.real_id)) if profile != "hub" else "hub"
        ready = models.offline_ready(model)
        all_ready &= ready
        where = models.offline_path(model, build=False)
        line = f"  {model.real_id:<58} auto->{source:<7} offline stand-in: {'ready' if ready else 'NOT BUILT'}"
        module = _standin_module(model)
        if module is not None and ready:
            info = cache.build_info(module.ASSET) or {}
            extra = f"built in {info.get('build_seconds', '?')} s, {_size(cache.folder_size(where))}"
            line += f" ({extra}; {module.measured(info)})"
        elif module is None:
            line += f" (packaged: {where})"
        print(line)
    print(f"data: imdb offline stand-in ready (vendored 2,000 real reviews) | "
          f"imdb in HF cache: {'yes' if models.imdb_in_hf_cache() else 'no'}")
    others = [p for p in cache.cache_dir().iterdir() if not p.name.startswith(".")]
    if others:
        print("cache contents:")
        for path in sorted(others):
            print(f"  {path.name:<32} {_size(cache.folder_size(path))}")
    if not all_ready:
        print("Some offline stand-ins are not built yet: `tilnlp prefetch` builds them "
              "(or the first notebook that needs one does).")
    return 0


def prefetch(profile: str | None = None) -> int:
    from tqdm.auto import tqdm

    profile = models.resolve_profile(profile)
    items = list(models.MODELS)
    with tqdm(total=len(items) + 1, desc="prefetch", unit="asset") as bar:
        for name in items:
            bar.set_postfix_str(name)
            res = models.resolve(name, profile)
            if res.source == "hub":
                from huggingface_hub import snapshot_download

                snapshot_download(res.real_id)
            bar.write(f"{res.real_id}: {res.source} -> {res.path}")
            bar.update()
        bar.set_postfix_str("imdb")
        models.Course(profile).imdb()
        bar.update()
    return report()
