"""The cleaner on the unseen pages (tests/unseen_pages): headline, byline and date found, whatever the
site puts above them (a site name over a breadcrumb, a Spanish strapline, a labelled or month-first
date with a time zone), and the copyright and tags lines left out of the body."""

from pathlib import Path

import pytest

from curation.importing import clean

PAGES = Path(__file__).parent / "unseen_pages"


@pytest.mark.parametrize(
    ("page", "title", "byline", "published"),
    [
        ("andes-wire-tankers", "Venezuela to send 12 tankers to Cuba despite US blockade",
         "By Paula Ríos and Martin Keane", "2026-04-14 09:30:00"),
        ("bogota-herald-doctors", "Cuban doctors leave Venezuelan clinics as funding dries up", "By Camila Duarte",
         "2026-05-03 None"),
        ("island-review-column", "Sixty-five years after the Bay of Pigs, the siege goes on", "By Jorge Almeida",
         "2026-04-17 None"),
        ("caribbean-times-power", "Havana rations power as Mexican crude shipment is delayed", "By Sofía Marrero",
         "2026-04-21 14:05:00"),
        ("latam-monitor-maduro", "Maduro's trial opens in New York as Caracas names new cabinet",
         "By Daniel Okafor and Inés Salgado", "2026-05-06 None"),
    ],
)  # fmt: skip
def test_headline_byline_and_date_are_found(page, title, byline, published):
    cleaned, kind = clean((PAGES / f"{page}.txt").read_text(encoding="utf-8"))
    assert (kind, cleaned.title, cleaned.byline) == ("text", title, byline)
    assert (f"{cleaned.published} {cleaned.published_time}", cleaned.published_precision) == (published, "day")
    furniture_kinds = ("©", "All rights reserved", "Tags:", "World > Americas", "Home ›", "Noticias desde", "Related",
                       "• Rubio meets", "Share: Facebook")  # fmt: skip
    for furniture in furniture_kinds:
        assert furniture not in cleaned.body
