"""Reading ``content/`` into the content model, and assembling the Site.

``parse_article`` and ``parse_profile`` are pure (text in, record or problems
out); ``read_content`` is the I/O edge; ``assemble`` groups articles into
taxonomy terms and finds collisions before anything is rendered.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections import defaultdict
from pathlib import Path

from . import frontmatter
from .arabic import BYLINE_LABELS, HARAKAT_RE, TATWEEL, ascii_digits, cut_at_word, fold, remove_invisible, slugify
from .markup import safe_url
from .model import Article, Profile, Site, Term
from .problems import ContentProblems, Problem, not_utf8
from .settings import Settings

ARTICLES_DIR = "content/articles"
AUTHORS_DIR = "content/authors"
KNOWN_KEYS = {"title", "slug", "date", "updated", "author", "authors", "tags", "summary", "source", "draft",
              "section", "byline", "dateline", "source_outlet", "url", "image", "image_alt"}
TEXT_KEYS = ("section", "byline", "dateline", "source_outlet", "url", "image", "image_alt")
MAX_SLUG_BYTES = 200
#: Longer titles get a warning (an error with --strict).
MAX_TITLE = 250


def parse_date(value, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """Read a front-matter date: a YAML timestamp or an ISO 8601 / RFC 3339 string.

    A date without a time is midnight; a value without an offset is in the
    site's time zone ``tz``; Arabic-Indic digits (``٢٠٢٤-٠٥-٠١``) are read as
    ASCII digits. Raises ``ValueError`` for anything else, and for a UTC offset
    out of RFC 3339's range (-23:59 to +23:59).
    """
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        value = ascii_digits(value)  # ٢٠٢٤-٠٥-٠١: typed with an Arabic keyboard
        if frontmatter.offset_problem(value):  # Python reads +05:75 as +06:15
            raise ValueError(f"UTC offset out of range: {value!r}")
        result = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError(f"not a date: {value!r}")
    if result.tzinfo is None:
        result = result.replace(tzinfo=tz)
    return result


def _names(value, nameless: list[str] | None = None) -> list[str] | None:
    """A list of names from a string (split on ``,`` ``،`` ``؛``) or a list; the
    first of several names with one folded key is kept (``غزة``/``غزه``). Names
    with no letter or digit (``؟؟``, an emoji) are left out, and added to
    ``nameless`` when it is given."""
    if value is None:
        return []
    if isinstance(value, str):
        names = [v.strip() for v in re.split(r"[,،؛]", value)]
    elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        names = [str(v).strip() for v in value]
    else:
        return None
    unique: dict[str, str] = {}
    for name in (remove_invisible(n).strip() for n in names):
        if not name:
            continue
        key = term_key(name)
        if not key or not re.search(r"[^\W_]", name):  # "؟؟", "ـــ" (tatweel only): nothing to name
            if nameless is not None:
                nameless.append(name)
        elif key not in unique:
            unique[key] = name
    return list(unique.values())


#: A byline's label before an author's name (``بقلم: ``, ``كتبت - ``), as the converter
#: reads bylines (see :data:`generator.seeds.BYLINE_RES`).
_MARKS = f"[{HARAKAT_RE.pattern[1:-1]}{TATWEEL}]*"  # harakat and tatweel, which may follow any letter
_LABEL_FIRSTS = frozenset(label[0] for label in BYLINE_LABELS.split("|"))


@functools.cache
def _byline_label_re() -> re.Pattern:
    """The pattern of a byline's label, compiled when first needed (3 ms: a rebuild
    after an edit, with no author written so, does without it)."""
    return re.compile(
        "^(?P<label>" + "|".join("".join(letter + _MARKS for letter in label) for label in BYLINE_LABELS.split("|"))
        # then a role of one or two words and a colon (بقلم الكاتبة:), a colon or a dash alone
        # (كتبت -), or nothing more (a label alone, no name)
        + r")(?:(?P<role>(?:\s+[^\s:：\-–—]+){1,2})\s*[:：]\s*|\s*[:：\-–—]\s*|\s*$)")


#: Strong and emphasis of Markdown (``**x**``, ``__x__``, ``*x*``, ``_x_``), not escaped
#: by a backslash; ``_`` only at the edges of words, as Python-Markdown reads it.
_INLINE_MARKS_RE = re.compile(r"(?<!\\)(?:(?P<m>\*\*|\*)(?P<text>[^*\s](?:.*?[^*\s\\])?)(?P=m)"
                              r"|(?<![\w\\])(?P<u>__|_)(?P<utext>[^_\s](?:.*?[^_\s\\])?)(?P=u)(?!\w))")
#: Blocks that are no paragraph of text: headings, tables, quotations, lists, code.
_NOT_PROSE_RE = re.compile(r"^(?:#|\||>|[-*+]\s|\d+[.)]\s|```|~~~| {4}|\t|\[\^)")
#: A code span's text, kept apart from the emphasis marks around it.
_CODE_RE = re.compile(r"(?<!\\)`([^`]+)`")


def first_paragraph_text(markdown_body: str) -> str:
    """Plain text of the first paragraph of a Markdown body, as a reader sees it:
    headings, quotations, lists, tables and code blocks before it are passed over;
    escapes, entities and inline markup removed (links keep their text; images,
    whose alternative text describes a picture and not the story, and footnote
    marks are left out; ``**strong**``, ``*emphasis*`` and ```code``` keep their
    text only, a code span's text as written); a paragraph of inline HTML keeps its text."""
    import html

    fenced = False
    for block in re.split(r"\n\s*\n", markdown_body.strip()):
        fences = len(re.findall(r"^(?:```|~~~)", block, re.M))
        if fenced or fences:
            fenced = fenced != (fences % 2 == 1)  # a fence left open goes on past a blank line
            continue
        text = re.sub(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]|\[\^[^\]]*\]", "", block).strip()
        if text.startswith("<"):
            text = re.sub(r"<[^>]*>", "", text).strip()
        if not text or _NOT_PROSE_RE.match(text) or text.startswith("!"):
            continue
        codes: list[str] = []
        text = _CODE_RE.sub(lambda m: codes.append(m[1]) or f"\ue000{len(codes) - 1}\ue000", text)
        for _ in range(2):  # ***x***: strong and emphasis
            text = _INLINE_MARKS_RE.sub(lambda m: m["text"] if m["text"] is not None else m["utext"], text)
        text = re.sub(r"\\(.)", r"\1", text)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]", lambda m: m[1] or m[2] or "", text)
        text = re.sub(r"<((?:https?|mailto):[^>\s]+)>", r"\1", text)  # an autolink shows its address
        text = re.sub("\ue000(\\d+)\ue000", lambda m: codes[int(m[1])], text)
        return re.sub(r"\s+", " ", html.unescape(text)).strip()
    return ""


def _raw_value(text: str, key: str) -> str:
    """The text after ``key:`` on its line of the front matter, as written."""
    head = _front_matter(text)
    line = frontmatter.key_line(head, key)
    lines = head.lstrip("\ufeff").split("\n")
    return lines[line - 1].partition(":")[2].strip() if 1 < line <= len(lines) else ""


def _front_matter(text: str) -> str:
    """``text`` up to the line that closes its front matter (all of it when none does)."""
    end = text.find("\n---", 3)
    return text if end < 0 else text[:end]


def _comment_in(text: str, key: str, value) -> bool:
    """Whether YAML read part of ``key``'s line as a comment (`` #`` after an unquoted
    value: a hashtag in a headline, ``#لبنان_ينتفض``) that the ``value`` does not hold.
    Run for every article parsed: most front matter holds no ``#`` at all."""
    if "#" not in _front_matter(text):
        return False
    raw = _raw_value(text, key)
    if not raw or raw[0] in "\"'" or "#" not in raw:
        return False
    return raw.startswith("#") or (" #" in raw and "#" not in str(value or ""))


#: A section written as a path: a slash or a backslash in it, or only ``.`` or ``..``.
_PATH_LIKE = re.compile(r"[/\\]|^\.\.?$")


def section_of_path(value: str) -> str:
    """The section key that ``value``, a section written as a path (``../economy``,
    ``a/../b``, ``/x``, ``x\\y``), stands for: its parts resolved as a path's are
    (``.`` and empty parts dropped, ``..`` taking away the part before it, none above
    the first), joined by ``-`` since sections have no sections inside them
    (``x/y`` -> ``x-y``, the slug it had before); ``""`` when no part is left
    (``..``, ``/``)."""
    parts: list[str] = []
    for part in re.split(r"[/\\]", value):
        part = part.strip()
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return "-".join(parts)


def parse_article(path: str, text: str, settings: Settings, memo=None) -> tuple[Article | None, list[Problem]]:
    """Parse one article file's text. ``path`` is relative to the site root;
    ``memo`` remembers front matter read before (see :func:`generator.frontmatter.split`).

    Returns the article (``None`` when it cannot be built) and the problems
    found, each with the line of the offending key.
    """
    try:
        meta, body, body_line = frontmatter.split(text, memo)
    except frontmatter.FrontMatterError as exc:
        return None, [Problem(path, exc.line, f"{exc} (see the README, 'Front matter')")]
    problems: list[Problem] = []
    if not meta and not text.lstrip("\ufeff").startswith("---"):
        return None, [Problem(path, 1, "no front matter: an article starts with a line '---', then 'title:' and "
                                       "'date:' lines, then another '---' (see the README, 'Front matter')")]

    def bad(key: str, message: str, warning: bool = False) -> None:
        problems.append(Problem(path, frontmatter.key_line(text, key) if key in meta else 1, message, warning))

    for key in meta:
        if key not in KNOWN_KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(KNOWN_KEYS))}"
            bad(key, f"unknown front matter key '{key}' is ignored; {hint}", warning=True)
    title = meta.get("title")
    comment = _comment_in(text, "title", title)
    if isinstance(title, bool):
        bad("title", f"'title' is read as {str(title).lower()}, a truth value: put the headline in quotes, "
                     f"title: \"{_raw_value(text, 'title')}\"")
        title = ""
    elif title is not None and not isinstance(title, (str, int, float)):
        bad("title", "'title' must be text: write the headline after 'title:' (in quotes if it holds ':' or '[')")
        title = ""
    elif title is None and "title" in meta or isinstance(title, str) and not title.strip():
        bad("title", "'title' is empty: the text after '#' is a YAML comment; put the headline in quotes"
                     if comment else "'title' is empty: write the headline after 'title:'")
        title = ""
    elif comment:
        quoted = _raw_value(text, "title").replace("\\", "\\\\").replace('"', '\\"')
        bad("title", "the text after ' #' is read as a YAML comment and left out of the title; put the "
                     f"headline in quotes: title: \"{quoted}\"", warning=True)
    elif not isinstance(title, (str, int, float)) or not str(title).strip():
        bad("title", "missing 'title': add a line 'title: <headline>' to the front matter")
        title = ""
    elif len(str(title)) > MAX_TITLE:
        bad("title", f"the title is {len(str(title))} characters long; headlines over {MAX_TITLE} are cut "
                     "off by search engines and feed readers: shorten it", warning=True)
    tz = zoneinfo.ZoneInfo(settings.timezone)
    date = None
    if "date" not in meta:
        bad("date", "missing 'date': add a line 'date: 2024-05-01T09:30:00+03:00' to the front matter")
    else:
        try:
            written = parse_date(meta["date"], tz)
            date = written.astimezone(dt.timezone.utc).astimezone(tz)  # shown in the site's time zone, as every date
            if written.tzinfo is tz and written.replace(tzinfo=None) != date.replace(tzinfo=None):
                bad("date", f"'date' {written.replace(tzinfo=None).isoformat()} does not exist in {settings.timezone} "
                            f"(the clocks were put forward); it is read as {date.isoformat()}: write the time "
                            "with its UTC offset", warning=True)
        except ValueError:
            bad("date", frontmatter.offset_problem(str(meta["date"]))
                or f"'date' is not a date ({meta['date']!r}); write it as 2024-05-01T09:30:00+03:00")
    updated = None
    if meta.get("updated") is not None:
        try:
            updated = parse_date(meta["updated"], tz).astimezone(dt.timezone.utc).astimezone(tz)
        except ValueError:
            bad("updated", frontmatter.offset_problem(str(meta["updated"])) or f"'updated' is not a date ({meta['updated']!r})")
    if date is not None and updated is not None and updated < date:
        bad("updated", f"'updated' ({updated.isoformat()}) is before 'date' ({date.isoformat()}), the publication; "
                       "fix one of them", warning=True)
    if "author" in meta and "authors" in meta:  # one of them would be dropped: the byline would credit the wrong people
        bad("authors", "both 'author' and 'authors' are given; keep one: 'authors: [name, name]' for several")
    nameless: list[str] = []
    authors = _names(meta.get("authors", meta.get("author")), nameless)
    if authors is None:
        bad("authors" if "authors" in meta else "author", "'author' must be a name or a list of names")
        authors = []
    for name in nameless:
        bad("authors" if "authors" in meta else "author", f"the author '{name}' has no letter or digit to name "
            "it by; it is left out: write the author's name in words", warning=True)
    for index, name in enumerate(authors):
        # "بقلم: منى حسن", "بقلم الكاتبة: منى حسن": the name alone names the author (ARABIC.md)
        label = _byline_label_re().match(name) if name[:1] in _LABEL_FIRSTS else None
        if label is None:
            continue
        rest = name[label.end():].strip()
        authors[index] = rest or None
        bad("authors" if "authors" in meta else "author",
            f"the author '{name}' is read as '{rest}': write the name alone, without '{name[:label.end()].strip()}'"
            if rest else f"the author '{name}' is a byline's label, not a name: it is left out; write the "
                         "author's name", warning=True)
    authors = [name for name in authors if name]
    nameless = []
    tags = _names(meta.get("tags"), nameless)
    if tags is None:
        bad("tags", "'tags' must be a list of names, e.g. tags: [غزة, مصر]")
        tags = []
    else:
        for name in nameless:
            bad("tags", f"the tag '{name}' has no letter or digit to name it by; it is left out: write it in words",
                warning=True)
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    raw_slug = meta.get("slug", stem)
    slug = slugify(str(raw_slug), MAX_SLUG_BYTES) if raw_slug is not None else ""
    if not slug:
        bad("slug", f"the slug {raw_slug!r} has no letter or digit; set 'slug:' to a few words of the headline")
    summary = meta.get("summary")
    if summary is not None and not isinstance(summary, str):
        bad("summary", "'summary' must be text")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        bad("draft", "'draft' must be true or false")
    texts = {}
    for key in TEXT_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            bad(key, f"'{key}' must be text")
        elif value is not None and str(value).strip():
            texts[key] = str(value).strip()
    if "section" in texts and _PATH_LIKE.search(texts["section"]):
        written = texts.pop("section")
        key = section_of_path(written)
        slug = term_slug(key)
        if slug:
            texts["section"] = key
            bad("section", f"the section '{written}' is written as a path; it is read as section '{key}', whose "
                           f"pages are at sections/{slug}/: write 'section: {key}'", warning=True)
        else:
            bad("section", f"the section '{written}' is a path that names no section; it is left out: write the "
                           "section's key, e.g. 'section: economy'", warning=True)
    if "image" in texts and not safe_url(texts["image"]):
        bad("image", "'image' must be a path in static/ or an http(s) URL")
    if date is None or any(not p.warning for p in problems):
        return None, problems
    if draft is not True and (not body or body.isspace()):
        problems.append(Problem(path, body_line, "the article has no text: its page would show the headline "
                                                 "alone; write its text after the front matter, or set "
                                                 "'draft: true' until it is written", True))
    summary_text = summary.strip() if isinstance(summary, str) and summary.strip() else cut_at_word(
        first_paragraph_text(body), settings.summary_length)
    article = Article(
        path=path, slug=slug, title=str(title).strip(), date=date,
        authors=tuple(authors) or (settings.default_author,), tags=tuple(dict.fromkeys(tags)),
        summary=summary_text, body=body, body_line=body_line, updated=updated, draft=draft is True, **texts,
        slug_line=frontmatter.key_line(text, "slug") if "slug" in meta else 1,
    )
    return article, problems


def parse_profile(path: str, text: str, memo=None) -> tuple[Profile | None, list[Problem]]:
    """Parse an author profile file: front matter ``name`` (required), ``role``,
    ``avatar`` (an image path or URL) and ``links`` (a mapping label -> URL);
    the body is the bio in Markdown. ``memo``: see :func:`generator.frontmatter.split`."""
    try:
        meta, body, _ = frontmatter.split(text, memo)
    except frontmatter.FrontMatterError as exc:
        return None, [Problem(path, exc.line, str(exc))]
    name = meta.get("name")
    if not isinstance(name, str) or not name.strip():
        return None, [Problem(path, frontmatter.key_line(text, "name"), "missing 'name': add 'name: <the author's name>'")]
    problems = []
    links = meta.get("links") or {}
    if not isinstance(links, dict) or not all(isinstance(v, str) and safe_url(v) for v in links.values()):
        problems.append(Problem(path, frontmatter.key_line(text, "links"),
                                "'links' must map labels to http(s) URLs, e.g. links: {تويتر: https://x.com/name}"))
        links = {}
    role, avatar = meta.get("role"), meta.get("avatar")
    for key, value in (("role", role), ("avatar", avatar)):
        if value is not None and not isinstance(value, str):
            problems.append(Problem(path, frontmatter.key_line(text, key), f"'{key}' must be text"))
    if isinstance(avatar, str) and not safe_url(avatar):
        problems.append(Problem(path, frontmatter.key_line(text, "avatar"), "'avatar' must be an image path or an http(s) URL"))
    if problems:
        return None, problems
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return Profile(path=path, slug=stem, name=name.strip(), bio=body.strip(), role=role, avatar=avatar,
                   links=tuple((str(k), v) for k, v in links.items())), []


#: File endings of Markdown, in any case: such a file that the build does not read is reported.
_MARKDOWN_ENDINGS = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")


def ignored_sources(site_root: Path, seeds: Path | None = None) -> list[Problem]:
    """A warning for each file that looks like an article or a seed and that no
    command reads, so it would never be published: Markdown in a subfolder of
    ``content/articles/`` or ``content/authors/``, or there with another ending
    than ``.md`` (``.markdown``, ``.MD``); a ``.txt`` seed in a subfolder of
    ``seeds/`` or ending in ``.TXT``. Hidden files and folders (an editor's, git's)
    are left out. The folders are read with ``os.walk``: for 10,000 articles in one
    folder, about 20 ms. With ``seeds`` (a folder given to ``jarida convert``, in
    the site or anywhere), only the seeds in it are looked at; paths are shown
    from the site root when inside it."""
    if seeds is not None:
        return _unread(site_root, seeds, ".txt", (".txt",))
    warnings = []
    for folder, wanted, endings in ((ARTICLES_DIR, ".md", _MARKDOWN_ENDINGS), (AUTHORS_DIR, ".md", _MARKDOWN_ENDINGS),
                                    ("seeds", ".txt", (".txt",))):
        warnings += _unread(site_root, site_root / folder, wanted, endings)
    return warnings


def _unread(site_root: Path, top: Path, wanted: str, endings: tuple[str, ...]) -> list[Problem]:
    """The warnings of :func:`ignored_sources` for one folder ``top``, whose files
    ending in ``wanted`` are read, not those in its subfolders."""
    import os

    def shown(path: Path) -> str:
        try:
            return path.relative_to(site_root).as_posix()
        except ValueError:
            return str(path)

    warnings = []
    folder = shown(top).rstrip("/")
    for here, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        nested = here != str(top)
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(endings) or (not nested and name.endswith(wanted)):
                continue
            stem = name[:name.rfind(".")]
            target = top / f"{stem}{wanted}"
            if target.exists():  # following the advice must not replace a file
                where = f"{shown(target)} exists: give it another name ending in {wanted} in {folder}/"
            else:
                where = f"move it to {shown(target)}" if nested else f"rename it {stem}{wanted}"
            warnings.append(Problem(shown(Path(here, name)), 0, f"not read: only the {wanted} files directly in "
                                                               f"{folder}/ are; {where} to publish it", warning=True))
    return warnings


def read_content(site_root: Path, settings: Settings) -> tuple[list[Article], list[Profile], list[Problem]]:
    """Read every ``content/articles/*.md`` and ``content/authors/*.md`` (sorted by name)."""
    articles, profiles, problems = [], [], []
    for file in sorted((site_root / ARTICLES_DIR).glob("*.md")):
        rel = file.relative_to(site_root).as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(not_utf8(rel, exc))
            continue
        article, found = parse_article(rel, text, settings)
        problems += found
        if article:
            articles.append(article)
    for file in sorted((site_root / AUTHORS_DIR).glob("*.md")):
        rel = file.relative_to(site_root).as_posix()
        profile, found = parse_profile(rel, file.read_text(encoding="utf-8"))
        problems += found
        if profile:
            profiles.append(profile)
    return articles, profiles, problems


def assemble(settings: Settings, articles: list[Article], profiles: list[Profile],
             drafts: bool = False, problems: list[Problem] | None = None,
             now: dt.datetime | None = None) -> Site:
    """Build the :class:`Site`: articles newest first (drafts only when ``drafts``;
    with ``now``, articles dated later are scheduled and left out), and the
    section, tag and author terms.

    Raises :class:`ContentProblems` listing every collision (two articles with one
    slug, two tags or authors whose slugs collide, a term whose slug is empty)
    together with the ``problems`` found earlier, if any is not a warning.
    """
    problems = list(problems or [])
    articles = [a for a in articles if drafts or not a.draft]
    seen: dict[str, Article] = {}
    # A slug from a file name belongs to that file; of two articles with one slug, the
    # one that took it with a 'slug:' key is told (the new one an editor just wrote).
    for article in sorted(articles, key=lambda a: a.slug_line > 1):
        if article.slug in seen:
            problems.append(Problem(article.path, article.slug_line, f"slug '{article.slug}' is already used by "
                                                                     f"{seen[article.slug].path}; set a different 'slug:'"))
        else:
            seen[article.slug] = article
    published = [a for a in seen.values() if now is None or a.date <= now]
    ordered = sorted(published, key=lambda a: (a.date, a.slug), reverse=True)
    profiles_by_key = {term_key(p.name): p for p in profiles}
    taxonomies = {
        "sections": _terms("sections", ordered, [(a.section,) if a.section else () for a in ordered], {},
                           problems, settings.section_name),
        "tags": _terms("tags", ordered, [a.tags for a in ordered], {}, problems),
        "authors": _terms("authors", ordered, [a.authors for a in ordered], profiles_by_key, problems),
    }
    if any(not p.warning for p in problems):
        raise ContentProblems(problems)
    return Site(settings=settings, articles=tuple(ordered), taxonomies=taxonomies)


def sections_of_one_name(site: Site) -> list[Problem]:
    """A warning for each section of ``site`` shown with the name of another
    (``politic`` and ``politics``, both سياسة): two section pages and feeds that
    readers cannot tell apart. Given at the newest article of the section with
    fewer articles."""
    articles = site.articles
    by_name: dict[str, list] = defaultdict(list)
    for term in site.taxonomies.get("sections", ()):
        by_name[term.name].append(term)
    warnings = []
    for name, terms in by_name.items():
        if len(terms) < 2:
            continue
        main = max(terms, key=lambda t: (len(t.articles), t.slug))
        for term in sorted(terms, key=lambda t: t.slug):
            if term is main:
                continue
            article = next(a for a in articles if a.slug == term.articles[0])
            warnings.append(Problem(article.path, 0, f"section '{term.slug}' is shown as '{name}', as section "
                                                     f"'{main.slug}' is: two pages and feeds with one name; write "
                                                     f"'section: {main.slug}' in its articles, or give '{term.slug}' "
                                                     f"another name in [sections] of site.toml", warning=True))
    return warnings


#: ``+`` and ``#`` closing a Latin word (``C++``, ``C#``, ``F#``): part of the name, not punctuation.
_SIGNS_RE = re.compile(r"(?<=[A-Za-z0-9])[+#]+(?!\w)")


def _spell_signs(name: str) -> str:
    """``name`` with the signs of :data:`_SIGNS_RE` spelled out (``C++`` -> ``C plus plus``,
    ``C#`` -> ``C sharp``), for the key and the slug; a leading ``#`` (a hashtag) stays."""
    if "+" not in name and "#" not in name:
        return name
    return _SIGNS_RE.sub(lambda m: m.group().replace("+", " plus").replace("#", " sharp"), name)


@functools.lru_cache(maxsize=1 << 17)
def term_key(name: str) -> str:
    """The identity of a term: the folded name without punctuation (``_ محمد جراح``
    and ``محمد جراح`` are one author; ``غزة``, ``#غزة`` and ``غزه`` one tag), but
    with the signs that make ``C++`` and ``C#`` two names spelled out."""
    return " ".join(re.sub(r"[^\w\s]|_", " ", fold(_spell_signs(name))).split())


def term_slug(name: str) -> str:
    """The URL slug of a term named ``name`` with no profile (``""`` when it has no
    letter or digit); see :func:`generator.arabic.slugify`."""
    return slugify(_spell_signs(name), MAX_SLUG_BYTES)


def _terms(taxonomy, articles, names_of, profiles, problems, display=None) -> tuple[Term, ...]:
    """The terms of one taxonomy; ``names_of`` holds the names each of ``articles``
    gives in it (a tuple per article, in the same order); ``display`` maps a term's
    name to the name shown (sections: ``economy`` -> ``اقتصاد``), the slug still
    coming from the name."""
    # Each occurrence costs one dictionary lookup: grouped by the name as written
    # first (this runs for every name of every article), then the names by term.
    by_name: dict[str, list[int]] = {}
    for index, names in enumerate(names_of):
        for name in names:
            found = by_name.get(name)
            if found is None:
                by_name[name] = [index]
            else:
                found.append(index)
    names_by_key: dict[str, list[str]] = defaultdict(list)
    for name in by_name:
        key = term_key(name)
        if key:
            names_by_key[key].append(name)
    slugs = [article.slug for article in articles]
    terms = []
    by_slug: dict[str, str] = {}
    for key in sorted(names_by_key):
        names = names_by_key[key]
        # the articles in order, each once (an article may name a term twice, or in two forms)
        indices = sorted({i for n in names for i in by_name[n]})
        # the name shown is the form written most often
        name = min(names, key=lambda n: (-len(by_name[n]), n))
        profile = profiles.get(key)
        slug = profile.slug if profile else term_slug(name)
        if not slug:
            problems.append(Problem(articles[indices[0]].path, 1, f"the {taxonomy[:-1]} '{name}' has no letter or digit to make a URL from"))
            continue
        if slug in by_slug:
            problems.append(Problem(articles[indices[0]].path, 1, f"the {taxonomy[:-1]} '{name}' has the same URL slug '{slug}' as '{by_slug[slug]}'; rename one"))
            continue
        by_slug[slug] = name
        shown = profile.name if profile else display(name) if display else name
        terms.append(Term(taxonomy, key, shown, slug, tuple(map(slugs.__getitem__, indices)), profile))
    return tuple(sorted(terms, key=lambda t: (t.key, t.slug)))

