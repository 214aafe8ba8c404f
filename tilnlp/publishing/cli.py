"""The ``tilnlp`` command.  Start-up imports only the standard library, so ``--help`` is instant."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..classroom.server import DEFAULT_PORT
from ..errors import UserError
from ..paths import build_dir, editable_sources
from ..presets import PRESETS
from ..sourcing.models import PROFILES
from . import notebooks as nbs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tilnlp", description="Run, check and prepare the tilnlp Transformers course notebooks.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser("init", help="copy the notebooks (English and Korean) and the glossary into DIR, "
                                       "where you will work on them")
    init.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    init.add_argument("--force", action="store_true",
                      help="update the course's files in a folder that is not empty (a file you changed is "
                           "kept in DIR/backup-<time>/ first)")
    init.add_argument("--solutions", action="store_true",
                      help="(teachers) also copy the worked solutions, notebooks/solutions/")

    run = sub.add_parser("run", help="execute notebooks headlessly into build/executed/")
    run.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="names or numbers (default: all)")
    run.add_argument("--profile", choices=PROFILES, help="model source: auto (default), hub or offline")
    run.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                     help="set a notebook parameter (repeatable)")
    run.add_argument("--preset", choices=PRESETS, help="sizes: full (the notes' sizes) or ci (small); "
                                                       "default: ci when CI=true, else full")
    run.add_argument("--out", type=Path, default=None, help="output folder (default: build/executed)")
    run.add_argument("--stop", action="store_true",
                     help="stop at the first failing notebook (default: run the rest too)")
    run.add_argument("--solutions", action="store_true",
                     help="fill in the exercise solutions and fail on a wrong answer (what CI checks)")
    run.add_argument("--html", action="store_true",
                     help="also write an HTML page per notebook and an index.html next to the executed copies")
    run.add_argument("--lang", choices=nbs.LANGS, default="en",
                     help="en (default) or ko: the Korean edition, executed into OUT/ko")

    sub.add_parser("list", help="the notebooks, one line each")
    sub.add_parser("doctor", help="versions, profile detection, cache and offline assets")
    pre = sub.add_parser("prefetch", help="build/download every model and data set into the cache "
                                          "(and rebuild any damaged one)")
    pre.add_argument("--profile", choices=PROFILES, help="what to fetch (default: auto)")

    cache = sub.add_parser("cache", help="move the built models to another machine: export them into "
                                         "one file, import that file there")
    actions = cache.add_subparsers(dest="action", metavar="ACTION", required=True)
    cache_export = actions.add_parser("export", help="write the cached assets and their checksums into FILE (tar)")
    cache_export.add_argument("file", type=Path, metavar="FILE")
    cache_export.add_argument("assets", nargs="*", metavar="ASSET", help="only these (default: every asset)")
    cache_import = actions.add_parser("import", help="verify every file of FILE, then install its assets "
                                                     "into this machine's cache")
    cache_import.add_argument("file", type=Path, metavar="FILE")

    export = sub.add_parser("export", help="write HTML pages and an index.html for executed notebooks")
    export.add_argument("--from", dest="src", type=Path, default=None, metavar="DIR",
                        help="the executed notebooks (default: build/executed)")
    export.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where the site goes (default: the --from folder)")
    student = sub.add_parser("student", help="copies to hand out: no outputs, no solutions, with the glossary")
    student.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: build/student)")
    student.add_argument("--lang", choices=nbs.LANGS, default="en", help="en (default) or ko: the Korean edition")

    translate = sub.add_parser("translate", help="(course authors) build the Korean notebooks from i18n/ko/*.md")
    translate.add_argument("notebooks", nargs="*", metavar="NOTEBOOK")
    mode = translate.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="only report missing or stale translations and Korean notebooks; exit 1 if any")
    mode.add_argument("--skeleton", action="store_true",
                      help="add a TODO section (with the English text) for every cell that needs translating")

    clean = sub.add_parser("clean", help="check or strip source notebooks (outputs, counts, paths)")
    clean.add_argument("notebooks", nargs="*", metavar="NOTEBOOK")
    clean.add_argument("--check", action="store_true", help="only report; exit 1 when a notebook is dirty")

    mirror = sub.add_parser("mirror", help="(teachers) serve the course's models and data to a classroom "
                                           "from this machine, through olah")
    mirror_actions = mirror.add_subparsers(dest="action", metavar="ACTION", required=True)
    mbuild = mirror_actions.add_parser("build", help="put the real models and imdb from the Hugging Face cache, and the "
                                              "built stand-ins, into a mirror folder")
    mbuild.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="the mirror folder (default: build/mirror)")
    mbuild.add_argument("--hf-cache", type=Path, default=None, metavar="DIR",
                        help="the Hugging Face cache to read (default: the one huggingface_hub uses, see HF_HOME)")
    mserve = mirror_actions.add_parser("serve", help="serve a mirror folder with olah and print the line students set")
    mserve.add_argument("--from", dest="src", type=Path, default=None, metavar="DIR",
                        help="the mirror folder (default: build/mirror)")
    mserve.add_argument("--host", default="127.0.0.1",
                        help="address to listen on: 0.0.0.0 for every network of this machine (a classroom); "
                             "default 127.0.0.1, this machine only")
    mserve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default: {DEFAULT_PORT})")

    bless = sub.add_parser("bless", help="(course authors) run notebooks offline at CI sizes and store "
                                         "the outputs of the nbval-checked cells in the sources")
    bless.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    return parser


def _selected(names: list[str], lang: str = "en") -> list[Path]:
    folder = nbs.lang_dir(lang)
    paths = [nbs.find(n, folder) for n in names] if names else nbs.course_notebooks(folder)
    if not paths:
        raise nbs.NotebookError(f"no notebooks found in {folder}" + ("; run `tilnlp translate`" if lang != "en" else ""))
    return paths


def cmd_run(args) -> int:
    from ..presets import active_preset
    from ..sourcing import cache
    from ..sourcing.hub import (
        endpoint_answers,
        endpoint_name,
        hub_endpoint,
        hub_reachable,
    )
    from ..sourcing.models import resolve_profile, sources
    from . import record, runner, site

    paths = _selected(args.notebooks, args.lang)
    given = nbs.parse_params(args.param)
    params = {}
    for path in paths:
        nb = nbs.read(path)
        known = nbs.parameters(nb)
        mine = {k: v for k, v in given.items() if k in known}
        params[path.stem] = nbs.check_parameters(nb, path, mine)
    unused = set(given) - {k for p in params.values() for k in p}
    if unused:
        raise nbs.NotebookError(f"no selected notebook has the parameter(s) {', '.join(sorted(unused))}")
    preset = args.preset or active_preset()
    profile = resolve_profile(args.profile)
    if profile == "hub" and not _any_hub_cache():
        from ..sourcing.models import choose_source

        choose_source("hub", cached=False)  # raises a ProfileError when the hub does not answer
    hub_at_start = profile != "offline" and hub_reachable()
    where = sources(profile)  # recorded: the test suite reuses only runs made entirely offline
    site_root = args.out or build_dir("executed")
    out = site_root / args.lang if args.lang != "en" else site_root
    with runner.claim(out):
        print(f"tilnlp run: {len(paths)} notebook(s), preset {preset}, profile {profile}"
              f"{', with solutions' if args.solutions else ''} -> {out}")
        cache.tidy()
        results = runner.run(paths, out, params, preset=preset, profile=profile,
                             keep_going=not args.stop, solutions=args.solutions)
        record.record_run(out, results, preset=preset, profile=profile, sources=where, solutions=args.solutions)
        print(runner.summary(results))
        if args.html:
            print(f"HTML: {site.export(site_root)}")
    failed = [r.notebook for r in results if r.status == "failed"]
    if failed and hub_at_start and not endpoint_answers(hub_endpoint()):
        raise UserError(f"{endpoint_name()} stopped answering during the run ({len(failed)} notebook(s) failed: "
                        f"{', '.join(failed)}); start it again, then rerun them (what was downloaded is kept)")
    return 0 if all(r.status == "passed" for r in results) else 1


def _any_hub_cache() -> bool:
    from ..sourcing.hub import in_hf_cache
    from ..sourcing.models import MODELS

    return any(in_hf_cache(m.real_id) for m in MODELS.values())


def cmd_init(args) -> int:
    from . import coursefiles

    copied = coursefiles.init(args.folder, force=args.force, solutions=args.solutions)
    print(copied.summary())
    print(f"next: cd {args.folder} && jupyter lab notebooks/   (or: tilnlp run)")
    return 0


def cmd_list(args) -> int:
    print(nbs.listing())
    return 0


def cmd_doctor(args) -> int:
    from . import doctor

    return doctor.report()


def cmd_prefetch(args) -> int:
    from . import doctor

    return doctor.prefetch(args.profile)


def cmd_cache(args) -> int:
    from ..sourcing import cache

    if args.action == "export":
        names = cache.export(args.file, args.assets)
        print(f"exported {len(names)} asset(s) ({', '.join(names)}), {cache.size_text(args.file.stat().st_size)} "
              f"-> {args.file}")
    else:
        names = cache.import_archive(args.file)
        print(f"imported {len(names)} asset(s) ({', '.join(names)}) into {cache.cache_dir()}; "
              "every file's size and sha256 verified")
    return 0


def cmd_clean(args) -> int:
    if not args.check:
        editable_sources("tilnlp clean")
    dirty = 0
    for path in _selected(args.notebooks):
        nb = nbs.read(path)
        problems = nbs.dirt(nb)
        if args.check:
            for line in problems:
                print(f"{path.name}: {line}")
            dirty += bool(problems)
        elif problems:
            nbs.write(nbs.clean(nb), path)
            remaining = nbs.dirt(nbs.read(path))
            print(f"cleaned {path.name}" + (f" ({len(remaining)} problem(s) left: {remaining[0]})" if remaining else ""))
            dirty += bool(remaining)
    if args.check:
        print(f"{dirty} dirty notebook(s)" if dirty else "all notebooks clean")
    return 1 if dirty else 0


def cmd_export(args) -> int:
    from . import site

    src = args.src or build_dir("executed")
    print(f"HTML: {site.export(src, args.out)}")
    return 0


def cmd_student(args) -> int:
    from . import student
    from .site import GLOSSARY

    out = args.out or build_dir("student")
    written = student.student_copies(out, args.lang)
    notebooks = sum(p.suffix == ".ipynb" for p in written)
    extra = " + GLOSSARY.md" if any(p.name == GLOSSARY for p in written) else ""
    print(f"student copies: {notebooks} notebook(s){extra} -> {out} (no outputs, no solutions)")
    return 0


def cmd_mirror(args) -> int:
    from ..classroom import mirror, server

    if args.action == "serve":
        return server.serve(args.src or build_dir("mirror"), host=args.host, port=args.port)
    out = args.out or build_dir("mirror")
    sources = mirror.build(out, hf_cache=args.hf_cache)
    for line in mirror.build_summary(sources):
        print(line)
    print(f"mirror: {len(sources)} repositories in {out}; serve them with "
          f"`tilnlp mirror serve --from {out} --host 0.0.0.0 --port {DEFAULT_PORT}`")
    return 0


def cmd_bless(args) -> int:
    from .bless import bless

    editable_sources("tilnlp bless")
    return 0 if bless(_selected(args.notebooks)) else 1


def cmd_translate(args) -> int:
    from . import translation

    if not args.check:
        editable_sources("tilnlp translate")
    paths = _selected(args.notebooks)
    if args.skeleton:
        for path in paths:
            print(f"wrote {translation.skeleton(path).relative_to(nbs.project_root())}")
        return 0
    if args.check:
        found = translation.check(paths)
        for line in found:
            print(line)
        print(f"{len(found)} problem(s) in the Korean edition" if found else "the Korean edition is complete and current")
        return 1 if found else 0
    for target in translation.generate(paths):
        print(f"wrote {target.relative_to(nbs.project_root())}")
    return 0


COMMANDS = {"init": cmd_init, "run": cmd_run, "list": cmd_list, "doctor": cmd_doctor, "prefetch": cmd_prefetch,
            "cache": cmd_cache, "clean": cmd_clean, "bless": cmd_bless, "export": cmd_export, "student": cmd_student,
            "translate": cmd_translate, "mirror": cmd_mirror}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"tilnlp: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tilnlp: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
