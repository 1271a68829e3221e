"""Nothing lost: killed builds, refused output folders, kept deployment files, concurrent builds."""
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO_ROOT, copy_site, jarida_env, run_jarida, snapshot

pytestmark = pytest.mark.slow


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tmp_path):
    site = copy_site(tmp_path / "site")
    run_jarida("build", "--site", site, env={"SOURCE_DATE_EPOCH": "1704067200"})
    return site


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3, 0.45, 0.6, 0.8])
def test_a_killed_build_leaves_the_previous_output_intact(built, delay):
    before = tree(built / "build")
    # A change so that the killed build would write different bytes.
    (built / "site.toml").write_text((built / "site.toml").read_text(encoding="utf-8").replace(
        'title = "جريدة"', 'title = "جريدة اليوم"'), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(built)],
                            cwd=REPO_ROOT, env=jarida_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after = tree(built / "build")
    # Either the old site or (when the build had already finished) the new one: never a mix.
    assert after == before or ("جريدة اليوم" in after["index.html"].decode("utf-8")
                               and after.keys() >= before.keys() - {"index.html"})
    run_jarida("build", "--site", built)
    assert "جريدة اليوم" in (built / "build" / "index.html").read_text(encoding="utf-8")
    leftovers = [p.name for p in built.iterdir() if p.name.startswith(".build.")]
    assert leftovers == []


@pytest.mark.parametrize("where", ["site root", "content", "inside content", "seeds", "themes", "home", "root",
                                   "not made by jarida", "a file"])
def test_refused_output_folders_delete_nothing(built, where, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me", encoding="utf-8")
    (built / "themes").mkdir(exist_ok=True)
    (built / "themes" / "note.txt").write_text("theme note", encoding="utf-8")
    target = {
        "site root": built, "content": built / "content", "inside content": built / "content" / "articles" / "out",
        "seeds": built / "seeds", "themes": built / "themes", "home": Path.home(), "root": Path("/"),
        "not made by jarida": foreign, "a file": foreign / "precious.txt",
    }[where]
    watched = [built / "content", built / "seeds", built / "themes", foreign]
    before = {str(folder): snapshot(folder) for folder in watched}
    proc = run_jarida("build", "--site", built, "--output", target, check=False)
    assert proc.returncode == 2
    assert "refusing to write the site here" in proc.stderr
    assert {str(folder): snapshot(folder) for folder in watched} == before


def test_deployment_files_are_kept(built):
    out = built / "build"
    (out / "CNAME").write_text("akhbar.example\n", encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.org\n", encoding="utf-8")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (out / "stray.html").write_text("old page", encoding="utf-8")
    run_jarida("build", "--site", built)
    assert (out / "CNAME").read_text(encoding="utf-8") == "akhbar.example\n"
    assert (out / ".nojekyll").exists()
    assert (out / ".well-known" / "security.txt").is_file()
    assert (out / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/gh-pages\n"
    assert not (out / "stray.html").exists()  # not in `keep`: the build owns the folder


def test_keep_is_a_setting(built):
    (built / "build" / "CNAME").write_text("akhbar.example\n", encoding="utf-8")
    (built / "build" / "extra.txt").write_text("mine\n", encoding="utf-8")
    toml = built / "site.toml"
    toml.write_text('keep = ["extra.txt"]\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    run_jarida("build", "--site", built)
    assert (built / "build" / "extra.txt").read_text(encoding="utf-8") == "mine\n"
    assert not (built / "build" / "CNAME").exists()


def test_site_static_folder_is_copied(built):
    (built / "static" / "images").mkdir(parents=True)
    (built / "static" / "CNAME").write_text("akhbar.example\n", encoding="utf-8")
    (built / "static" / "images" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    run_jarida("build", "--site", built)
    assert (built / "build" / "CNAME").read_text(encoding="utf-8") == "akhbar.example\n"
    assert (built / "build" / "images" / "logo.svg").is_file()


def test_a_static_link_to_a_file_outside_the_site_is_published_with_a_warning(built, tmp_path):
    outside = tmp_path / "private.txt"
    outside.write_text("not for the web\n", encoding="utf-8")
    (built / "static").mkdir()
    (built / "static" / "notes.txt").symlink_to(outside)
    (built / "static" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (built / "static" / "same-logo.svg").symlink_to(built / "static" / "logo.svg")  # inside: no warning
    done = run_jarida("build", "--site", built)
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert warnings == [f"static/notes.txt: warning: a link to {outside.resolve()}, outside the site, which is "
                        "published with the site; copy the file in if that is meant, else remove the link"]
    assert (built / "build" / "notes.txt").read_text(encoding="utf-8") == "not for the web\n"
    before = tree(built / "build")
    (built / "static" / "more.txt").write_text("x", encoding="utf-8")
    strict = run_jarida("build", "--strict", "--site", built, check=False)
    assert strict.returncode == 1 and "static/notes.txt: a link to" in strict.stderr
    assert tree(built / "build") == before


def test_edited_markdown_survives_convert_and_build(built):
    article = sorted((built / "content" / "articles").glob("*.md"))[0]
    edited = article.read_text(encoding="utf-8") + "\nفقرة أضافها المحرر.\n"
    article.write_text(edited, encoding="utf-8")
    seed_name = [line.split(": ", 1)[1] for line in edited.splitlines() if line.startswith("  file: ")][0]
    seed = built / "seeds" / seed_name
    seed.write_bytes(seed.read_bytes() + "\n\nفقرة جديدة في المصدر.\n".encode("utf-8"))
    for command in ("convert", "build"):
        proc = run_jarida(command, "--site", built, check=False)
        assert "skipped" in proc.stderr
        assert article.read_text(encoding="utf-8") == edited
    page = (built / "build" / "articles" / article.stem / "index.html").read_text(encoding="utf-8")
    assert "فقرة أضافها المحرر" in page


def test_two_concurrent_builds_are_serialised(built):
    procs = [subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(built)],
                              cwd=REPO_ROOT, env=jarida_env({"SOURCE_DATE_EPOCH": "1704067200"}),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], results
    reference = tree(built / "build")
    run_jarida("build", "--site", built, env={"SOURCE_DATE_EPOCH": "1704067200"})
    assert tree(built / "build") == reference
    assert not [p for p in built.iterdir() if p.name.startswith(".build.")]


def test_lock_blocks_a_second_build(built):
    from generator.lock import site_lock

    with site_lock(built):
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(built)],
                                cwd=REPO_ROOT, env=jarida_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        said = proc.stderr.readline().decode("utf-8")
        assert "waiting for another build or conversion of this site" in said
        time.sleep(2.0)
        assert proc.poll() is None  # still waiting for the lock
        released = time.monotonic()
    out, err = proc.communicate(timeout=60)
    after = time.monotonic() - released
    assert proc.returncode == 0, err
    # The reported time leaves out the two seconds it waited: it is about the time the
    # build took once the lock was free (however slow the machine is).
    seconds = float(re.search(r" in ([0-9.]+) s$", out.decode("utf-8").strip()).group(1))
    assert seconds < after + 0.5, (seconds, after)


WORKERS_UNDER_LOCK = r"""
import sys, time
from pathlib import Path
from generator import build
from generator.lock import site_lock

def slow(chunk):
    time.sleep(60)
    return chunk

with site_lock(Path(sys.argv[1])):
    workers = build._Workers(2, slow, [[1], [2]], Path(sys.argv[1]), streamed=True)
    print(*(p.pid for p in workers.processes), flush=True)
    time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux only")
def test_workers_die_with_a_killed_build_and_release_the_lock(tmp_path):
    import fcntl
    import os

    from generator.lock import CACHE_DIR, LOCK_FILE

    proc = subprocess.Popen([sys.executable, "-c", WORKERS_UNDER_LOCK, str(tmp_path)], cwd=REPO_ROOT,
                            env=jarida_env(), stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in pids)
    fd = os.open(tmp_path / CACHE_DIR / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError while anyone holds it
    finally:
        os.close(fd)


@pytest.mark.parametrize("new_process", [False, True], ids=["same process", "new process"])
def test_a_rebuild_never_writes_through_a_symbolic_link_inside_the_output(tmp_path, new_process):
    """A folder of ``build/`` replaced by a link to a folder outside: the rebuild of an
    edited article stops with a message, and the file outside keeps its bytes."""
    from generator import build as build_module
    from generator.build import build
    from generator.problems import JaridaError

    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    article = site / "content" / "articles" / "a.md"
    article.write_text("---\ntitle: أ\ndate: 2024-01-01T10:00:00+02:00\n---\n\nنص.\n", encoding="utf-8")
    (site / "content" / "articles" / "b.md").write_text("---\ntitle: ب\ndate: 2024-01-02T10:00:00+02:00\n---\n\nنص.\n",
                                                        encoding="utf-8")
    build(site)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("precious", encoding="utf-8")
    shutil.rmtree(site / "build" / "articles" / "a")
    (site / "build" / "articles" / "a").symlink_to(outside)
    if new_process:
        build_module._LAST.clear()
    article.write_text(article.read_text(encoding="utf-8") + "\nفقرة.\n", encoding="utf-8")
    with pytest.raises(JaridaError) as info:
        build(site)
    [problem] = info.value.problems
    assert problem.path.endswith("build/articles/a") and "symbolic link" in problem.message
    assert (outside / "index.html").read_text(encoding="utf-8") == "precious"
    (site / "build" / "articles" / "a").unlink()  # as the message says
    build(site)
    assert "فقرة" in (site / "build" / "articles" / "a" / "index.html").read_text(encoding="utf-8")
    assert (outside / "index.html").read_text(encoding="utf-8") == "precious"
