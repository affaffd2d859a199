"""Quantities in news text, with their qualifier and unit, for suggesting figures.

"30–40%" is a range of 30 to 40 percent; "USD 250 million" is 250000000 USD; "up to 14 hours a day"
is at most 14 hours a day; "approximately 35,000 barrels of oil per day" is approximately 35000 barrels
per day; "more than 50 Venezuelan soldiers" is at least 50 soldiers; "thousands of doctors" is at least
1000 doctors. Dates, years, times and ordinals are not figures. Every figure's quote is the text's own
slice: text[start:end] == quote.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class FoundFigure:
    start: int
    end: int
    quote: str
    value: Decimal
    value_max: Decimal | None
    qualifier: str  # exact, approximately, at_least, at_most or range
    unit: str
    score: float


QUALIFIERS = {
    "approximately": "approximately", "about": "approximately", "around": "approximately",
    "nearly": "approximately", "almost": "approximately", "roughly": "approximately", "some": "approximately",
    "an estimated": "approximately", "close to": "approximately", "estimated": "approximately",
    "more than": "at_least", "over": "at_least", "at least": "at_least", "upwards of": "at_least",
    "in excess of": "at_least", "no fewer than": "at_least",
    "up to": "at_most", "at most": "at_most", "no more than": "at_most", "fewer than": "at_most",
    "less than": "at_most", "under": "at_most", "as many as": "at_most",
}  # fmt: skip
QUALIFIER = r"\b(?P<qualifier>" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True)) + r")\s+"
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
SCALE = r"(?:\s+(?P<scale{n}>thousand|million|billion|trillion)\b)?"
# 35,000 · 1.5 · 1,800,000 · 7.2 — a number not glued to letters ("G7", "COVID-19").
NUMBER = r"(?<![\w.,/:{dash}])(?P<n{n}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w/:]|,\d|\.\d)"
CURRENCY_BEFORE = {"usd": "USD", "us$": "USD", "$": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP"}
CURRENCY_AFTER = {"dollars": "USD", "us dollars": "USD", "euros": "EUR", "pounds": "GBP"}
CURRENCY = r"(?P<currency{n}>US\$|USD\s?|EUR\s?|GBP\s?|\$|€|£)"
DASH = r"\s*(?:–|—|-|to)\s*"
PERCENT = r"(?P<percent>\s?%|\s+per\s?cent\b|\s+percent\b)"
# The unit after the number: "barrels per day", "hours a day", "Venezuelan soldiers", "medical offices".
RATE = r"(?:\s+(?:a|per)\s+(?:day|year|month|week|hour|person|capita))"
# Words between the number and its noun: capitalised ones ("Venezuelan"), or lower-case ones that are
# neither function words nor past-tense verbs ("medical", not "the" or "thronged").
# (Case-sensitive inside a pattern compiled with re.I.)
FUNCTION_WORDS = r"(?:the|a|an|of|to|and|or|in|on|at|for|from|by|with|was|were|had|has|have|are|is)\b"
MODIFIER = rf"(?-i:[A-ZÁÉÍÓÚÑ][\w’'-]+|(?!{FUNCTION_WORDS})[a-z][\w-]*(?<!ed))"
UNIT = (
    rf"(?P<unit>(?:{MODIFIER}\s+){{0,2}}?(?P<noun>[a-z][\w-]*s|people|personnel|staff|"
    # "police" counts people unless a noun follows it ("police officers")
    r"police(?!\s+[a-z]+s\b)|cattle|per\s?cent|kilometres|kilometers|miles)\b(?:\s+of\s+[\w\s-]{1,30}?(?=\s+per\s+day))?"
    + RATE
    + r"?)"
)
FIGURE = re.compile(
    rf"(?:{QUALIFIER})?(?:between\s+)?{CURRENCY.format(n=1)}?{NUMBER.format(n=1, dash='-')}{SCALE.format(n=1)}"
    # "between 80% and 95%": the first bound may carry its own percent sign
    rf"(?:(?:\s?%)?(?:{DASH}|\s+and\s+){CURRENCY.format(n=2)}?{NUMBER.format(n=2, dash='')}{SCALE.format(n=2)})?"
    rf"(?:{PERCENT}|\s+(?P<after>us dollars|dollars|euros|pounds)\b|-(?P<span>year|day|month|hour|week)s?\b|"
    rf"\s+{UNIT})?",
    re.I,
)
WORDS = re.compile(
    rf"(?:{QUALIFIER})?\b(?P<word>a dozen|dozens|hundreds of thousands|hundreds|thousands|tens of thousands|"
    rf"millions)\s+(?:of\s+)?{UNIT}",
    re.I,
)
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
SPELLED_MIN = 10
SPELLED = re.compile(
    rf"(?:{QUALIFIER})?\b(?P<word>{'|'.join(NUMBER_WORDS)})(?:\s+(?P<scale>thousand|million|billion))?\s+{UNIT}",
    re.I,
)
WORD_VALUES = {
    "a dozen": (12, "approximately"), "dozens": (24, "at_least"), "hundreds": (100, "at_least"),
    "thousands": (1_000, "at_least"), "tens of thousands": (10_000, "at_least"),
    "hundreds of thousands": (100_000, "at_least"), "millions": (1_000_000, "at_least"),
}  # fmt: skip
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
NOT_A_FIGURE_BEFORE = re.compile(rf"(?:{MONTHS}|article|section|page|no\.|number|chapter|room|route|line)\s*$", re.I)
NOT_A_FIGURE_AFTER = re.compile(rf"^\s*(?:{MONTHS}|st\b|nd\b|rd\b|th\b|am\b|pm\b|a\.m\.|p\.m\.)", re.I)
UNIT_NOT_NOUNS = {"this", "his", "its", "was", "has", "is", "us", "as"}


def _number(text: str | None, scale: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    value = value * SCALES[scale.lower()] if scale else value
    return value.to_integral_value() if value == value.to_integral_value() else value


def _is_a_date(match, text) -> bool:
    before = text[max(0, match.start("n1") - 12) : match.start("n1")]
    after = text[match.end("n1") : match.end("n1") + 6]
    if NOT_A_FIGURE_BEFORE.search(before) or NOT_A_FIGURE_AFTER.match(after):
        return True
    plain = match.group("n1")
    year = plain.isdigit() and len(plain) == 4 and 1800 <= int(plain) <= 2100
    # A year alone, "2005–2019", "the 2000 accord" or "In 2000 both nations…", unless a counted noun
    # follows it with no preposition before ("2000 doctors").
    if year and re.search(r"\b(?:in|since|by|from|until|of|after|before)\s+$", before, re.I):
        return True
    return year and not (match.group("noun") and match.group("noun").lower() not in UNIT_NOT_NOUNS)


def find_figures(text: str) -> list[FoundFigure]:
    found = []
    for match in FIGURE.finditer(text):
        if _is_a_date(match, text):
            continue
        value = _number(match.group("n1"), match.group("scale1"))
        upper = _number(match.group("n2"), match.group("scale2") or match.group("scale1"))
        if value is None:
            continue
        if upper is not None and match.group("scale2") and not match.group("scale1"):
            value = _number(match.group("n1"), match.group("scale2"))  # "2 to 3 million": both in millions
        currency = (match.group("currency1") or match.group("currency2") or "").strip().lower()
        if match.group("percent"):
            unit, score = "percent", 0.9
        elif currency or match.group("after"):
            unit, score = CURRENCY_BEFORE.get(currency) or CURRENCY_AFTER[match.group("after").lower()], 0.9
        elif match.group("span"):
            unit, score = f"{match.group('span').lower()}s", 0.8
        elif match.group("noun") and match.group("noun").lower() not in UNIT_NOT_NOUNS:
            unit, score = _unit(match), 0.7
        else:
            continue  # a bare number says too little to be worth an editor's click
        qualifier = QUALIFIERS.get((match.group("qualifier") or "").lower(), "exact")
        if upper is not None:
            if upper <= value:
                continue
            qualifier = "range"
        start, end = match.start(), match.end()
        if unit in ("USD", "EUR", "GBP") and not match.group("after"):
            # "USD 250 million in loans": the amount is the figure, the words after it are not its unit.
            end = max(match.end(g) for g in ("n1", "scale1", "n2", "scale2") if match.group(g))
        found.append(FoundFigure(start, end, text[start:end], value, upper, qualifier, unit, score))
    for match in WORDS.finditer(text):
        value, qualifier = WORD_VALUES[match.group("word").lower()]
        if match.group("qualifier"):
            qualifier = QUALIFIERS[match.group("qualifier").lower()]
        start, end = match.start(), match.end()
        found.append(FoundFigure(start, end, text[start:end], Decimal(value), None, qualifier, _unit(match), 0.5))
    for match in SPELLED.finditer(text):
        value = NUMBER_WORDS[match.group("word").lower()] * SCALES.get((match.group("scale") or "").lower(), 1)
        if value < SPELLED_MIN:
            continue  # "two nations", "three key indicators": a few things named, not a statistic
        qualifier = QUALIFIERS.get((match.group("qualifier") or "").lower(), "exact")
        start, end = match.start(), match.end()
        found.append(FoundFigure(start, end, text[start:end], Decimal(value), None, qualifier, _unit(match), 0.5))
    kept: list[FoundFigure] = []
    for figure in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if not kept or figure.start >= kept[-1].end:
            kept.append(figure)
    return kept


def _unit(match) -> str:
    """The counted noun with its rate ("barrels per day", "hours a day"), adjectives left out."""
    noun = match.group("noun").lower()
    rate = re.search(RATE + "$", match.group("unit"), re.I)
    noun = "percent" if noun.replace(" ", "") == "percent" else noun
    return f"{noun}{' ' + ' '.join(rate.group().split()) if rate else ''}"[:50]
