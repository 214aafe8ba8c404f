"""``tilnlp doctor`` and ``tilnlp prefetch``: what is installed, detected and cached."""
from __future__ import annotations

from ..preamble import versions
from ..presets import active_preset
from ..sourcing import cache, hub, models
from ..sourcing.fetch import standin_repo


def endpoint_line() -> str:
    """Which Hugging Face endpoint is in use, and whether it answers."""
    setting = "HF_ENDPOINT" if hub.endpoint_setting() else "the default; HF_ENDPOINT is not set"
    if hub.hub_offline_requested():
        state = "not asked (HF_HUB_OFFLINE set)"
    else:
        state = "yes" if hub.hub_reachable() else "no"
    return f"hub endpoint: {hub.hub_endpoint()} ({setting}) | answers: {state}"


def _state(name: str, problems: dict[str, list[str]]) -> str:
    """``ready``, ``NOT BUILT`` or ``DAMAGED (file: why)`` for the cached asset ``name``."""
    if name not in problems:
        return "NOT BUILT"
    return f"DAMAGED ({cache.describe(problems[name])})" if problems[name] else "ready"


def report() -> int:
    """Print what is installed and cached; 1 when a cached asset is damaged, else 0."""
    print("versions: " + " | ".join(f"{k} {v}" for k, v in versions().items()))
    profile = models.resolve_profile()
    print(f"profile: {profile} (TILNLP_PROFILE) | preset: {active_preset()}")
    print(endpoint_line())
    print(f"cache: {cache.cache_dir()}")
    cache.tidy()  # one line per temporary folder of an interrupted build that it removes
    standins = [m.ASSET for m in map(models.standin_module, models.MODELS.values()) if m is not None]
    names = set(cache.assets()) | {name for name in standins if cache.asset_path(name).exists()}
    problems = {name: cache.damage(name, checksums=True) for name in sorted(names)}  # every file's sha256
    all_ready = True
    print("models:")
    for model in models.MODELS.values():
        cached = hub.in_hf_cache(model.real_id)
        source = models.choose_source(profile, cached, model.real_id) if profile != "hub" else "hub"
        module = models.standin_module(model)
        if module is None:
            state = "ready" if models.offline_ready(model) else "NOT BUILT"
        else:
            state = _state(module.ASSET, problems)
        ready = state == "ready"
        all_ready &= ready
        where = models.offline_path(model, build=False)
        line = f"  {model.real_id:<58} auto->{source:<7} offline stand-in: {state}"
        if module is not None and state == "NOT BUILT" and hub.hub_has(standin_repo(module.ASSET)):
            line += f" ({hub.endpoint_name()} serves it: copied on first use)"
        elif module is not None and ready:
            info = cache.build_info(module.ASSET) or {}
            made = (f"copied from {info['fetched_from']}" if "fetched_from" in info
                    else f"built in {info.get('build_seconds', '?')} s")
            line += f" ({made}, {cache.size_text(cache.folder_size(where))}; {module.measured(info)})"
        elif module is None:
            line += f" (packaged: {where})"
        print(line)
    print(f"data: imdb offline stand-in ready (vendored 2,000 real reviews) | "
          f"imdb in HF cache: {'yes' if hub.imdb_in_hf_cache() else 'no'}")
    if problems:
        print("cache contents:")
        for name in problems:
            print(f"  {name:<32} {cache.size_text(cache.folder_size(cache.asset_path(name))):>9}  {_state(name, problems)}")
    damaged = sorted(name for name, found in problems.items() if found)
    if damaged:
        print(f"Damaged in the cache: {', '.join(damaged)}. `{cache.REPAIR}` rebuilds them "
              "(or `tilnlp cache import FILE` brings intact copies from another machine).")
    elif not all_ready:
        print("Some offline stand-ins are not built yet: `tilnlp prefetch` builds them "
              "(or the first notebook that needs one does).")
    return 1 if damaged else 0


def prefetch(profile: str | None = None) -> int:
    from tqdm.auto import tqdm

    profile = models.resolve_profile(profile)
    cache.tidy()
    cache.remove_damaged()  # checksums: what a size check misses; the loop below rebuilds them
    items = list(models.MODELS)
    with tqdm(total=len(items) + 1, desc="prefetch", unit="asset") as bar:
        for name in items:
            bar.set_postfix_str(name)
            res = models.resolve(name, profile)
            if res.source == "hub":
                from huggingface_hub import snapshot_download

                snapshot_download(res.real_id, allow_patterns=list(hub.HUB_FILES))
            bar.write(f"{res.real_id}: {res.source} -> {res.path}")
            bar.update()
        bar.set_postfix_str("imdb")
        models.Course(profile).imdb()
        bar.update()
    return report()
