#!/usr/bin/env python3
"""Benchmark the live preview: the time from saving one article to the reload event.

Usage: python3 bench/live.py [--edits 20] [--work DIR] [--keep]

Converts the 2,000 real news texts of ``shared/corpus/public`` (with their
``manifest.jsonl``) into a site, starts ``jarida serve --port 0`` on 127.0.0.1
as a subprocess, connects to its event stream (``/__jarida/events``), then
``--edits`` times appends a sentence to the body of one article in
``content/articles/`` and measures the time from the end of the save to the
``version`` event that tells open pages to reload. After each event the page
is fetched to check that it already shows the new sentence. Prints every
time, then the median and the worst.

Not a test: timings depend on the machine; see bench/README.md for results.
"""
from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JARIDA_SHARED") or REPO.parent / "shared")
PUBLIC = SHARED / "corpus" / "public"
SITE_TOML = 'title = "جريدة المدونة"\nbase_url = "https://example.org/"\ntimezone = "Africa/Cairo"\n'
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
TIMEOUT = 600  # seconds: the bound of every wait


def env() -> dict[str, str]:
    """The environment of the ``jarida`` subprocesses: this repository first on the path."""
    extra = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1",
                PYTHONPATH=str(REPO) + (os.pathsep + extra if extra else ""))


def make_site(site: Path) -> float:
    """Write ``site.toml`` and convert the public corpus into ``site``; seconds taken."""
    site.mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "convert", "--site", str(site), str(PUBLIC)],
                   cwd=REPO, env=env(), check=True, capture_output=True, timeout=TIMEOUT)
    return time.perf_counter() - started


class Serve:
    """``jarida serve --port 0`` with its output lines in a queue."""

    def __init__(self, site: Path):
        self.proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0"],
                                     cwd=REPO, env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, encoding="utf-8", bufsize=1)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.first_build = self.wait_for("built ")
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", self.wait_for("Serving"))
        self.port = int(match[1])

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, needle: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while True:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            if line is None:
                raise RuntimeError(f"jarida serve exited ({self.proc.poll()}) before printing {needle!r}")
            if needle in line:
                return line

    def get(self, path: str) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request("GET", path)
            return conn.getresponse().read()
        finally:
            conn.close()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Events:
    """The server's event stream: ``(arrival time, name, data)`` in a queue, read by a thread."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.conn.request("GET", "/__jarida/events")
        self.resp = self.conn.getresponse()
        self.queue: queue.Queue[tuple[float, str, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        name = "message"
        try:
            for raw in self.resp.fp:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    self.queue.put((time.perf_counter(), name, line[5:].strip()))
                elif not line:
                    name = "message"
        except (OSError, ValueError):
            pass

    def next(self, *names: str) -> tuple[float, str, str]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            event = self.queue.get(timeout=max(deadline - time.monotonic(), 0.01))
            if event[1] in names:
                return event

    def drain(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20, help="number of saves measured (default 20)")
    parser.add_argument("--work", type=Path, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if not (PUBLIC / "manifest.jsonl").is_file():
        print(f"the shared corpus is not at {PUBLIC}; set JARIDA_SHARED", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="jarida-live-"))
    site = work / "site"
    if site.exists():
        shutil.rmtree(site)
    server = None
    try:
        converted = make_site(site)
        articles = sorted((site / "content" / "articles").glob("*.md"))
        print(f"{len(articles)} articles converted in {converted:.1f} s")
        server = Serve(site)
        print(server.first_build)
        events = Events(server.port)
        events.next("version")
        article = articles[len(articles) // 2]
        url = f"/articles/{quote(article.stem)}/"
        times = []
        for number in range(1, args.edits + 1):
            word = "كلمة" + "".join(secrets.choice(LETTERS) for _ in range(8))
            events.drain()
            with article.open("a", encoding="utf-8") as f:
                f.write(f"\nجملة أضيفت في التعديل رقم {number} وفيها {word}.\n")
            saved = time.perf_counter()
            arrived, name, data = events.next("version", "build-error")
            if name != "version":
                raise RuntimeError(f"the rebuild failed: {data}")
            if word not in server.get(url).decode("utf-8"):
                raise RuntimeError("the reload event came before the page was rebuilt")
            times.append(arrived - saved)
            print(f"edit {number:2}: {1000 * times[-1]:7.0f} ms  ({server.wait_for('rebuilt')})")
            time.sleep(0.3)  # let the watcher settle before the next save
        print(f"\nsave -> reload event, {len(times)} edits of one article on a {len(articles)}-article site:")
        print(f"median {1000 * statistics.median(times):.0f} ms, worst {1000 * max(times):.0f} ms, "
              f"best {1000 * min(times):.0f} ms")
        return 0
    finally:
        if server is not None:
            server.stop()
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
