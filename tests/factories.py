"""Hand-made records for the API tests, with evidence located, not typed."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from articles.evidence import locate
from articles.models import Article, Event, EventMention, Figure, Outlet, Person, PersonMention

BODY_GRANMA = (
    "Hugo Chávez landed in Havana in December 1994. "
    "“Don't quit, don't resign,” Fidel Castro told him. "
    "Venezuela sends about 35,000 barrels of oil per day. "
    "Between 2005 and 2019 PetroCaribe shipped oil. By Ana Pérez."
)
BODY_TELESUR = (
    "Delci Rodrigues spoke after the attack of 3 January 2026, in which 32 Cubans died. "
    "The programme supplied 30-40% of Cuba's needs. Chavez was remembered."
)
BODY_COPY = BODY_GRANMA.replace("Don't", "Dont")


@dataclass
class Sample:
    outlets: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)
    articles: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)


def span(article, quote, occurrence=1):
    found = locate(article.body, quote, occurrence)
    assert found, f"{quote!r} not in article {article.title!r}"
    return {"quote": quote, "start": found[0], "end": found[1]}


def mention(article, person, quote, role=PersonMention.Role.MENTIONED):
    return PersonMention.objects.create(article=article, person=person, role=role, **span(article, quote))


def build_sample() -> Sample:
    s = Sample()
    s.outlets["granma"] = Outlet.objects.create(name="Granma", slug="granma", kind="party_press", country="CU")
    s.outlets["telesur"] = Outlet.objects.create(
        name="teleSUR English", slug="telesur", kind="broadcaster", country="VE", homepage="https://example.org/"
    )
    s.people["chavez"] = Person.objects.create(
        name="Hugo Chávez", slug="hugo-chavez", aliases=["Chavez"], description="President of Venezuela"
    )
    s.people["castro"] = Person.objects.create(name="Fidel Castro", slug="fidel-castro")
    s.people["rodriguez"] = Person.objects.create(
        name="Delcy Rodríguez", slug="delcy-rodriguez", aliases=["Delci Rodrigues"]
    )
    s.people["perez"] = Person.objects.create(name="Ana Pérez", slug="ana-perez", description="Journalist")
    s.events["landing"] = Event.objects.create(
        name="Landing at Machurucuto",
        slug="machurucuto",
        kind="invasion",
        start=datetime.date(1967, 1, 1),
        precision="year",
    )
    s.events["meeting"] = Event.objects.create(
        name="Chávez meets Castro in Havana",
        slug="havana-1994",
        kind="meeting",
        start=datetime.date(1994, 12, 1),
        precision="month",
        location="Havana",
    )
    s.events["meeting"].participants.set([s.people["chavez"], s.people["castro"]])
    s.events["petrocaribe"] = Event.objects.create(
        name="PetroCaribe shipments",
        slug="petrocaribe",
        kind="programme",
        start=datetime.date(2005, 1, 1),
        end=datetime.date(2019, 12, 31),
        precision="year",
    )
    s.events["attack"] = Event.objects.create(
        name="US attack on Caracas",
        slug="attack-2026",
        kind="attack",
        start=datetime.date(2026, 1, 3),
        precision="day",
    )
    s.events["attack"].participants.set([s.people["rodriguez"]])

    granma = s.articles["granma"] = Article.objects.create(
        outlet=s.outlets["granma"],
        title="Chávez in Havana",
        summary="A meeting",
        body=BODY_GRANMA,
        source_document="granma.txt",
        source_text="raw granma",
        published=datetime.date(2026, 1, 16),
        published_precision="day",
    )
    telesur = s.articles["telesur"] = Article.objects.create(
        outlet=s.outlets["telesur"],
        title="After the attack",
        body=BODY_TELESUR,
        source_document="telesur.txt",
        source_text="raw telesur",
        published=datetime.date(2026, 1, 13),
        published_precision="day",
        published_time=datetime.time(13, 32),
        language="es",
    )
    s.articles["copy"] = Article.objects.create(
        title="Chávez in Havana (copy)",
        body=BODY_COPY,
        source_document="copy.txt",
        source_text="raw copy",
        original=granma,
    )
    mention(granma, s.people["chavez"], "Hugo Chávez")
    mention(granma, s.people["castro"], "“Don't quit, don't resign,”", PersonMention.Role.QUOTED)
    mention(granma, s.people["perez"], "Ana Pérez", PersonMention.Role.AUTHOR)
    mention(telesur, s.people["rodriguez"], "Delci Rodrigues")
    mention(telesur, s.people["chavez"], "Chavez")
    EventMention.objects.create(article=granma, event=s.events["meeting"], **span(granma, "December 1994"))
    EventMention.objects.create(article=granma, event=s.events["petrocaribe"], **span(granma, "Between 2005 and 2019"))
    EventMention.objects.create(article=telesur, event=s.events["attack"], **span(telesur, "3 January 2026"))
    s.figures["oil"] = Figure.objects.create(
        article=granma,
        value=35000,
        qualifier="approximately",
        unit="barrels per day",
        metric="venezuelan-oil-to-cuba",
        label="Venezuelan oil to Cuba",
        **span(granma, "about 35,000 barrels of oil per day"),
    )
    s.figures["share"] = Figure.objects.create(
        article=telesur,
        value=30,
        value_max=40,
        qualifier="range",
        unit="percent",
        metric="venezuelan-oil-share",
        label="Share of Cuba's needs",
        **span(telesur, "30-40%"),
    )
    s.figures["dead"] = Figure.objects.create(
        article=telesur,
        value=32,
        unit="people",
        metric="cubans-killed-3-january",
        label="Cubans killed",
        event=s.events["attack"],
        **span(telesur, "32 Cubans"),
    )
    return s


def build_volume(sample: Sample, articles: int):
    """Articles by every outlet, each with an author, a mention, an event and a figure."""
    outlets = list(sample.outlets.values())
    for n in range(articles):
        body = f"Report {n} by Ana Pérez on the attack of 3 January 2026: {n + 1} ships."
        article = Article.objects.create(
            outlet=outlets[n % len(outlets)],
            title=f"Report {n}",
            body=body,
            source_document=f"report-{n}.txt",
            source_text=body,
            published=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            published_precision="day",
        )
        mention(article, sample.people["perez"], "Ana Pérez", PersonMention.Role.AUTHOR)
        mention(article, sample.people["chavez"], f"Report {n}")
        EventMention.objects.create(article=article, event=sample.events["attack"], **span(article, "3 January 2026"))
        Figure.objects.create(
            article=article,
            value=n + 1,
            unit="ships",
            metric="ships",
            label="Ships",
            event=sample.events["attack"],
            person=sample.people["perez"],
            **span(article, f"{n + 1} ships"),
        )


def assert_spans_hold():
    """Every evidence row in the database equals the slice of its field's text, with its context."""
    from articles.anchoring import context

    checked = 0
    for model in (PersonMention, EventMention, Figure):
        for record in model.objects.select_related("article"):
            text = getattr(record.article, record.field)
            assert text[record.start : record.end] == record.quote, (model.__name__, record.pk, record.quote)
            assert (record.prefix, record.suffix) == context(text, record.start, record.end), (
                model.__name__,
                record.pk,
            )
            checked += 1
    return checked


GULF_PAGE = Path(__file__).parent / "import_pages" / "gulf-courier-ministers.txt"


def gulf_article() -> Article:
    """The Gulf Courier page (a test page, not a seed) as an article, cleaned by hand: its byline
    names a new person, its body known people, quotations, two dated events and four figures."""
    raw = GULF_PAGE.read_text(encoding="utf-8")
    article = Article(
        title="Caracas and Havana pledge fuel swap as blackouts spread",
        byline="By Lucía Herrera",
        body=raw.split("\n\n", 1)[1].split("\n\nMore from")[0],
        source_document=GULF_PAGE.name,
        source_text=raw,
    )
    article.full_clean()
    article.save()
    return article
