"""What the clients do: researchers' reads and editors' writes, each request timed and each write remembered.

Every client is a thread with its own HTTP session and its own seeded random choices. Reads walk the
corpus the way the README shows it (lists, details, filters, search, facets). Writes create people and
figures with names no other write uses, and patch people this client created, each write once, so the
reconciliation can tell exactly what every acknowledged write should have left in the database.
"""

import random
import threading
import time
from dataclasses import dataclass

import requests

API = "/api/v1"
REQUEST_TIMEOUT = 35  # seconds: longer than gunicorn's worker timeout, so the server always answers first


@dataclass
class Sample:
    """One request: when it started and ended (monotonic seconds), and how it was answered."""

    started: float
    ended: float
    kind: str  # "read" or "write"
    operation: str
    status: int  # 0: no response (connection refused or reset, timeout)
    error: str = ""
    retry_after: str | None = None


@dataclass
class Write:
    """A write whose effect the reconciliation looks for in the database."""

    operation: str  # "create_person", "create_figure", "patch_person"
    key: str  # the person's slug, or the figure's label
    value: str  # what the write set: the slug, the label, or the patched description
    status: int
    started: float
    ended: float
    response_id: int | None = None

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Catalogue:
    """Keys of the loaded corpus, read once before the load starts."""

    article_ids: list[int]
    person_slugs: list[str]
    event_slugs: list[str]
    outlet_slugs: list[str]
    figure_ids: list[int]
    figures: list[dict]  # full fixture figures: their evidence is reused by created figures
    metrics: list[str]


def read_catalogue(base: str) -> Catalogue:
    def results(path):
        response = requests.get(f"{base}{API}/{path}", timeout=REQUEST_TIMEOUT)
        response.raise_for_status()
        return response.json()["results"]

    figures = results("figures/?page_size=100")
    return Catalogue(
        article_ids=[row["id"] for row in results("articles/?page_size=100&fields=id")],
        person_slugs=[row["slug"] for row in results("people/?page_size=100&fields=slug")],
        event_slugs=[row["slug"] for row in results("events/?page_size=100&fields=slug")],
        outlet_slugs=[row["slug"] for row in results("outlets/?page_size=100&fields=slug")],
        figure_ids=[row["id"] for row in figures],
        figures=figures,
        metrics=sorted({row["metric"] for row in figures}),
    )


SEARCH_TERMS = ["chavez", "castro", "rodrigues", "oil", "blockade", "revolution", "doctors", "havana", "maduro"]


class Client(threading.Thread):
    def __init__(self, number, *, base, token, run_id, catalogue, deadline, write_share, seed, stop):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number = number
        self.base = base
        self.run_id = run_id
        self.catalogue = catalogue
        self.deadline = deadline
        self.write_share = write_share
        self.random = random.Random(f"{seed}-{number}")  # noqa: S311 - a workload, not a secret
        self.stop = stop
        self.samples: list[Sample] = []
        self.writes: list[Write] = []
        self.unpatched: list[str] = []  # people this client created, acknowledged, not patched yet
        self.counter = 0
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self.editor_headers = {"Authorization": f"Token {token}"}

    def run(self):
        reads = [(weight, getattr(self, name)) for name, weight in READS]
        writes = [(weight, getattr(self, name)) for name, weight in WRITES]
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            table = writes if self.random.random() < self.write_share else reads
            operation = self.random.choices([op for _, op in table], weights=[w for w, _ in table])[0]
            operation()

    # One request, timed.

    def request(self, kind, operation, method, path, **kwargs):
        started = time.monotonic()
        status, error, body, retry_after = 0, "", None, None
        try:
            response = self.session.request(method, f"{self.base}{API}/{path}", timeout=REQUEST_TIMEOUT, **kwargs)
            status = response.status_code
            retry_after = response.headers.get("Retry-After")
            if status >= 400:
                error = response.text[:300]
            elif kind == "write":
                body = response.json()
            else:
                response.content  # noqa: B018 - read the whole body: that is part of the latency
        except (requests.RequestException, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        ended = time.monotonic()
        self.samples.append(Sample(started, ended, kind, operation, status, error, retry_after))
        return status, body, started, ended

    def read(self, operation, path):
        self.request("read", operation, "GET", path)

    def pick(self, items):
        return self.random.choice(items)

    # Reads.

    def list_resource(self):
        resource = self.pick(["articles", "people", "events", "figures", "outlets"])
        self.read("list", f"{resource}/?page_size={self.pick([10, 20, 50])}&page=1")

    def detail(self):
        c = self.catalogue
        resource, key = self.pick(
            [
                ("articles", self.pick(c.article_ids)),
                ("people", self.pick(c.person_slugs)),
                ("events", self.pick(c.event_slugs)),
                ("figures", self.pick(c.figure_ids)),
                ("outlets", self.pick(c.outlet_slugs)),
            ]
        )
        self.read("detail", f"{resource}/{key}/")

    def filtered(self):
        c = self.catalogue
        path = self.pick(
            [
                f"articles/?outlet={self.pick(c.outlet_slugs)}",
                f"articles/?person={self.pick(c.person_slugs)}&published_after=2000-01-01",
                f"events/?date_after=1990-01-01&date_before=2020-12-31&person={self.pick(c.person_slugs)}",
                f"figures/?metric={self.pick(c.metrics)}",
                f"figures/?outlet={self.pick(c.outlet_slugs)}&value_min=10",
                "people/?role=quoted&ordering=-article_count",
                "events/?kind=agreement&ordering=start",
            ]
        )
        self.read("filter", path)

    def search(self):
        resource = self.pick(["articles", "people", "events", "figures", "outlets"])
        self.read("search", f"{resource}/?search={self.pick(SEARCH_TERMS)}")

    def facets(self):
        path = self.pick(
            [
                "articles/?facets=outlet,year,person,event&page_size=5",
                "events/?facets=kind,decade,precision&page_size=5",
                "figures/?facets=metric,unit,outlet,qualifier&page_size=5",
                "people/?facets=role,outlet&page_size=5",
            ]
        )
        self.read("facets", path)

    def compare(self):
        self.read("compare", f"figures/compare/?metric={self.pick(self.catalogue.metrics)}")

    # Writes.

    def tag(self):
        self.counter += 1
        return f"{self.run_id}-{self.number}-{self.counter}"

    def write(self, operation, method, path, payload, key, value):
        headers = {**self.editor_headers, "X-Change-Reason": f"make load {operation}"}
        status, body, started, ended = self.request("write", operation, method, path, json=payload, headers=headers)
        record = Write(operation, key, value, status, started, ended, (body or {}).get("id"))
        self.writes.append(record)
        return record

    def create_person(self):
        tag = self.tag()
        slug = f"load-{tag}"
        payload = {"name": f"Load Person {tag}", "slug": slug, "aliases": [f"Load {tag}"], "description": "created"}
        if self.write("create_person", "POST", "people/", payload, slug, slug).acknowledged:
            self.unpatched.append(slug)

    def create_figure(self):
        tag = self.tag()
        source = self.pick(self.catalogue.figures)
        label = f"load {tag}"
        payload = {
            "article": source["article"]["id"],
            "label": label,
            "value": self.random.randint(1, 10_000),
            "qualifier": "exact",
            "unit": source["unit"],
            "metric": f"load-{self.run_id}",
            "quote": source["quote"],
            "start": source["start"],
            "end": source["end"],
        }
        self.write("create_figure", "POST", "figures/", payload, label, label)

    def patch_person(self):
        if not self.unpatched:
            return self.create_person()
        slug = self.unpatched.pop(self.random.randrange(len(self.unpatched)))
        description = f"patched {self.tag()}"
        self.write("patch_person", "PATCH", f"people/{slug}/", {"description": description}, slug, description)


READS = [("list_resource", 25), ("detail", 30), ("filtered", 20), ("search", 15), ("facets", 7), ("compare", 3)]
WRITES = [("create_person", 45), ("create_figure", 25), ("patch_person", 30)]
