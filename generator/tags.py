"""Tag extraction from Arabic news text: 2 to 6 tags in their surface form.

Candidates are words and two-word phrases (``قطاع غزة``, ``مجلس الأمن``) that
occur in the article without an attached clitic (``و``, ``ف``, ``ب``, ``ل``,
``ك``, ``ال``): ``وغزة``, ``بغزة`` and ``لغزة`` count as occurrences of ``غزة``
when the bare word occurs too, but a word is never proposed with its prefix.
Stopwords come from stopwords-iso (MIT) plus a short list of newsroom words
(reporting verbs, days, months, words such as ``يجب`` or ``يتم``). Identity is the folded key of
:func:`generator.arabic.fold`; the display form is the one used most, without
harakat or tatweel.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .arabic import fold, strip_marks

_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a\u064b-\u065f\u0670\u0640\u0671-\u06d3]+")
#: Proclitics, longest first. A token that starts with one of them is an
#: occurrence of the rest when the rest also occurs on its own.
CLITICS = ("وبال", "وكال", "وللل", "فبال", "وال", "بال", "فال", "كال", "ولل", "لل", "وب", "ول", "وك", "فب", "فل", "ال", "و", "ف", "ب", "ل", "ك")
_BARE_CLITICS = frozenset(CLITICS)
_CLITICS_BY_START = {start: tuple(c for c in CLITICS if c[0] == start) for start in {c[0] for c in CLITICS}}
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
شخص أشخاص جديد جديدة كبير كبيرة أول أولى ثاني ثانية آخر أخرى آخرون آخرين آخرى أواخر الآن وقت مرة مرات
مسؤول مسؤولة مسؤولون مصدر مصادر بيان تصريح تصريحات رئيس وزير عدد جانب إطار ضمن حول
عمل أعمال دول دولة شركة شركات محمد أحمد علي عبد حالة حالات نحو أكبر كبرى مجموعة فترة مرحلة
يجب ينبغي يمكن يتم تم يوميا يومي يومية يومين أسبوع أسابيع شيء أشياء أمر أمور طريقة إضافة بإضافة مستوى
بشكل نتيجة بسبب بند بنود يستخدم تستخدم يصل تصل يظهر تظهر تعرض تعرضت يسعى تسعى تابعة تمكن يتمكن
أثناء تماما أدى أدت يؤدي تؤدي أريد نريد يريد تريد أجرى أجرت أجريت يجري تجري
خاصة موقع دور اسم قصة قطعة حكم
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


_LETTER_RE = re.compile("[\u0621-\u064a]")


def tokens(text: str) -> list[str]:
    """Arabic word tokens of ``text``, marks and tatweel removed, in order."""
    return [_stripped(t) for t in _WORD_RE.findall(text)]


# A word recurs across the articles of a conversion: its stripped and folded forms are
# kept (a few MB for the vocabulary of a large archive; 2,000 articles convert in half the time).
_stripped = lru_cache(maxsize=1 << 17)(strip_marks)
_folded = lru_cache(maxsize=1 << 17)(fold)


@dataclass(frozen=True)
class Candidates:
    """Tag candidates of one article: folded key -> weighted ``score`` (headline
    occurrences count three), raw ``count`` and surface ``forms`` seen."""

    score: dict[str, int]
    count: dict[str, int]
    forms: dict[str, Counter]

    def keys(self) -> list[str]:
        """The keys that can become tags (phrases seen at least twice, words)."""
        return [k for k in self.score if k in self.forms and (" " not in k or self.count[k] >= 2)]


def candidates(title: str, paragraphs: list[str]) -> Candidates:
    """Find the tag candidates of an article (see the module docstring)."""
    stop = stopwords()
    sequences = [tokens(title)] + [tokens(p) for p in paragraphs]
    folded = {t: _folded(t) for sequence in sequences for t in sequence}
    fold_ = folded.__getitem__
    bare = set(folded.values())
    bases: dict[str, str | None] = {}

    def base(token: str) -> str | None:
        if token not in bases:
            bases[token] = _base(token)
        return bases[token]

    def _base(token: str) -> str | None:
        """The folded key a token counts for, or None when it can be no tag."""
        key = fold_(token)
        for clitic in _CLITICS_BY_START.get(key[:1], ()):  # in the order of CLITICS
            if key.startswith(clitic):
                rest = key[len(clitic):]
                if len(rest) >= 2 and rest in bare and not rest.startswith("ال"):
                    key = rest
                    break
        else:
            if looks_prefixed(key) or (key[:1] in "وفبلك" and key[1:] in stop):
                return None
        if len(key) < 3 or key in stop or key in _BARE_CLITICS or not _LETTER_RE.search(key):
            return None  # a clitic alone is what is left of بالـBOM, والـCSS
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
            if fold_(token) == key:
                forms.setdefault(key, Counter())[token] += 1
            score[key] += weight
            count[key] += 1
            if position + 1 < len(sequence):
                second = sequence[position + 1]
                second_key = fold_(second)
                if fold_(token) != key or len(second_key) < 3 or second_key in stop or second_key == key:
                    continue
                if not second_key.startswith("ال") and (
                    looks_prefixed(second_key) or (second_key[:1] in "وفبلك" and second_key[1:] in bare)
                ):
                    continue
                pair = f"{key} {second_key}"
                forms.setdefault(pair, Counter())[f"{token} {second}"] += 1
                score[pair] += weight
                count[pair] += 1
    return Candidates(dict(score), dict(count), forms)


def choose(found: Candidates, df: dict[str, int] | None = None, documents: int = 0,
           most: int = 6, least: int = 2, used=None) -> list[str]:
    """Choose between ``least`` and ``most`` tags (fewer only when there are fewer
    candidates), best first, each in its most-used surface form.

    Without site statistics the score is the frequency in the article (headline
    occurrences count three). With ``df`` (key -> number of the site's
    ``documents`` whose candidates include it) the score is weighted by
    inverse document frequency, ``log(documents / df)``, and a key no other
    article has is taken only to reach ``least``: tags are for browsing
    related articles, so a tag that can never be shared is worth little.
    With ``used`` (a function: folded tag -> number of *other* articles that
    have it as a tag), only tags in use elsewhere are taken beyond ``least``.
    """
    keys = found.keys()
    score, count = found.score, found.count
    # A phrase that occurs often enough replaces its first word when the word
    # mostly occurs inside it ("قطاع" in "قطاع غزة").
    dropped = {p.split(" ")[0] for p in keys if " " in p and count[p] * 2 >= count[p.split(" ")[0]]}
    keys = [k for k in keys if k not in dropped]
    use_df = bool(df) and documents >= 10

    def weight(key: str) -> float:
        if not use_df:
            return float(score[key])
        return score[key] * math.log((documents + 1) / max(df.get(key, 1), 1))

    def shared(key: str) -> bool:
        if used is not None:
            return used(key) >= 1
        return not use_df or df.get(key, 1) >= 2

    ranked = sorted(keys, key=lambda k: (-weight(k), -count[k], k))
    good = [k for k in ranked if count[k] >= 2 and shared(k)]
    chosen: list[str] = []
    for key in good + ranked:
        if len(chosen) >= most or (len(chosen) >= least and key not in good):
            break
        if key in chosen or (" " in key and any(_overlap(key, c) for c in chosen)):
            continue
        chosen.append(key)
    return [_most_used(found.forms[k]) for k in chosen]


def choose_all(found: list[Candidates], df: dict[str, int], documents: int,
               others: dict[str, int] | None = None, most: int = 6, least: int = 2) -> list[list[str]]:
    """Choose the tags of many articles together, so that they share tags.

    A first pass chooses each article's tags by site-wide weighting (``df``
    over ``documents``, see :func:`choose`); the second chooses again, taking
    beyond ``least`` only tags that some other article has, in the first pass
    or in ``others`` (folded tag -> number of articles already on the site
    with it). Deterministic: the result does not depend on the order of ``found``.
    """
    first = [[fold(t) for t in choose(item, df, documents, most, least)] for item in found]
    usage: Counter = Counter(others or {})
    for keys in first:
        usage.update(set(keys))
    out = []
    for item, mine in zip(found, first):
        out.append(choose(item, df, documents, most, least,
                          lambda key, mine=set(mine): usage.get(key, 0) - (key in mine)))
    return out


def extract_tags(title: str, paragraphs: list[str], most: int = 6, least: int = 2,
                 df: dict[str, int] | None = None, documents: int = 0) -> list[str]:
    """Return between ``least`` and ``most`` tags for an article in their surface
    form (see :func:`candidates` and :func:`choose`)."""
    return choose(candidates(title, paragraphs), df, documents, most, least)


def _overlap(phrase: str, other: str) -> bool:
    return " " in other and bool(set(phrase.split(" ")) & set(other.split(" ")))


def _most_used(forms: Counter) -> str:
    return sorted(forms.items(), key=lambda item: (-item[1], item[0]))[0][0]
