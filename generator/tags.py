"""Tag extraction from Arabic news text: 2 to 6 tags in their surface form.

Candidates are words and two-word phrases (``قطاع غزة``, ``مجلس الأمن``) that
occur in the article without an attached clitic (``و``, ``ف``, ``ب``, ``ل``,
``ك``, ``ال``): ``وغزة``, ``بغزة`` and ``لغزة`` count as occurrences of ``غزة``
when the bare word occurs too, but a word is never proposed with its prefix.
Stopwords come from stopwords-iso (MIT) plus a short list of newsroom words
(reporting verbs, days, months). Identity is the folded key of
:func:`generator.arabic.fold`; the display form is the one used most, without
harakat or tatweel.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .arabic import fold, strip_marks

_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a\u064b-\u065f\u0670\u0640\u0671-\u06d3]+")
#: Proclitics, longest first. A token that starts with one of them is an
#: occurrence of the rest when the rest also occurs on its own.
CLITICS = ("وبال", "وكال", "وللل", "فبال", "وال", "بال", "فال", "كال", "ولل", "لل", "وب", "ول", "وك", "فب", "فل", "ال", "و", "ف", "ب", "ل", "ك")
#: Newsroom words that are frequent in every article and never make a useful tag.
NEWS_STOPWORDS = """
قال قالت يقول تقول أضاف أضافت يضيف تضيف أكد أكدت يؤكد تؤكد أشار أشارت يشير تشير تابع تابعت
أوضح أوضحت يوضح توضح لفت لفتت مضيفا مضيفة مشيرا مشيرة موضحا موضحة مؤكدا مؤكدة لافتا لافتة
ذكر ذكرت يذكر تذكر أعلن أعلنت يعلن تعلن صرح صرحت بحسب وفق وفقا حسب خلال عبر حيث أمس اليوم غدا
السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة يوم أيام عام أعوام سنة سنوات شهر أشهر
يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين
إن أن كان كانت يكون تكون ليس ليست لدى لكن لكنه إنه أنه أنها إنها هذا هذه ذلك تلك الذي التي الذين
أكثر أقل بعد قبل عند عندما منذ حتى بين أمام خلف نحو حوالي أيضا أيضًا فقط جدا كل بعض غير مثل
مليون ملايين مليار مليارات ألف آلاف مئة مائة نسبة المئة بالمئة دولار دولارات جنيه ريال درهم
شخص أشخاص جديد جديدة كبير كبيرة أول أولى ثاني ثانية آخر أخرى الآن وقت مرة مرات
مسؤول مسؤولة مسؤولون مصدر مصادر بيان تصريح تصريحات رئيس وزير عدد جانب إطار ضمن حول
""".split()


#: Words and names that start with a clitic letter (و ف ب ل ك) and are not a
#: clitic plus a word. Any other such word is read as prefixed ("بذاكرة",
#: "وتبحث") and never proposed as a tag: without a lexicon it cannot be told
#: apart, and a tag with an attached prefix is worse than a missing one.
CLITIC_LOOKALIKES = frozenset(fold(w) for w in """
واشنطن وارسو واتساب ويلز وهران وجدة ووهان ويكيليكس وزير وزيرة وزارة وزراء وكالة ولاية
باريس باكستان بايدن باراك بانكوك باماكو بالي بريطانيا بغداد بيروت برلين بكين بوتين بلجيكا
بولندا بلغاريا بنغلاديش بورما بوركينا بوروندي بيلاروسيا بنما بيرو بوليفيا بنغازي بورتسودان
بنك بنوك برلمان برشلونة بايرن بورصة بترول بنزين بيت بحر بحرين برنامج بيان بطولة
لبنان ليبيا لندن لاهاي لاوس لاتفيا لافروف لاغوس ليفربول لاعب لاعبين لجنة لقاء
فلسطين فرنسا فنزويلا فيتنام فنلندا فانس فاتيكان فالنسيا فيسبوك فيروس فريق فيلم فيضانات فيديو
كوريا كينيا كندا كوبا كولومبيا كرواتيا كابول كاتالونيا كاراكاس كازاخستان كردستان كركوك
كورونا كأس كرة كلية كتاب""".split())


def looks_prefixed(key: str) -> bool:
    """True when folded ``key`` may be a clitic plus a word: ``وقال``, ``باستهداف``,
    ``والحرب``, ``بذاكرة``. Such a word is never proposed as a tag on its own
    (words such as ``واشنطن`` or ``لبنان`` are listed in :data:`CLITIC_LOOKALIKES`).
    """
    if key in CLITIC_LOOKALIKES:
        return False
    if key.startswith(("ال", "لل")):
        return True
    return len(key) > 3 and key[0] in "وفبلك"


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The folded stopword keys: stopwords-iso's Arabic list and :data:`NEWS_STOPWORDS`."""
    import stopwordsiso

    return frozenset(fold(w) for w in stopwordsiso.stopwords("ar")) | frozenset(fold(w) for w in NEWS_STOPWORDS)


def tokens(text: str) -> list[str]:
    """Arabic word tokens of ``text``, marks and tatweel removed, in order."""
    return [strip_marks(t) for t in _WORD_RE.findall(text)]


def extract_tags(title: str, paragraphs: list[str], most: int = 6, least: int = 2) -> list[str]:
    """Return between ``least`` and ``most`` tags for an article (fewer only when
    the text has fewer candidates), best first, in their most-used surface form.

    Scoring: occurrences in the body plus three per occurrence in the headline;
    a candidate needs two occurrences unless it is needed to reach ``least``.
    """
    stop = stopwords()
    title_tokens = tokens(title)
    body_tokens = [t for p in paragraphs for t in tokens(p)]
    sequences = [title_tokens] + [tokens(p) for p in paragraphs]
    all_tokens = title_tokens + body_tokens
    bare = {fold(t) for t in all_tokens}

    def base(token: str) -> str | None:
        """The folded key a token counts for, or None when it can be no tag."""
        key = fold(token)
        for clitic in CLITICS:
            rest = key[len(clitic):]
            if key.startswith(clitic) and len(rest) >= 2 and rest in bare and not rest.startswith("ال"):
                key = rest
                break
        else:
            if looks_prefixed(key) or (key[:1] in "وفبلك" and key[1:] in stop):
                return None
        if len(key) < 3 or key in stop or not re.search("[\u0621-\u064a]", key):
            return None
        return key

    forms: dict[str, Counter] = {}
    score: Counter = Counter()
    count: Counter = Counter()
    for index, sequence in enumerate(sequences):
        weight = 3 if index == 0 else 1
        for position, token in enumerate(sequence):
            key = base(token)
            if key is None:
                continue
            surface = token if fold(token) == key else None
            if surface:
                forms.setdefault(key, Counter())[surface] += 1
            score[key] += weight
            count[key] += 1
            if position + 1 < len(sequence):
                second = sequence[position + 1]
                second_key = fold(second)
                if fold(token) != key or len(second_key) < 3 or second_key in stop or second_key == key:
                    continue
                if not second_key.startswith("ال") and (
                    looks_prefixed(second_key) or (second_key[:1] in "وفبلك" and second_key[1:] in bare)
                ):
                    continue
                pair = f"{key} {second_key}"
                forms.setdefault(pair, Counter())[f"{token} {second}"] += 1
                score[pair] += weight
                count[pair] += 1

    candidates = [k for k in score if k in forms]
    # A phrase that occurs often enough replaces its first word when the word
    # mostly occurs inside it ("قطاع" in "قطاع غزة").
    phrases = [k for k in candidates if " " in k and count[k] >= 2]
    dropped = set()
    for phrase in phrases:
        first = phrase.split(" ")[0]
        if count[phrase] * 2 >= count[first]:
            dropped.add(first)
    single_phrases = {k for k in candidates if " " in k and count[k] < 2}
    ranked = sorted(
        (k for k in candidates if k not in dropped and k not in single_phrases),
        key=lambda k: (-score[k], -count[k], k),
    )
    chosen: list[str] = []
    for key in [k for k in ranked if count[k] >= 2] + ranked:
        if len(chosen) >= most or (len(chosen) >= least and count[key] < 2):
            break
        if key in chosen or (" " in key and any(_overlap(key, c) for c in chosen)):
            continue
        chosen.append(key)
    return [forms[k].most_common(1)[0][0] if len(forms[k]) == 1 else _most_used(forms[k]) for k in chosen]


def _overlap(phrase: str, other: str) -> bool:
    return " " in other and bool(set(phrase.split(" ")) & set(other.split(" ")))


def _most_used(forms: Counter) -> str:
    return sorted(forms.items(), key=lambda item: (-item[1], item[0]))[0][0]
