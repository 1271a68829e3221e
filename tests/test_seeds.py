import pytest

from generator.seeds import SeedError, decode, parse_bio, parse_byline, parse_seed

TITLE = "مصر تقود مفاوضات إنهاء الحرب على قطاع غزة.. القاهرة تستضيف جولات مكثفة"
P1 = "منذ اللحظات الأولى لاندلاع الحرب على قطاع غزة، كثفت مصر جهودها لوقف العمليات العسكرية."
P2 = "ومع اقتراب اللحظات الحاسمة من المفاوضات، قالت مصادر مطلعة إن هناك “جولات مكثفة”."
P3 = "وأكدت المصادر أن «الجهود المصرية» تهدف لإنجاز اتفاق وقف إطلاق النار في أسرع وقت."
BIO = 'مالك السيد يعمل كمحرر إلكتروني لدى "صحيفة الخبر"، متخصص في إدارة المحتوى الرقمي وصياغة الأخبار.'
BIO_AUTHOR = "مالك السيد"

# Layout A: headline, blank, headline repeated, paragraphs split by two blank
# lines, a line of one no-break space, then the author's bio.
LAYOUT_A = f"{TITLE}\n\n{TITLE}\n\n\n{P1}\n\n\n{P2}\n\n\n{P3}\n\n\n\u00a0\n\n{BIO}"
# Layout B: headline, blank line, one paragraph per line.
LAYOUT_B = f"{TITLE}\n\n{P1}\n{P2}\n{P3}\n"
# Layout D: layout A with a UTF-8 BOM and CRLF line ends.
LAYOUT_D = ("\ufeff" + LAYOUT_A.replace("\n", "\r\n")).encode("utf-8")


def layout_c(byline: str) -> str:
    """Layout C: headline, a byline line, paragraphs with leading spaces."""
    return f"{TITLE}\n{byline}\n{P1}\n\n {P2}\n\n  {P3}\n"


def texts(parsed):
    return [p.text for p in parsed.paragraphs]


def test_layout_a():
    text, warning = decode(LAYOUT_A.encode("utf-8"))
    parsed = parse_seed(text)
    assert warning is None
    assert parsed.title == TITLE
    assert parsed.title_line == 1
    assert parsed.author == BIO_AUTHOR
    assert parsed.bio == BIO
    assert texts(parsed) == [P1, P2, P3]


def test_layout_a_bio_is_not_in_the_body():
    parsed = parse_seed(LAYOUT_A)
    assert all(BIO_AUTHOR not in p and "يعمل كمحرر" not in p for p in texts(parsed))
    assert "\u00a0" not in texts(parsed)


def test_layout_a_paragraph_line_numbers():
    parsed = parse_seed(LAYOUT_A)
    assert [p.line for p in parsed.paragraphs] == [6, 9, 12]


def test_layout_b():
    parsed = parse_seed(decode(LAYOUT_B.encode("utf-8"))[0])
    assert parsed.title == TITLE
    assert parsed.author is None
    assert parsed.bio is None
    assert texts(parsed) == [P1, P2, P3]


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("كتب: أحمد عبد الله", "أحمد عبد الله"),
        ("بقلم: مريم العطار", "مريم العطار"),
        ("كتبت - سارة القاسمي", "سارة القاسمي"),
        ("كتب : خالد الخطيب", "خالد الخطيب"),
        ("يوسف المصري - القاهرة", "يوسف المصري"),
        ("ليلى الشامي – بيروت", "ليلى الشامي"),
    ],
)
def test_layout_c(byline, author):
    parsed = parse_seed(decode(layout_c(byline).encode("utf-8"))[0])
    assert parsed.title == TITLE
    assert parsed.author == author
    assert parsed.bio is None
    assert texts(parsed) == [P1, P2, P3]


def test_layout_d_bom_and_crlf():
    text, warning = decode(LAYOUT_D)
    assert warning is None
    assert "\r" not in text and not text.startswith("\ufeff")
    parsed = parse_seed(text)
    assert parsed.title == TITLE
    assert parsed.author == BIO_AUTHOR
    assert parsed.bio == BIO
    assert texts(parsed) == [P1, P2, P3]


def test_layout_d_equals_layout_a():
    assert parse_seed(decode(LAYOUT_D)[0]) == parse_seed(decode(LAYOUT_A.encode("utf-8"))[0])


def test_bare_cr_line_ends():
    text, _ = decode(LAYOUT_B.replace("\n", "\r").encode("utf-8"))
    assert texts(parse_seed(text)) == [P1, P2, P3]


def test_no_final_newline_and_single_paragraph():
    parsed = parse_seed(f"{TITLE}\n\n{P1}")
    assert parsed.title == TITLE
    assert texts(parsed) == [P1]


def test_byline_wins_and_a_bio_of_someone_else_stays_text():
    parsed = parse_seed(f"{TITLE}\nكتب: أحمد عبد الله\n{P1}\n{P2}\n{BIO}")
    assert parsed.author == "أحمد عبد الله"
    assert parsed.bio is None
    assert texts(parsed) == [P1, P2, BIO]


def test_byline_and_bio_of_the_same_author():
    parsed = parse_seed(f"{TITLE}\nكتب: مالك السيد\n{P1}\n{P2}\n{BIO}")
    assert parsed.author == "مالك السيد"
    assert parsed.bio == BIO
    assert texts(parsed) == [P1, P2]


@pytest.mark.parametrize("dateline", ["القاهرة - أ ش أ", "عين اليوم – لندن", "القاهرة - وكالة الأنباء"])
def test_dateline_is_not_a_byline(dateline):
    assert parse_byline(dateline) is None
    parsed = parse_seed(f"{TITLE}\n{dateline}\n{P1}\n{P2}\n")
    assert parsed.author is None
    assert texts(parsed) == [dateline, P1, P2]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("كتب: أحمد عبد الله", "أحمد عبد الله"),
        ("بقلم: مريم العطار", "مريم العطار"),
        ("كتبت - سارة القاسمي", "سارة القاسمي"),
        ("يوسف المصري - القاهرة", "يوسف المصري"),
        ("القاهرة - أ ش أ", None),
        ("عين اليوم – لندن", None),
        ("القاهرة - الرياض", None),
        (P1, None),
    ],
)
def test_parse_byline(line, expected):
    credit = parse_byline(line)
    assert (credit.person if credit else None) == expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (BIO, BIO_AUTHOR),
        ("ليلى الشامي صحفية في موقع الخبر، تغطي الشؤون العربية.", "ليلى الشامي"),
        ("من جهته علق المتحدث على القرار في مؤتمر صحفي.", None),
        (P1, None),
    ],
)
def test_parse_bio(paragraph, expected):
    assert parse_bio(paragraph) == expected


@pytest.mark.parametrize("data", [b"", b"\n\n", "\u00a0\n \n".encode("utf-8"), b"\xef\xbb\xbf"])
def test_empty_seed_raises(data):
    with pytest.raises(SeedError):
        parse_seed(decode(data)[0])


@pytest.mark.parametrize(
    "text",
    [f"{TITLE}\n", f"{TITLE}", f"{TITLE}\n\n{TITLE}\n", f"{TITLE}\nكتب: أحمد عبد الله\n"],
)
def test_headline_only_raises(text):
    with pytest.raises(SeedError) as info:
        parse_seed(text)
    assert info.value.line == 1


def test_windows_1256_decodes_with_warning():
    data = f"{TITLE}\r\n\r\n{P1}\r\n".replace("“", '"').replace("”", '"').encode("cp1256")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text, warning = decode(data)
    assert warning is not None and "Windows-1256" in warning
    parsed = parse_seed(text)
    assert parsed.title == TITLE
    assert texts(parsed) == [P1]


def test_utf8_has_no_warning():
    assert decode(f"{TITLE}\n{P1}".encode("utf-8")) == (f"{TITLE}\n{P1}", None)


@pytest.mark.parametrize("data", [b"\x00", b"abc\x00def", TITLE.encode("utf-8") + b"\n\x00\x01\x02"])
def test_nul_bytes_raise(data):
    with pytest.raises(SeedError):
        decode(data)


def test_decode_nfc_normalises():
    decomposed = "\u0627\u0653"  # alef + maddah above, NFC: U+0622
    assert decode(decomposed.encode("utf-8"))[0] == "\u0622"
