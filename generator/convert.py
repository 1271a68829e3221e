"""The converter: ``seeds/*.txt`` -> ``content/articles/<slug>.md`` (+ author profiles).

``plan_conversion`` is pure: seeds and the existing content in, a list of
:class:`Action` out. ``read_seeds``/``read_existing`` and ``apply`` are the I/O
edges. Safety rules:

- an unchanged seed (same SHA-256 as recorded in ``source.sha256``) writes nothing;
- a Markdown file whose text changed since the converter wrote it (its
  ``source.converted`` hash no longer matches) is never overwritten: the seed is
  reported as skipped;
- an article without a ``source:`` block (written by hand, or the block
  removed) that has a new seed's headline and opening paragraph is taken as that
  seed's, edited: the seed is skipped rather than published a second time;
- the date and slug of an article, once written, never change: a seed whose
  headline and opening paragraph were both rewritten still updates its article
  (with a warning), unless its metadata gives another date (another story
  saved under an old file name, which becomes a new article).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import frontmatter
from .arabic import cut_at_word, fold, remove_invisible, slugify
from .content import ARTICLES_DIR, AUTHORS_DIR, MAX_SLUG_BYTES, first_paragraph_text
from .lock import CACHE_DIR
from .markup import blocks_to_markdown, paragraphs_to_markdown
from .metadata import (KNOWN_HEADER_KEYS, MANIFEST, Metadata, held_back, parse_date, read_header, read_manifest,
                       read_sidecar, weekday_problem)
from .problems import Problem
from .seeds import ParsedSeed, SeedError, decode, parse_seed
from .settings import Settings
from .tags import Candidates, candidates, choose, choose_all

SEEDS_DIR = "seeds"
SLUG_BYTES = 120
_CONVERTED_RE = re.compile(r"^  converted: ([0-9a-f]{64})\n", re.M)


@dataclass(frozen=True)
class SeedFile:
    """A seed as read from disk: ``name`` (file name), raw ``data`` and ``mtime``
    (seconds since the epoch), ``display`` the path to show in messages, and
    ``meta`` from the folder's manifest or a sidecar file (the sidecar wins)."""

    name: str
    data: bytes
    mtime: float
    display: str
    meta: Metadata = Metadata()

    def digest(self) -> str:
        """SHA-256 of the seed's bytes, and of its outside metadata when it has any:
        a changed manifest line or sidecar is a changed seed. Computed once."""
        known = self.__dict__.get("_digest")  # beside the fields: not compared, not frozen
        if known is not None:
            return known
        extra = metadata_bytes(self.meta)
        known = sha256(self.data + b"\0" + extra) if extra else sha256(self.data)
        self.__dict__["_digest"] = known
        return known


def metadata_bytes(meta: Metadata) -> bytes | None:
    """The outside metadata ``meta`` of a seed as its digest covers it (see
    :meth:`SeedFile.digest`): JSON of its values, UTF-8; None when it has none."""
    if meta == Metadata():
        return None
    fields = dataclasses.asdict(meta)
    # Where the values were found (header lines, which the bytes hold; a manifest's line
    # numbers) is no change of the seed: recorded digests stay.
    del fields["unknown"], fields["date_line"], fields["repeated"], fields["date_from"], fields["misspelled"]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class Parsed:
    """A seed read and understood: its metadata (outside and header lines merged),
    the parsed text, the decoding warning and its tag candidates."""

    seed: SeedFile
    meta: Metadata
    parsed: ParsedSeed
    warning: str | None
    candidates: Candidates
    text: str = ""  # decoded
    notes: tuple = ()  # warnings about its metadata: text, or (line, text)


@dataclass(frozen=True)
class Existing:
    """A converted article already in ``content/articles``: its ``path`` (relative
    to the site root), ``text``, and what its front matter says."""

    path: str
    text: str
    meta: dict


@dataclass(frozen=True)
class Action:
    """What to do for one seed. ``kind`` is ``"write"`` (a new article),
    ``"update"`` (the seed changed), ``"unchanged"``, ``"skipped"`` (the Markdown
    was edited), ``"deleted"`` (its article was deleted: not converted again by a
    build, see :func:`convert`) or ``"error"``; ``files`` holds (path relative to the site root,
    text) pairs to write, ``profiles`` author profiles to write only when no
    such file exists yet."""

    kind: str
    seed: str
    path: str = ""
    files: tuple[tuple[str, str], ...] = ()
    message: str = ""
    profiles: tuple[tuple[str, str], ...] = ()


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def seal(text: str) -> str:
    """Fill the ``source.converted`` field of converter output with the hash of the text.

    The hash covers the whole file without that line, so any later edit (body
    or front matter) is detected by :func:`is_pristine`.
    """
    digest = sha256(text.encode("utf-8"))
    return text.replace("  converted: pending\n", f"  converted: {digest}\n", 1)


def is_pristine(text: str) -> bool:
    """True when ``text`` is exactly what the converter wrote (see :func:`seal`)."""
    match = _CONVERTED_RE.search(text)
    if not match:
        return False
    unsealed = text[: match.start()] + "  converted: pending\n" + text[match.end():]
    return sha256(unsealed.encode("utf-8")) == match.group(1)


def _stem(path: str) -> str:
    """The slug of the article file ``path`` (``content/articles/<slug>.md``)."""
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def slug_for(title: str, taken: set[str]) -> str:
    """A unique slug for a headline: from its first ``..`` clause when that clause
    has two words or more, cut at a word boundary to :data:`SLUG_BYTES` bytes;
    ``-2``, ``-3``... appended when taken. Falls back to ``article``."""
    clause = re.split(r"\s*\.\.+\s*", title.strip())[0]
    base = slugify(clause if len(clause.split()) >= 2 else title, SLUG_BYTES) or "article"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def same_article(doc: Existing, title: str, first_paragraph: str) -> bool:
    """True when a changed seed still is the article ``doc`` was converted from:
    its headline or opening paragraph is the article's headline or opening
    paragraph (letter variants folded), the headline moved into the metadata
    (the text's first line is now a paragraph) or out of it included. A ``doc``
    whose front matter cannot be read counts as the same article (so it is
    never duplicated). For a seed whose headline and opening both changed, see
    :func:`convert_seed`."""
    if not doc.meta.get("title"):
        return True
    body = frontmatter.split(doc.text)[1]
    return bool({fold(str(doc.meta["title"])), fold(first_paragraph_text(body))} & {fold(title), fold(first_paragraph)})


def _rewritten(docs: list[Existing], date: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> Existing | None:
    """The article of ``docs`` (converted from a seed of one file name) that the seed,
    rewritten from headline to text, still is: the newest one, unless the seed's
    metadata gives a ``date`` that none of them has, the sign of another story
    saved under an old file name. None then, and when ``docs`` is empty."""
    dated = []
    for doc in docs:
        try:
            when = parse_date(doc.meta.get("date"), tz)
        except (ValueError, TypeError):
            when = None
        dated.append((when, doc))
    if date is not None:
        return next((doc for when, doc in dated if when == date), None)
    known = [pair for pair in dated if pair[0] is not None]
    return max(known, key=lambda pair: pair[0])[1] if known else (docs[0] if docs else None)


def _as_if_untitled(item: Parsed) -> ParsedSeed | None:
    """The seed's text parsed as if its metadata gave no title (its first line then the
    headline), when the metadata does give one; None otherwise or when it cannot be."""
    if item.meta.title is None or item.parsed.title_line:
        return None
    try:
        return parse_seed(item.text, dataclasses.replace(item.meta, title=None))
    except SeedError:
        return None


def _mostly_same(doc: Existing, parsed: ParsedSeed) -> bool:
    """Whether the seed ``parsed`` keeps nearly all of the text of ``doc``, an article
    converted from a seed: every paragraph of its body, but one in five, is among the
    seed's (as the converter writes them, letter variants folded). A story renamed and
    given a paragraph or a correction does; the next day's story under a daily headline
    and a stock opening line (new figures) does not."""
    try:
        body = frontmatter.split(doc.text)[1]
    except frontmatter.FrontMatterError:
        return False
    old = [fold(p.strip()) for p in body.split("\n\n") if p.strip()]
    new = {fold(p.strip()) for p in blocks_to_markdown(parsed.blocks).split("\n\n") if p.strip()}
    return bool(old) and sum(p not in new for p in old) <= len(old) // 5


def _same_date(doc: Existing, date: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> bool:
    """Whether the article ``doc`` may be the story of a seed whose metadata gives ``date``
    (``None``: none given): it has that date, or the seed gives none."""
    if date is None:
        return True
    try:
        return parse_date(doc.meta.get("date"), tz) == date
    except (ValueError, TypeError):
        return False


def _same_text(doc: Existing, title: str, paragraphs: list[str]) -> bool:
    """True when ``doc``, an article without a ``source:`` block, has both the
    headline of a seed and its opening paragraph (the first that is no list item
    or quotation, :func:`generator.content.first_paragraph_text`), found among the
    seed's ``paragraphs`` (letter variants folded): the seed's article, whose block
    was removed, rather than another article that shares its headline (a daily
    headline)."""
    if not doc.meta.get("title") or fold(str(doc.meta["title"])) != fold(title):
        return False
    try:
        body = frontmatter.split(doc.text)[1]
    except frontmatter.FrontMatterError:
        return False
    opening = fold(first_paragraph_text(body))
    return bool(opening) and any(fold(p) == opening for p in paragraphs)


def lead_paragraph(parsed: ParsedSeed) -> str:
    """The paragraph an automatic summary is cut from: the first that is a
    sentence (six words or more), skipping a dateline or byline line; the
    first paragraph when none is."""
    texts = [p.text for p in parsed.paragraphs]
    return next((t for t in texts if len(t.split()) >= 6), texts[0])


def read_seed(seed: SeedFile) -> Parsed | Action:
    """Decode and parse one seed with its metadata; an ``"error"`` Action when it cannot be read."""
    try:
        text, warning = decode(seed.data)
        header = read_header(text)
        meta = seed.meta.merged(header)
        parsed = parse_seed(text, meta)
    except SeedError as exc:
        return Action("error", seed.display, message=str(Problem(seed.display, exc.line, str(exc))))
    notes = tuple(
        f"its header's {name} wins over the {name} '{getattr(seed.meta, name)}' of its sidecar or manifest "
        f"line; to use that one, delete the header line" for name in ("title", "date")
        if getattr(header, name) is not None and getattr(seed.meta, name) is not None
        and getattr(header, name) != getattr(seed.meta, name))
    paragraphs = [p.text for p in parsed.paragraphs]
    return Parsed(seed, meta, parsed, warning, candidates(parsed.title, paragraphs), text=text, notes=notes)


def convert_seed(item: Parsed, settings: Settings, existing_docs: list[Existing], taken: set[str],
                 profiles: set[str], force: bool = False, tags: list[str] | None = None,
                 section: str | None = None, unsourced: list[Existing] = (), in_place: bool = True,
                 last: str | None = None, orphans: list[Existing] = (), address: str | None = None) -> Action:
    """Decide what to do for one changed or new seed (pure).

    ``existing_docs`` are the articles converted earlier from a seed of the same
    file name; ``unsourced`` those with no ``source:`` block (written by hand, or
    the block removed): one with the seed's headline and opening paragraph (see
    :func:`_same_text`) is taken as the seed's article, edited, so that the
    seed never publishes it a second time; ``in_place`` (seeds of the site's own
    ``seeds/``) lets a seed whose headline and text were both rewritten update its
    article (see :func:`_rewritten`): in another folder, a seed of the same file name
    is another story; ``last`` is the article the seed became last (from the
    converter's record), preferred among ``existing_docs`` then; ``orphans`` the articles
    whose seeds' file names are gone and whose seeds were changed too: the seed renamed and
    changed in one step is the one article among them with its headline and opening
    paragraph, nearly all its text (see :func:`_mostly_same`) and its date, when the
    seed's metadata gives one; when two have them
    (a daily headline over a stock opening), none is taken, so that no story is
    written over another; ``address``: the slug of a new article (a deleted one restored);
    ``taken`` holds the article slugs in use; ``profiles`` the folded
    names of authors that already have a profile; ``tags`` the tags chosen
    for it among the site's (see :func:`generator.tags.choose_all`); ``section`` the
    section for seeds whose metadata names none. With ``force``, an edited
    article is replaced after saving it as ``<name>.md.bak`` (:func:`convert`
    never lets a backup replace an earlier one).
    """
    seed, meta, parsed = item.seed, item.meta, item.parsed
    paragraphs = [p.text for p in parsed.paragraphs]
    tz = zoneinfo.ZoneInfo(settings.timezone)
    warnings = [item.warning, *item.notes]
    read = None
    if meta.date:
        try:
            read = parse_date(meta.date, tz)
        except ValueError as exc:
            if meta.date_line or not meta.date_from:
                where = "its header" if meta.date_line else "its metadata (sidecar or manifest)"
                problem = Problem(seed.display, meta.date_line, f"the date given in {where} cannot be read: {exc}")
            else:  # the line of the manifest, or the sidecar, that an editor must fix
                problem = Problem(meta.date_from[0], meta.date_from[1],
                                  f"the date given for {seed.display} cannot be read: {exc}")
            return Action("error", seed.display, message=str(problem))
        warning = weekday_problem(meta.date, read)
        warnings.append((meta.date_line, warning) if warning and meta.date_line else warning)
        shown = read.astimezone(dt.timezone.utc).astimezone(tz)
        if read.tzinfo is tz and read.replace(tzinfo=None) != shown.replace(tzinfo=None):  # as front matter says
            warning = (f"the date '{meta.date}' does not exist in {settings.timezone} (the clocks were put forward); "
                       f"it is read as {shown.isoformat()}: write the time with its UTC offset")
            warnings.append((meta.date_line, warning) if meta.date_line else warning)
            read = shown  # the article says the time the warning gives (the same instant)
    warnings += [(line, f"header line '{key}: …' is left out: '{key}' is no known key; the keys are "
                        f"{KNOWN_HEADER_KEYS}") for line, key in meta.unknown]
    warnings += [(line, f"header line '{key}: …' gives '{key}' again (first on line {earlier}): this line's value "
                        "is used; delete the line you do not mean") for line, key, earlier in meta.repeated]
    warnings += [f"'{key}' in {where}{f':{line}' if line else ''} is no key Jarida reads, so its value is not used; "
                 f"did you mean '{known}'?" for where, line, key, known in meta.misspelled]
    existing = next((d for d in existing_docs if same_article(d, parsed.title, paragraphs[0])), None)
    if existing is None and orphans:  # a seed renamed and changed in one step (see above)
        matches = [d for d in orphans if _same_text(d, parsed.title, paragraphs) and _same_date(d, read, tz)
                   and _mostly_same(d, parsed)]
        existing = matches[0] if len(matches) == 1 else None
    if existing is None and in_place:  # headline and text rewritten (a draft saved early): the same article
        mine = [d for d in existing_docs if d.path == last]  # the one it became last, when known
        existing = _rewritten(mine or existing_docs, read, tz)
        if existing is not None:
            name = slug_for(parsed.title, taken)
            warnings.append(f"its headline and opening paragraph both changed: {existing.path} takes the new text "
                            f"and keeps its slug and date; to give it a slug from the new headline, rename it "
                            f"{name}.md (a new story saved under an old file name needs its own date in the "
                            f"seed's metadata to become another article)")
    if existing is None:  # an article whose source: block an editor removed is still this seed's
        existing = next((d for d in unsourced if _same_text(d, parsed.title, paragraphs)), None)
    plain = _as_if_untitled(item) if existing is not None and existing.meta.get("title") is not None else None
    if plain is not None and fold(plain.title) == fold(str(existing.meta["title"])):
        # The text's headline is the article's old title, corrected in a sidecar or the manifest:
        # the text is read with its headline line (and the byline after it), the title replaced.
        parsed = dataclasses.replace(plain, title=parsed.title, title_line=0)
    backup: list[tuple[str, str]] = []
    if existing is not None and not is_pristine(existing.text):
        if not force:
            if existing in unsourced:
                return Action("skipped", seed.display, existing.path, message=(
                    f"{existing.path} has this seed's headline and opening paragraph but no source: block (an "
                    f"editor's own article, or one whose source: block was removed); the seed was not converted, "
                    f"so that the article is not published twice; to publish it as another article, give the "
                    f"seed another headline"))
            return Action("skipped", seed.display, existing.path,
                          message=f"{existing.path} was edited since it was converted; the changed seed was not applied")
        backup = [(existing.path + ".bak", existing.text)]
    if read is not None:
        date = read.isoformat()
    else:
        date = (existing.meta.get("date") if existing is not None else None) or \
            dt.datetime.fromtimestamp(int(seed.mtime), tz).isoformat()
    # An update of the same story (its headline unchanged) keeps the tags chosen for it: chosen
    # again, they may change with the site's other articles, and tag pages would come and go.
    kept_tags = existing.meta.get("tags") if existing is not None and existing.meta.get("title") is not None \
        and fold(str(existing.meta["title"])) == fold(parsed.title) else None
    kept_tags = [str(t) for t in kept_tags] if isinstance(kept_tags, list) else None
    if existing is not None:
        slug, kind = _stem(existing.path), "update"
    else:  # a deleted article restored gets its address back (``address``)
        slug, kind = address or slug_for(parsed.title, taken), "write"
    fields = {
        "title": parsed.title,
        "date": date,
        # several people credited: one 'authors' list (an article may not have both keys)
        **({"authors": [parsed.author, *parsed.coauthors]} if parsed.author and parsed.coauthors
           else {"author": parsed.author or settings.default_author}),
        "section": meta.section or section,
        "tags": [remove_invisible(t) for t in meta.tags if remove_invisible(t).strip()] if meta.tags
        else kept_tags if kept_tags is not None else tags if tags is not None else choose(item.candidates),
        "summary": meta.abstract or cut_at_word(lead_paragraph(parsed), settings.summary_length),
        "byline": parsed.byline,
        "dateline": parsed.dateline,
        "source_outlet": parsed.source_outlet,
        "url": meta.url,
        "source": {"file": seed.name, "sha256": seed.digest(), "converted": "pending"},
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    path = f"{ARTICLES_DIR}/{slug}.md"
    files = backup + [(path, seal(frontmatter.dump(fields, blocks_to_markdown(parsed.blocks))))]
    new_profiles: tuple[tuple[str, str], ...] = ()
    if parsed.bio and parsed.author and fold(parsed.author) not in profiles:
        profile_slug = slugify(parsed.author) or "author"
        new_profiles = ((f"{AUTHORS_DIR}/{profile_slug}.md",
                         frontmatter.dump({"name": parsed.author}, paragraphs_to_markdown([parsed.bio]))),)
    message = "\n".join(f"{seed.display}:{w[0]}: warning: {w[1]}" if isinstance(w, tuple) else
                        f"{seed.display}: warning: {w}" for w in warnings if w)
    return Action(kind, seed.display, path, tuple(files), message, new_profiles)


def plan_conversion(seeds: list[SeedFile], settings: Settings, existing: list[Existing],
                    profiles: set[str], force: bool = False, section: str | None = None,
                    in_place: bool = True, last: dict[str, str] | None = None,
                    present: set[str] | None = None, reserved: set[str] = frozenset(),
                    restored: dict[str, str] | None = None) -> list[Action]:
    """Plan the conversion of ``seeds`` (sorted by name for stable slugs). ``present``:
    the names of every seed file in the folder (default: those of ``seeds``), whose
    articles are no orphans (see :func:`convert_seed`); ``reserved``: slugs no new
    article may take (those of deleted articles: a new story at a taken-down address
    would bring the deleted one back in a fresh checkout, and mislead readers);
    ``restored``: seed path -> the deleted article it is converted into again, whose
    address it gets back.

    A seed whose bytes and metadata were converted before (same digest,
    whatever its file name now) is unchanged and writes nothing. Tags are
    weighted by how many articles of the site (those converted now and those
    already in ``content/``) have each candidate.
    """
    by_file: dict[str, list[Existing]] = {}
    by_digest: dict[str, Existing] = {}
    unsourced: list[Existing] = []
    taken = set()
    for doc in existing:
        stem = _stem(doc.path)
        # the file's name, and the address the build gives the article: from its 'slug:' key,
        # or from the file's name made a slug ("Gaza Today.md" is at gaza-today/)
        taken |= {stem, slugify(str(doc.meta["slug"]) if doc.meta.get("slug") is not None else stem, MAX_SLUG_BYTES)}
        source = doc.meta.get("source")
        if isinstance(source, dict) and isinstance(source.get("file"), str):
            by_file.setdefault(source["file"], []).append(doc)
            if isinstance(source.get("sha256"), str):
                by_digest.setdefault(source["sha256"], doc)
        else:
            unsourced.append(doc)
    names = present if present is not None else {seed.name for seed in seeds}
    current = {seed.digest() for seed in seeds}
    taken |= set(reserved)
    results: list[Parsed | Action] = []
    for seed in sorted(seeds, key=lambda s: s.name):
        known = by_digest.get(seed.digest())
        results.append(Action("unchanged", seed.display, known.path) if known is not None else read_seed(seed))
    # Articles whose seed is no longer as it was converted, and whose seed's file name is gone
    # or now tells another story (two seeds' names swapped): a seed of another name that tells
    # the same story takes one (see convert_seed).
    now_telling = {r.seed.name: r.parsed for r in results if isinstance(r, Parsed)}

    def orphaned(name: str, doc: Existing) -> bool:
        if doc.meta["source"].get("sha256") in current:
            return False
        if name not in names:
            return True
        told = now_telling.get(name)
        return told is not None and not same_article(doc, told.title, told.paragraphs[0].text)

    orphans = [doc for name, docs in by_file.items() for doc in docs if orphaned(name, doc)] if in_place else []
    converting = [r for r in results if isinstance(r, Parsed)]
    if not converting:  # nothing to convert: no site statistics to gather
        return [r for r in results if isinstance(r, Action)]
    df: Counter = Counter()
    for item in converting:
        df.update(set(item.candidates.keys()))
    replaced = {id(d) for item in converting for d in by_file.get(item.seed.name, [])}
    others: Counter = Counter()
    for doc in existing:
        if id(doc) not in replaced:
            df.update(set(existing_candidates(doc).keys()))
            tags = doc.meta.get("tags")
            others.update({fold(str(t)) for t in tags} if isinstance(tags, list) else set())
    documents = len(converting) + len(existing) - len(replaced)
    chosen = choose_all([item.candidates for item in converting], df, documents, others)
    tags_of = {id(item): tags for item, tags in zip(converting, chosen)}
    actions = []
    profiles = set(profiles)
    in_use = {_stem(doc.path) for doc in existing}  # the files there are, and those planned
    for result in results:
        if isinstance(result, Action):
            actions.append(result)
            continue
        address = _stem((restored or {}).get(result.seed.display, ""))
        action = convert_seed(result, settings, by_file.get(result.seed.name, []), taken, profiles, force,
                              tags_of[id(result)], section, unsourced, in_place,
                              (last or {}).get(result.seed.display), orphans,
                              address if address and address not in in_use else None)
        if action.path:
            in_use.add(_stem(action.path))
        orphans = [doc for doc in orphans if doc.path != action.path]  # one seed's at most
        if action.kind in ("write", "update"):
            taken.add(_stem(action.path))
            for _, text in action.profiles:
                profiles.add(fold(frontmatter.split(text)[0]["name"]))
        actions.append(action)
    return actions


def existing_candidates(doc: Existing) -> Candidates:
    """Tag candidates of an article already in ``content/`` (for site statistics)."""
    try:
        body = frontmatter.split(doc.text)[1]
    except frontmatter.FrontMatterError:
        return candidates("", [])
    paragraphs = [first_paragraph_text(block) for block in re.split(r"\n\s*\n", body) if block.strip()]
    return candidates(str(doc.meta.get("title") or ""), paragraphs)


def read_seeds(folder: Path, site_root: Path) -> tuple[list[SeedFile], list[Problem]]:
    """Read every ``*.txt`` in ``folder`` (not recursive) with the folder's
    ``manifest.jsonl`` and each seed's sidecar ``<name>.json``/``.yml``.
    Returns the seeds and the problems found in metadata files (paths shown
    relative to the site root when inside it). A seed whose metadata cannot be
    read is left out, with a problem: it is converted once that is fixed."""

    manifest, problems = read_manifest(folder)
    held = held_back(folder, manifest, problems)
    out = []
    for file in sorted(folder.glob("*.txt")):
        if file.name.startswith("."):  # an editor's or a sync tool's hidden file, not a seed
            continue
        sidecar, problem = read_sidecar(file)
        if problem:  # converted from guesses, it would be published wrong, and twice once the file is fixed
            problems.append(problem)
        if (file.name not in manifest) if held is None else (file.name in held):
            problems.append(Problem(str(file), 0, "not converted until the line of seeds/manifest.jsonl "
                                                  "about it can be read (see above)"))
            continue
        if problem:
            continue
        meta = _metadata_of(file, manifest, site_root, sidecar or Metadata())
        out.append(SeedFile(file.name, file.read_bytes(), file.stat().st_mtime, _shown(file, site_root), meta))
    return out, [dataclasses.replace(p, path=_shown(p.path, site_root)) for p in problems]


def _shown(path, site_root: Path) -> str:
    """``path`` as messages show it: relative to the site root when inside it."""
    try:
        return Path(path).relative_to(site_root).as_posix()
    except ValueError:
        return str(path)


def _metadata_of(file: Path, manifest: dict[str, Metadata], site_root: Path,
                 sidecar: Metadata | None = None) -> Metadata | None:
    """The outside metadata of the seed ``file``: its line of ``manifest`` (file name ->
    :class:`Metadata`) and its sidecar file's (``sidecar``, read when not given), which
    wins; where they were found shown as in messages. None when it has none, or its
    sidecar file cannot be read."""
    if sidecar is None:
        sidecar, problem = read_sidecar(file)
        if problem:
            return None
    meta = manifest.get(file.name)
    if sidecar:
        meta = (meta or Metadata()).merged(sidecar)
    if meta is None:
        return None
    if meta.date_from:
        meta = dataclasses.replace(meta, date_from=(_shown(meta.date_from[0], site_root), meta.date_from[1]))
    if meta.misspelled:
        meta = dataclasses.replace(meta, misspelled=tuple(
            (_shown(where, site_root), line, key, known) for where, line, key, known in meta.misspelled))
    return meta


_SOURCE_RE = re.compile(r"^source:\n  file: (?P<file>.+)\n  sha256: (?P<sha256>[0-9a-f]{64})$", re.M)


def _source_of_broken(text: str) -> dict:
    """The ``source`` of an article whose front matter no longer parses, read
    line by line, so that its seed is neither converted again nor duplicated."""
    match = _SOURCE_RE.search(text)
    if not match:
        return {}
    name = match.group("file").strip().strip("'\"")
    return {"source": {"file": name, "sha256": match.group("sha256")}}


def read_existing(site_root: Path) -> tuple[list[Existing], set[str]]:
    """The converted articles in ``content/articles`` (files whose front matter
    cannot be read are left out: the build reports them) and the folded names
    of the authors with a profile."""
    docs = []
    for file in sorted((site_root / ARTICLES_DIR).glob("*.md")):
        text = file.read_text(encoding="utf-8", errors="replace")
        try:
            meta = frontmatter.split(text)[0]
        except frontmatter.FrontMatterError:
            meta = _source_of_broken(text)
        docs.append(Existing(file.relative_to(site_root).as_posix(), text, meta))
    names = set()
    for file in sorted((site_root / AUTHORS_DIR).glob("*.md")):
        try:
            name = frontmatter.split(file.read_text(encoding="utf-8"))[0].get("name")
        except (frontmatter.FrontMatterError, UnicodeDecodeError):
            name = None
        names.add(fold(name) if isinstance(name, str) else fold(file.stem))
    return docs, names


def apply(site_root: Path, actions: list[Action]) -> None:
    """Write the files of the ``"write"`` and ``"update"`` actions, each through a
    temporary file and an atomic rename so a crash never leaves half a file.
    Author profiles that exist are never replaced."""
    for action in actions:
        if action.kind not in ("write", "update"):
            continue
        for rel, text in action.files:
            _write(site_root / rel, text)
        for rel, text in action.profiles:
            if not (site_root / rel).exists():
                _write(site_root / rel, text)


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, target)
    except BaseException:  # a full disk, Ctrl-C: no hidden half-written file is left
        tmp.unlink(missing_ok=True)
        raise


def _free_backups(site_root: Path, action: Action) -> Action:
    """``action`` with each backup (``<name>.md.bak``) renamed so that it replaces
    no other file: an earlier backup with other text is kept, and the new one
    becomes ``<name>.md.bak.2``, ``.3``... (a backup holding the same text is
    written again in its place)."""
    files = []
    for rel, text in action.files:
        if rel.endswith(".md.bak"):
            name, number = rel, 1
            while (site_root / name).exists() and not _holds(site_root / name, text):
                number += 1
                name = f"{rel}.{number}"
            rel = name
        files.append((rel, text))
    return dataclasses.replace(action, files=tuple(files))


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def convert(site_root: Path, settings: Settings, seeds_dir: Path | None = None, force: bool = False,
            dry_run: bool = False, section: str | None = None, restore: bool = False) -> list[Action]:
    """Convert the seeds of ``seeds_dir`` (default ``<site>/seeds``) into ``content/``.

    Returns the actions (taken, or only planned with ``dry_run``); never raises
    for a bad seed or metadata file (an ``"error"`` action). ``force``: see
    :func:`convert_seed`; ``section``: the section of seeds whose metadata names none.

    Deleted articles: which article each seed became (its path and the seed's
    digest) is recorded in :data:`RECORD` (``content/converted-seeds.txt``, with the
    content, so that a checkout where an article was deleted before any build
    knows it too). A seed whose
    recorded article is gone, and that no article names in its ``source:`` block
    (a renamed one does), had its article deleted: it is listed in :data:`DELETED`
    (``content/deleted-seeds.txt``, kept with the content, so that a fresh
    checkout knows it too). A listed seed, renamed or changed, or deleted and
    brought back, is not converted again (a ``"deleted"`` action says so), so that
    deleting an article takes it off the site, until its article is back (restored
    from version control), its line is deleted in a checkout whose converter wrote
    it (see :func:`_read_written`), or ``restore`` (``jarida convert --restore``)
    converts every listed seed again. The record keeps the seeds of deleted
    articles, so that a checkout with the record and not the list still knows.
    """
    folder = seeds_dir or site_root / SEEDS_DIR
    existing, profiles = read_existing(site_root)
    seeds, problems = read_seeds(folder, site_root)
    record, listed = _read_record(site_root), _read_deleted(site_root)
    # Lines an editor deleted from the list since this checkout wrote it: their articles are
    # published again, so the record of what they became is forgotten. (In a checkout that
    # never wrote the list, the record alone still shows the article was deleted: it stays off.)
    unlisted = {seed: was for seed, (was, _) in _read_written(site_root).items() if seed not in listed}
    record = {k: v for k, v in record.items() if k not in unlisted and v[1] not in unlisted.values()}
    actions = [Action("error", p.path, message=str(p)) for p in problems]
    if record and not (site_root / ARTICLES_DIR).is_dir():
        # moved away or renamed (while 'jarida serve' watches): every article taken for deleted would
        # fill the list of deleted seeds, and a commit of it keep them all off the site
        return actions + [Action("error", ARTICLES_DIR, message=str(Problem(ARTICLES_DIR, 0, (
            f"the folder is missing, though {len(record)} seeds were converted into it (see {RECORD}): put it "
            f"back; to take every article off the site, delete the files in it and keep the folder"))))]
    held = {s.get("sha256") for doc in existing if isinstance(s := doc.meta.get("source"), dict)}
    seeds, adopted = _adopt_metadata(site_root, folder, seeds, {**record, **{k: v[::-1] for k, v in listed.items()}},
                                     held)
    digests = {seed.display: seed.digest() for seed in seeds}
    # The articles that are a seed's (a converter's ``source:`` block): a deleted one is back only as such a
    # file; a hand-written one at its address ('jarida new', a correction note) brings no seed back.
    converted = {doc.path for doc in existing if isinstance(doc.meta.get("source"), dict)}
    converted |= _edited_articles(existing, converted, seeds,
                                  [(seed, path) for seed, (_, path) in listed.items()]
                                  + [(seed, path) for seed, (path, _) in record.items()])
    # A line whose article is back is dropped; a renamed seed takes its line; a line whose seed
    # is gone stays, so that the seed brought back (a wire service sending it again) stays out.
    by_digest = {digest: display for display, digest in digests.items()}
    now_listed, kept_gone = {}, {}
    for seed, (was, path) in listed.items():
        if path in converted or was in held:
            continue
        if restore:
            if seed not in digests and was not in by_digest:
                # nothing to convert again: the line stays
                kept_gone[seed] = [was, path]
            continue
        if digests.get(seed, was) != was and was not in by_digest:
            # the seed was changed: its line takes the new digest, so that renamed later it stays off
            now_listed[seed] = [digests[seed], path]
            continue
        now_listed[by_digest.get(was, seed)] = [was, path]
    noticed = {display: path for display in digests if display not in now_listed
               and (path := _deleted_article(display, digests[display], record, held, converted))}
    if not restore:
        now_listed.update({display: [digests[display], path] for display, path in noticed.items()})
    gone = {display: path for display, (_, path) in now_listed.items() if display in digests}
    actions += [Action("deleted", seed.display, gone[seed.display], message=(
        f"not converted again: its article {gone[seed.display]} was deleted (listed in {DELETED}); to keep it off "
        f"the site, delete the seed too; to publish it again, delete its line there or run "
        f"'jarida convert --restore'")) for seed in seeds if seed.display in gone]
    now_listed.update(kept_gone)
    actions += [Action("deleted", seed, path, message=(
        f"not converted again: its article {path} was deleted and this seed is gone (no file "
        f"{seed}); to publish it again, put the seed back there and run 'jarida convert --restore' again"))
        for seed, (_, path) in kept_gone.items()]
    present = {seed.name for seed in seeds}
    seeds = [seed for seed in seeds if seed.display not in gone]
    own = seeds_dir is None or seeds_dir.resolve() == (site_root / SEEDS_DIR).resolve()
    # The addresses of deleted articles stay theirs: no new story takes one.
    reserved = {_stem(path) for _, (path, _) in record.items() if path not in converted}
    reserved |= {_stem(path) for _, (_, path) in now_listed.items()}
    back = _restored(listed, noticed, by_digest) if restore else None
    actions += plan_conversion(seeds, settings, existing, profiles, force, section, own,
                               {seed: path for seed, (path, _) in record.items()}, present, reserved,
                               back)
    if restore:
        actions = [dataclasses.replace(a, message="\n".join(filter(None, [
            a.message, f"{a.seed}: warning: converted again: its article {back[a.seed]} had been deleted"])))
            if a.seed in back and a.kind == "write" else a for a in actions]
    actions = [dataclasses.replace(a, message="\n".join(filter(None, [a.message, adopted[a.seed]])))
               if a.seed in adopted else a for a in actions]
    actions = [_free_backups(site_root, a) for a in actions]
    if not dry_run:
        apply(site_root, actions)
        # seeds still there, and every seed whose article was deleted, even when the seed is
        # gone too (deleted or renamed): with the record alone, a checkout where the list is
        # missing (not committed) still knows them, and the seed sent again stays out
        kept = {k: v for k, v in record.items() if (site_root / k).exists() or v[0] not in converted}
        kept.update({a.seed: [a.path, digests[a.seed]] for a in actions
                     if a.kind in ("write", "update", "unchanged") and a.path and a.seed in digests})
        # a deleted article's seed changed or renamed: the record knows this version too, for a
        # checkout without the list
        versions = {tuple(v) for v in kept.values()}
        kept.update({display: [path, digests[display]] for display, path in gone.items()
                     if (path, digests[display]) not in versions})
        if kept != record or (kept and not (site_root / RECORD).exists()):  # or made from an older cache's
            _write_record(site_root, kept)
        if now_listed != listed:
            _write_deleted(site_root, now_listed)
        _write_written(site_root, now_listed)
    return actions


def _edited_articles(existing: list[Existing], converted: set[str], seeds: list[SeedFile],
                     pairs: list[tuple[str, str]]) -> set[str]:
    """The paths of the articles without a ``source:`` block that are still their seed's,
    edited (the block removed): of ``pairs`` (seed path, the path of the article it
    became), those whose article is there without the block, has the seed's headline
    and opening paragraph (see :func:`_same_text`), and whose seed is among ``seeds``.
    ``converted`` holds the paths of the articles with the block. Another article at
    that address (``jarida new`` with the same headline, a correction note) is not."""
    docs = {doc.path: doc for doc in existing if doc.path not in converted}
    by_display = {seed.display: seed for seed in seeds}
    found = set()
    for seed, path in pairs:
        if path in docs and path not in found and seed in by_display:
            item = read_seed(by_display[seed])
            if isinstance(item, Parsed) and _same_text(docs[path], item.parsed.title,
                                                       [p.text for p in item.parsed.paragraphs]):
                found.add(path)
    return found


def reserved_addresses(site_root: Path) -> set[str]:
    """The slugs of the deleted articles of the site at ``site_root`` (recorded in
    :data:`RECORD` or listed in :data:`DELETED`, their files gone): no new article
    takes one, so that the deleted story is never replaced at its address by
    another, nor brought back by one (see :func:`convert`)."""
    paths = [path for path, _ in _read_record(site_root).values()]
    paths += [path for _, path in _read_deleted(site_root).values()]
    return {_stem(path) for path in paths if not (site_root / path).exists()}


def _restored(listed: dict[str, list], noticed: dict[str, str], by_digest: dict[str, str]) -> dict[str, str]:
    """Seed path -> the deleted article it is converted into again by ``--restore``:
    the seeds of ``listed`` (path -> ``[digest, article]``), under their new names when
    renamed (``by_digest``: digest -> path of the seeds there are), and ``noticed``."""
    back = {seed: path for seed, (_, path) in listed.items()}
    back.update({by_digest[was]: path for _, (was, path) in listed.items() if was in by_digest})
    return back | noticed


def _adopt_metadata(site_root: Path, folder: Path, seeds: list[SeedFile], record: dict[str, list],
                    held: set) -> tuple[list[SeedFile], dict[str, str]]:
    """``seeds`` (of ``folder``), those renamed away from their outside metadata given it
    back, and for each of them (its path) a warning.

    A seed whose manifest line or sidecar file still names its old file name would lose
    its date, author and section, and a deleted article's seed would come back as a new
    article: its digest covers that metadata (see :meth:`SeedFile.digest`). So a seed
    with no metadata of its own whose digest is known nowhere (``record``: seed path ->
    ``[article, digest]``, of the conversions and the deleted articles; ``held``: digests
    of the articles there are) takes the metadata of a recorded seed whose file is gone
    from ``folder`` when its bytes with that metadata give that seed's digest: it is that
    seed, renamed (``git mv``, a file manager) without its metadata."""
    known = {digest for _, digest in record.values()} | held
    candidates = [seed for seed in seeds if seed.meta == Metadata() and seed.display not in record
                  and seed.digest() not in known]
    if not candidates:
        return seeds, {}
    here = folder.resolve()
    present = {seed.display for seed in seeds}
    gone = [(old, was) for old, (_, was) in record.items()
            if old not in present and (site_root / old).parent.resolve() == here and not (site_root / old).exists()]
    if not gone:
        return seeds, {}
    manifest, _ = read_manifest(folder)
    starts = {seed.display: hashlib.sha256(seed.data + b"\0") for seed in candidates}
    adopted, notes = {}, {}
    for old, was in gone:
        meta = _metadata_of(site_root / old, manifest, site_root)
        extra = metadata_bytes(meta) if meta else None
        if not extra:
            continue
        for seed in candidates:
            if seed.display in adopted:
                continue
            digest = starts[seed.display].copy()
            digest.update(extra)
            if digest.hexdigest() == was:
                where = (f"{Path(old).parent.as_posix()}/{MANIFEST}" if Path(old).name in manifest
                         else "its sidecar file")
                adopted[seed.display] = dataclasses.replace(seed, meta=meta)
                notes[seed.display] = (f"{seed.display}: warning: its metadata in {where} still names it "
                                       f"{Path(old).name}, its name before it was renamed: that metadata is used; "
                                       f"rename it there too")
                break
    return [adopted.get(seed.display, seed) for seed in seeds], notes


#: The cache's copy of the list of deleted articles' seeds as this checkout last wrote it.
_WRITTEN = "deleted-seeds.json"


def _read_written(site_root: Path) -> dict[str, list]:
    """The list of :data:`DELETED` as this checkout's converter last wrote it (``{}``:
    unknown), to tell the lines an editor deleted since."""
    return _read_pairs(site_root / CACHE_DIR / _WRITTEN)


def _write_written(site_root: Path, listed: dict[str, list]) -> None:
    """Keep ``listed`` as the list this checkout wrote (see :func:`_read_written`)."""
    if listed != _read_written(site_root):
        _write_pairs(site_root / CACHE_DIR / _WRITTEN, listed)


def _read_pairs(source: Path) -> dict[str, list]:
    """A cache file of the converter: JSON, seed path -> a pair of texts (``{}`` when
    missing or damaged)."""
    try:
        pairs = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in pairs.items() if isinstance(k, str) and isinstance(v, list) and len(v) == 2
            and all(isinstance(x, str) for x in v)} if isinstance(pairs, dict) else {}


def _write_pairs(target: Path, pairs: dict[str, list]) -> None:
    """Write ``pairs`` (see :func:`_read_pairs`) atomically, or remove ``target`` when
    empty; a cache that cannot be written loses only that file."""
    try:
        if not pairs:
            target.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(pairs, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass


#: Where the seeds whose articles were deleted are listed, relative to the site root.
DELETED = "content/deleted-seeds.txt"
#: Where the article each seed became is recorded, relative to the site root.
RECORD = "content/converted-seeds.txt"


def _deleted_article(display: str, digest: str, record: dict, held: set, converted: set) -> str | None:
    """The article that the seed shown as ``display`` with ``digest`` became, when it
    was deleted (see :func:`convert`), or None. ``record`` maps seed paths to
    ``[article, digest]``; ``held`` holds the digests named by the ``source:``
    blocks of the articles there are, ``converted`` their paths."""
    if digest in held:
        return None
    for seed, (path, was) in record.items():
        if (seed == display or was == digest) and was not in held and path not in converted:
            return path
    return None


def _read_record(site_root: Path) -> dict[str, list]:
    """Seed path (as shown) -> ``[article path, seed digest]``, from the last conversions:
    :data:`RECORD` for the seeds inside the site, the cache's ``converted.json`` for
    those of folders outside it (``jarida convert DIR``: their paths are this
    machine's, kept out of the content), and, for a site converted before
    :data:`RECORD` existed, all of the cache's."""
    cached = _read_pairs(site_root / CACHE_DIR / _OUTSIDE)
    if not (site_root / RECORD).exists():
        return cached
    record = {seed: [path, digest] for seed, (digest, path) in _read_list(site_root / RECORD).items()}
    record.update({k: v for k, v in cached.items() if not _inside(site_root, k)})
    return record


def _inside(site_root: Path, seed: str) -> bool:
    """Whether the seed path ``seed`` (as shown, see :func:`read_seeds`) is inside the site."""
    return os.path.abspath(site_root / seed).startswith(os.path.abspath(site_root) + os.sep)


def _write_record(site_root: Path, record: dict[str, list]) -> None:
    """Write :data:`RECORD` with the seeds inside the site (removed when there is none),
    and the cache's record with the others (see :func:`_read_record`); a cache that
    cannot be written loses only the record of seeds from outside."""
    _write_list(site_root / RECORD, _RECORD_HEAD,
                {seed: [digest, path] for seed, (path, digest) in record.items() if _inside(site_root, seed)})
    _write_pairs(site_root / CACHE_DIR / _OUTSIDE,
                 {seed: value for seed, value in record.items() if not _inside(site_root, seed)})


#: The cache's record of the seeds converted from folders outside the site.
_OUTSIDE = "converted.json"
_RECORD_HEAD = """\
# Written by Jarida: the article each seed became. It goes with the content (commit it), so that
# an article deleted in another checkout is known as deleted, and its seed not converted again.
# seed<TAB>SHA-256 of the seed<TAB>its article
"""
_DELETED_HEAD = """\
# Seeds whose articles were deleted from content/articles/: they are not converted again.
# Delete a line, or run 'jarida convert --restore', to publish its article again.
# seed<TAB>SHA-256 of the seed<TAB>its deleted article
"""


#: A line of :data:`DELETED`: the seed, the SHA-256 of its bytes and the deleted
#: article, apart by tabs (or by spaces, as an editor may have made them).
_DELETED_LINE_RE = re.compile(r"^(?P<seed>\S.*?)\s+(?P<digest>[0-9a-f]{64})\s+(?P<path>\S.*?)\s*$")


def _read_deleted(site_root: Path) -> dict[str, list]:
    """The seeds listed in :data:`DELETED`: path -> ``[digest, article]``."""
    return _read_list(site_root / DELETED)


def _read_list(source: Path) -> dict[str, list]:
    """The lines of :data:`DELETED` or :data:`RECORD`: seed path -> ``[digest, article]``.
    Lines that are no such line (a comment, a merge's marks) are passed over."""
    try:
        text = source.read_bytes().decode("utf-8-sig", "replace")
    except OSError:
        return {}
    listed = {}
    for line in text.splitlines():
        match = _DELETED_LINE_RE.match(line)
        if match and not line.startswith("#"):
            listed[match["seed"]] = [match["digest"], match["path"]]
    return listed


def _write_deleted(site_root: Path, listed: dict[str, list]) -> None:
    """Write :data:`DELETED` (removed when the list is empty)."""
    _write_list(site_root / DELETED, _DELETED_HEAD, listed)


def _write_list(target: Path, head: str, listed: dict[str, list]) -> None:
    """Write ``head`` and a line ``seed<TAB>digest<TAB>article`` for each of ``listed``
    (seed path -> ``[digest, article]``), sorted, into ``target``; removed when empty."""
    if not listed:
        target.unlink(missing_ok=True)
        return
    lines = [f"{seed}\t{digest}\t{path}" for seed, (digest, path) in sorted(listed.items())]
    _write(target, head + "\n".join(lines) + "\n")
