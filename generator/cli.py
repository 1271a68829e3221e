"""The ``jarida`` command: convert, build, serve, new, init. Only this module prints."""
from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import signal
import sys
import threading
import time
import zoneinfo
from pathlib import Path

from . import __version__
from .problems import JaridaError

EXIT_CONTENT, EXIT_USAGE = 1, 2


def _site(args) -> Path:
    site = Path(args.site).expanduser()
    if not site.is_dir():
        raise JaridaError([_problem(str(site), "the site folder does not exist; pass --site DIR or run 'jarida init DIR'")], EXIT_USAGE)
    if not any((site / name).exists() for name in ("site.toml", "content", "seeds")):
        raise JaridaError([_problem(str(site), "not a Jarida site: it has no site.toml, content/ or seeds/; pass "
                                               "--site DIR, or run 'jarida init DIR' to make a new site")], EXIT_USAGE)
    return site


def _problem(path: str, message: str):
    from .problems import Problem

    return Problem(path, 0, message)


def _report_actions(actions, verbose: bool = True, dry_run: bool = False, listing: bool = True) -> int:
    counts = dict.fromkeys(("write", "update", "unchanged", "skipped", "deleted", "error"), 0)
    for action in actions:
        counts[action.kind] += 1
        if action.kind == "deleted":
            print(f"{action.seed}: warning: {action.message}", file=sys.stderr)
        elif action.kind == "skipped":
            print(f"{action.seed}: skipped: {action.message} (run 'jarida convert --force' to replace it; "
                  "the edited file is kept as .md.bak)", file=sys.stderr)
        elif action.kind == "error":
            print(action.message, file=sys.stderr)
        elif action.kind in ("write", "update", "unchanged"):
            if action.message:
                print(action.message, file=sys.stderr)
            if dry_run and listing:
                for rel, _ in action.files + action.profiles:
                    print(f"would write {rel}")
    if verbose and actions:
        print(f"{'would convert' if dry_run else 'converted'}: {counts['write']} new, {counts['update']} updated, "
              f"{counts['unchanged']} unchanged, {counts['skipped']} skipped (edited), {counts['error']} failed"
              + (f", {counts['deleted']} left out (article deleted)" if counts["deleted"] else ""))
    return counts["error"]


def cmd_convert(args) -> int:
    from .convert import convert
    from .lock import site_lock
    from .settings import load_settings

    site = _site(args)
    settings = load_settings(site)
    seeds = Path(args.seeds) if args.seeds else None
    if seeds is not None and not seeds.is_dir():
        raise JaridaError([_problem(args.seeds, "no such folder of seed files")], EXIT_USAGE)
    with site_lock(site):
        actions = convert(site, settings, seeds, force=args.force, dry_run=args.dry_run, section=args.section,
                          restore=args.restore)
    from .content import ignored_sources

    for warning in ignored_sources(site, seeds or site / "seeds"):  # in a subfolder or ending in .TXT: not converted
        print(warning, file=sys.stderr)
    if not actions:
        print(f"no seed files (*.txt) in {seeds or site / 'seeds'}")
    return EXIT_CONTENT if _report_actions(actions, dry_run=args.dry_run) else 0


def _fixed_clock() -> int | None:
    """The build's clock when ``SOURCE_DATE_EPOCH`` fixes it (seconds since the epoch,
    as the Reproducible Builds specification of that variable says), else ``None``."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return int(epoch) if epoch and epoch.isdigit() else None


def _now() -> dt.datetime:
    epoch = _fixed_clock()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def _as_it_was(out: Path) -> str:
    """What a build stopped before writing left of the output folder ``out``."""
    return f"the previous site in {out} is unchanged" if out.is_dir() else f"nothing was written to {out}"


def cmd_build(args) -> int:
    from .build import ConvertFailed, build
    from .problems import ContentProblems, tally

    site = _site(args)
    output = Path(args.output) if args.output else None
    try:
        report = build(site, output, args.base_url, now=_now(), drafts=args.drafts, strict=args.strict,
                       future=args.future)
    except ConvertFailed as exc:
        _report_actions(exc.actions, dry_run=exc.planned, listing=False)
        print(f"the site was not built: fix or remove the seeds above; {_as_it_was(output or site / 'build')}",
              file=sys.stderr)
        return EXIT_CONTENT
    except ContentProblems as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"the site was not built: {tally(exc.problems)}; {_as_it_was(output or site / 'build')}",
              file=sys.stderr)
        return exc.exit_code
    errors = _report_actions(report.actions)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if report.next_due:
        print(f"the next scheduled article falls due at {report.next_due.isoformat()}; build again then")
    what = "nothing changed" if not report.changed else f"{len(report.changed)} written or removed"
    print(f"built {report.pages} pages ({report.files} files; {what}) into {output or site / 'build'} "
          f"in {report.seconds:.2f} s")
    return EXIT_CONTENT if errors else 0


def cmd_serve(args) -> int:
    from .build import build
    from .server import DevServer, Outcome

    from .lock import CACHE_DIR

    site = _site(args)
    # The preview has the preview's base URL in its canonical links and feeds: it is kept apart
    # from build/, so a deploy of build/ never ships them.
    output = Path(args.output) if args.output else site / CACHE_DIR / "serve"
    deployed = (site / "build").resolve()
    if output.resolve() == deployed or output.resolve().is_relative_to(deployed):  # any spelling, links too
        raise JaridaError([_problem(str(args.output), "the preview has the server's URLs (and drafts with --drafts) "
                                                      "and must not be deployed: serve it from another folder, or "
                                                      "leave out --output")], EXIT_USAGE)
    from .output import check_output

    check_output(output, site)  # a folder Jarida must not write (not its own, not empty): no save can change that
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {args.host} makes the preview reachable from other machines; "
              "use the default 127.0.0.1 unless you mean it", file=sys.stderr)
    holder = {}

    def rebuild() -> Outcome:
        report = build(site, output, holder["url"], now=_now(), drafts=args.drafts, future=args.future)
        _report_actions(report.actions, verbose=False)
        warned = [str(w) for w in report.warnings]
        if warned != holder.get("warned", []):  # shown once, and again when they change
            for line in warned:
                print(line, flush=True)
            holder["warned"] = warned
        written = {site / rel for a in report.actions if a.kind in ("write", "update") for rel, _ in a.files + a.profiles}
        changed = getattr(report, "changed", None)  # output paths whose bytes changed; None: unknown
        summary = f"{report.pages} pages" + (f", {len(changed)} file{'' if len(changed) == 1 else 's'} changed"
                                              if changed is not None else "")
        due = report.next_due.timestamp() if report.next_due else None
        fixed = _fixed_clock() is not None  # the builds' clock does not run: the time never comes for them
        if due != holder.get("due") and report.next_due:  # said once for each scheduled time
            print(f"the next scheduled article falls due at {report.next_due.isoformat()}; " +
                  ("SOURCE_DATE_EPOCH fixes the clock of the builds before it, so the preview does not show it "
                   "(unset SOURCE_DATE_EPOCH to let the clock run; --future shows it now)" if fixed else
                   "the preview shows it then (--future shows it now)"), flush=True)
        holder["due"] = due
        return Outcome(summary, frozenset(written), changed, None if fixed else due)

    try:
        server = DevServer(site, output, rebuild, lambda line: print(line, flush=True), args.host, args.port)
    except OSError as exc:
        hint = "the port is in use; choose another with --port, or --port 0 for any free port" \
            if exc.errno in (errno.EADDRINUSE, errno.EACCES) else "check --host and --port"
        raise JaridaError([_problem(f"{args.host}:{args.port}", f"cannot listen there ({exc.strerror or exc}); {hint}")], EXIT_USAGE) from exc
    holder["url"] = server.url
    if not server.rebuild_now():
        print("the first build failed; fix the problems above, the server rebuilds on save", file=sys.stderr, flush=True)
    server.start()
    print(f"Serving {output} at {server.url} (Ctrl+C to stop)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def cmd_new(args) -> int:
    from . import frontmatter
    from .content import ARTICLES_DIR
    from .convert import reserved_addresses, slug_for
    from .settings import load_settings

    site = _site(args)
    settings = load_settings(site)
    if not args.title.strip():
        raise JaridaError([_problem("jarida new", "the headline is empty; write it in quotes: jarida new \"عنوان المقال\"")], EXIT_USAGE)
    folder = site / ARTICLES_DIR
    taken = {p.stem for p in folder.glob("*.md")}
    slug = slug_for(args.title, taken | reserved_addresses(site))  # a deleted article's address stays its own
    now = dt.datetime.now(zoneinfo.ZoneInfo(settings.timezone)).replace(microsecond=0)
    meta = {"title": args.title, "date": now.isoformat(), "author": args.author or settings.default_author, "tags": [],
            **({} if args.publish else {"draft": True})}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(frontmatter.dump(meta, "اكتب نص المقال هنا.\n"), encoding="utf-8")
    if not args.publish:  # as Hugo's archetype: the placeholder text is never published by the next build
        print("a draft: see it with 'jarida serve --drafts'; remove the line 'draft: true' to publish it",
              file=sys.stderr)
    print(path)
    return 0


def cmd_init(args) -> int:
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        raise JaridaError([_problem(str(target), "this is a file, not a folder; choose a new folder")], EXIT_USAGE)
    if target.exists() and any(target.iterdir()):
        raise JaridaError([_problem(str(target), "the folder is not empty; choose a new folder")], EXIT_USAGE)
    try:
        for sub in ("seeds", "content/articles", "content/authors"):
            (target / sub).mkdir(parents=True, exist_ok=True)
        (target / "site.toml").write_text(
            'title = "جريدتي"\n'
            'description = "أخبار ومقالات"\n'
            'base_url = "https://example.org/"\n'
            'locale = "ar_EG"\n'
            'timezone = "Africa/Cairo"\n'
            'default_author = "فريق التحرير"\n'
            "per_page = 10\n",
            encoding="utf-8",
        )
        (target / ".gitignore").write_text("/build/\n/.cache/\n/.build.*\n", encoding="utf-8")
    except OSError as exc:  # a parent that does not exist or cannot be written
        raise JaridaError([_problem(str(target), f"cannot make the site here ({exc.strerror or exc}); "
                                                 "choose a folder you can write to")], EXIT_USAGE) from exc
    print(f"created a new site in {target}; add seeds/*.txt or run 'jarida new \"عنوان\" --site {target}', then 'jarida build --site {target}'")
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help, version and usage messages raise when they
    cannot be written (argparse drops the error, and ``jarida --help >/dev/full``
    would end with code 0 having written nothing)."""

    def _print_message(self, message, file=None):
        if message:
            (file or sys.stderr).write(message)


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``jarida`` command."""
    p = _Parser(prog="jarida", description="Jarida: a static site generator for Arabic news sites.")
    p.add_argument("--version", action="version", version=f"jarida {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_site(sp):
        sp.add_argument("--site", default=".", metavar="DIR", help="the site root (default: the current folder)")
        return sp

    c = with_site(sub.add_parser("convert", help="convert seeds/*.txt into content/articles/*.md",
                                 description="Convert plain-text seed articles into Markdown with front matter. "
                                             "Unchanged seeds write nothing; edited Markdown is never overwritten."))
    c.add_argument("seeds", nargs="?", help="a folder of seed files (default: <site>/seeds)")
    c.add_argument("--force", action="store_true",
                   help="apply changed seeds to articles edited by hand too (the edited file is saved as <name>.md.bak, or .md.bak.2... when that exists)")
    c.add_argument("--restore", action="store_true",
                   help="convert again the seeds whose articles were deleted (listed in content/deleted-seeds.txt)")
    c.add_argument("--dry-run", action="store_true", help="print what would be written, write nothing")
    c.add_argument("--section", help="the section of seeds whose metadata names none (e.g. economy)")
    c.set_defaults(func=cmd_convert)

    b = with_site(sub.add_parser("build", help="convert new or changed seeds, then build the site",
                                 description="Convert new or changed seeds, then render the site into the output folder."))
    b.add_argument("--output", metavar="DIR", help="output folder (default: <site>/build)")
    b.add_argument("--base-url", metavar="URL", help="the URL the site is deployed at, e.g. https://user.github.io/akhbar/")
    b.add_argument("--drafts", action="store_true", help="include articles marked 'draft: true'")
    b.add_argument("--strict", action="store_true", help="treat warnings (unknown keys, non-UTF-8 seeds...) as errors")
    b.add_argument("--future", action="store_true", help="include articles dated in the future (scheduled)")
    b.set_defaults(func=cmd_build)

    s = with_site(sub.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild + reload on change",
                                 description="Build the site, serve it on http://127.0.0.1:8000/, rebuild on every "
                                             "change and reload open pages."))
    s.add_argument("--port", type=_port, default=8000, help="port (0: any free port; default 8000)")
    s.add_argument("--drafts", action="store_true", help="include articles marked 'draft: true'")
    s.add_argument("--future", action="store_true", help="include articles dated in the future (scheduled)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--output", metavar="DIR", help="output folder (default: <site>/.cache/jarida/serve, apart from build/)")
    s.add_argument("--open", action="store_true", help="open the site in a browser")
    s.set_defaults(func=cmd_serve)

    n = with_site(sub.add_parser("new", help="create a dated draft article in content/articles",
                                 description="Create content/articles/<slug>.md with front matter dated now, "
                                             "marked 'draft: true' until you remove that line."))
    n.add_argument("title", help="the headline")
    n.add_argument("--author", help="the author's name (default: the site's default author)")
    n.add_argument("--publish", action="store_true", help="not a draft: published by the next build")
    n.set_defaults(func=cmd_new)

    i = sub.add_parser("init", help="create a new site folder", description="Create a new, empty site in DIRECTORY.")
    i.add_argument("directory", help="the folder to create")
    i.set_defaults(func=cmd_init)
    for command in sub.choices.values():  # an unknown option is reported with the command's own usage
        command.set_defaults(command_parser=command)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code: 0 ok, 1 content problems (or a
    file the system would not let us write), 2 usage or settings, 130 Ctrl-C, 143
    SIGTERM, 141 when the reader of standard output went away (128 + the signal,
    as the shell reports a command ended by it)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    previous = _stop_on_sigterm()
    try:
        args, unknown = parser().parse_known_args(argv)
        if unknown:
            args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        return args.func(args)
    except JaridaError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # Ctrl-C: what was being written is cleaned up by then
        print("interrupted", file=sys.stderr)
        return 130
    except _Terminated as exc:  # kill, a CI time limit: said as Ctrl-C is, for the log that shows it
        print("terminated (SIGTERM)", file=sys.stderr)
        return exc.code
    except OSError as exc:  # the system refused: a full disk, a file that cannot be written
        if isinstance(exc, BrokenPipeError) and (_reader_gone(sys.stdout) or _reader_gone(sys.stderr)):
            # The reader of the output or of the messages went away (``jarida convert
            # --dry-run | head -1``): stop without a word, as ``cat`` or ``git log`` do, with
            # the shell's code for a command ended by SIGPIPE; nothing more can be written there.
            return 128 + signal.SIGPIPE
        print(f"{exc.filename or 'jarida'}: {exc.strerror or exc}; fix this, then run again",
              file=sys.stderr)
        return EXIT_CONTENT
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _reader_gone(stream) -> bool:
    """Whether ``stream`` (a file object) is the writing end of a pipe whose reading
    end is closed: ``poll`` reports ``POLLERR`` for it (POSIX ``poll``, Linux pipe(7))."""
    import select

    try:
        poller = select.poll()
        poller.register(stream.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll, no file descriptor, closed
        return False


def run() -> None:
    """The ``jarida`` command (and ``python -m generator``): :func:`main` with the
    command line, then the process exits with its code. When only the main
    thread is left and nothing watches the process (see :func:`_watched`), it
    runs the exit handlers libraries registered (``atexit``: multiprocessing
    removes its temporary folder), flushes standard output and error, and ends
    without freeing the objects of the build one by one (``os._exit``, as
    mypy's ``hard_exit`` does): after a cold build of 10,000 articles that
    freeing took 0.45 s, and nothing depends on it (every file is written and
    closed by then, the cache's transactions are committed, the worker
    processes have ended). Otherwise it exits the usual way. Output that cannot
    be written (a full disk) is reported on standard error with exit code 1; a
    reader that went away (``jarida build | head -1``) is not an error. Never returns."""
    import atexit

    try:
        code = main()
    except SystemExit as exc:  # argparse after --help or a usage error: its output is flushed below too
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if threading.active_count() > 1 or _watched() or run_handlers is None:
        sys.exit(code)
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed when the command started
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as exc:
            if stream is sys.stdout and sys.stderr is not None:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                try:
                    print(f"jarida: the standard output could not be written ({reason}); fix this, then run again",
                          file=sys.stderr)
                except (OSError, ValueError):
                    pass
                code = code or EXIT_CONTENT
    os._exit(code)


def _watched() -> bool:
    """Whether a profiler or tracer that writes its results at exit watches this
    process: one set with ``sys.setprofile``/``sys.settrace`` (cProfile before
    Python 3.12, coverage.py's default core), or a tool registered with
    ``sys.monitoring`` (PEP 669, Python 3.12 and later: cProfile, coverage.py's
    ``sysmon`` core, debuggers; tool ids 0 to 5)."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return True
    monitoring = getattr(sys, "monitoring", None)
    return monitoring is not None and any(monitoring.get_tool(tool) is not None for tool in range(6))


def _stop_on_sigterm():
    """Make SIGTERM (``kill``, a CI time limit, a service manager) stop a command as
    Ctrl-C does: ``SystemExit`` (exit code 143) raised in this process runs the
    clean-ups that remove a build's unfinished output tree and stop its worker
    processes, where the default action would leave both behind. Processes
    forked later keep the default action. Returns the handler it replaced, or
    ``None`` outside the main thread (where no handler can be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    owner = os.getpid()

    def stop(signum, frame):
        if os.getpid() != owner:  # a forked process: as if no handler were set
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise _Terminated(128 + signum)

    return signal.signal(signal.SIGTERM, stop)


class _Terminated(SystemExit):
    """Raised in the main thread by SIGTERM (see :func:`_stop_on_sigterm`); its code
    is 143. A ``SystemExit``, so that it passes the handlers of ``Exception``."""


if __name__ == "__main__":
    run()
