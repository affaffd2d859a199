"""curation.figure_parsing on sentences written for these tests (wire copy and other outlets' styles)."""

from decimal import Decimal

import pytest

from curation.figure_parsing import find_figures

FOUND = [
    # sentence, quote, value, value_max, qualifier, unit
    ("Imports cover 30–40% of demand, the ministry said.", "30–40%", "30", "40", "range", "percent"),
    ("Inflation ran at 30-40 percent last year.", "30-40 percent", "30", "40", "range", "percent"),
    (
        "Generation depends on oil for between 80% and 95% of output.",
        "between 80% and 95%",
        "80",
        "95",
        "range",
        "percent",
    ),
    ("The bank approved USD 250 million in credit.", "USD 250 million", "250000000", None, "exact", "USD"),
    ("Pemex will pay $1.2 billion over five years.", "$1.2 billion", "1200000000", None, "exact", "USD"),
    ("Brussels pledged €40 million in aid.", "€40 million", "40000000", None, "exact", "EUR"),
    (
        "A cataract operation costs between 800 and 1,500 dollars.",
        "between 800 and 1,500 dollars",
        "800",
        "1500",
        "range",
        "USD",
    ),
    (
        "Blackouts lasted up to 14 hours a day in Santiago, officials said.",
        "up to 14 hours a day",
        "14",
        None,
        "at_most",
        "hours a day",
    ),
    (
        "Venezuela shipped approximately 35,000 barrels per day.",
        "approximately 35,000 barrels per day",
        "35000",
        None,
        "approximately",
        "barrels per day",
    ),
    (
        "It sent about 28,000 barrels of crude per day in March.",
        "about 28,000 barrels of crude per day",
        "28000",
        None,
        "approximately",
        "barrels per day",
    ),
    (
        "Police detained more than 500 protesters on Sunday.",
        "more than 500 protesters",
        "500",
        None,
        "at_least",
        "protesters",
    ),
    (
        "Nearly 2,000 Cuban doctors left the programme.",
        "Nearly 2,000 Cuban doctors",
        "2000",
        None,
        "approximately",
        "doctors",
    ),
    ("The agency counted 12 tankers waiting off Matanzas.", "12 tankers", "12", None, "exact", "tankers"),
    ("Over 1.5 million people learned to read.", "Over 1.5 million people", "1500000", None, "at_least", "people"),
    (
        "The network handled 1.571 billion consultations.",
        "1.571 billion consultations",
        "1571000000",
        None,
        "exact",
        "consultations",
    ),
    ("No more than 40 buses ran in Havana.", "No more than 40 buses", "40", None, "at_most", "buses"),
    ("Thousands of residents queued for fuel.", "Thousands of residents", "1000", None, "at_least", "residents"),
    ("A dozen police officers guarded the port.", "A dozen police officers", "12", None, "approximately", "officers"),
    (
        "Hundreds of thousands of Venezuelans emigrated.",
        "Hundreds of thousands of Venezuelans",
        "100000",
        None,
        "at_least",
        "venezuelans",
    ),
    ("The 64-year embargo remains.", "64-year", "64", None, "exact", "years"),
    ("Some 2 to 3 million people lack power.", "Some 2 to 3 million people", "2000000", "3000000", "range", "people"),
    ("Two million visitors came in 2025.", "Two million visitors", "2000000", None, "exact", "visitors"),
]


@pytest.mark.parametrize(("sentence", "quote", "value", "value_max", "qualifier", "unit"), FOUND)
def test_a_figure_is_parsed_with_its_qualifier_and_unit(sentence, quote, value, value_max, qualifier, unit):
    figures = find_figures(sentence)
    assert [f.quote for f in figures] == [quote]
    figure = figures[0]
    assert figure.value == Decimal(value)
    assert figure.value_max == (Decimal(value_max) if value_max else None)
    assert (figure.qualifier, figure.unit) == (qualifier, unit)


@pytest.mark.parametrize(
    "sentence",
    [
        "The talks were held on 3 January 2026 in Caracas.",
        "In 1961 the invasion failed.",
        "PetroCaribe ran from 2005–2019.",
        "The 2000 accord is still in force.",
        "The meeting starts at 10:30 on the 3rd floor.",
        "COVID-19 closed the G7 summit.",
        "Article 5 of the treaty applies.",
        "Call +53 7 555 1234 for details.",
        "The two nations signed three agreements.",
    ],
)
def test_dates_years_times_ordinals_and_small_spelled_counts_are_not_figures(sentence):
    assert find_figures(sentence) == []


def test_every_quote_is_the_texts_own_slice():
    text = " ".join(sentence for sentence, *_ in FOUND)
    figures = find_figures(text)
    assert len(figures) == len(FOUND)
    for figure in figures:
        assert text[figure.start : figure.end] == figure.quote
