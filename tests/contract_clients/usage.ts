// What a researcher and an editor do, through openapi-fetch over the types openapi-typescript
// generated from the served schema (./schema.d.ts, written beside this file by
// tests/test_contract_clients.py, which type-checks it with `tsc --strict`). No casts: every answer
// is narrowed by the type the schema declares for it.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Article = components["schemas"]["Article"];
type ETag = paths["/api/v1/people/{slug}/"]["get"]["responses"][200]["headers"]["ETag"];

function check(condition: boolean, message: string): void {
  if (!condition) {
    throw new Error(`usage.ts: ${message}`);
  }
}

function cursorOf(link: string | null): string | null {
  return link === null ? null : new URL(link).searchParams.get("cursor");
}

export async function researcher(baseUrl: string, key: string): Promise<void> {
  // Bearer, as generated clients send by default.
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });

  // By person, OR within the parameter (repeated), two ordering keys, and a date range.
  const listed = await client.GET("/api/v1/articles/", {
    params: {
      query: {
        person: ["fidel-castro", "hugo-chavez"],
        ordering: ["-published", "id"],
        published_after: "2000-01-01",
        published_before: "2026-12-31",
        page_size: 2,
      },
    },
  });
  if (listed.data === undefined) {
    throw new Error(`the list: ${listed.response.status} ${JSON.stringify(listed.error)}`);
  }
  const titles: string[] = listed.data.results.map((article: Article) => article.title);
  check(titles.every((title) => title.length > 0), "titles");

  // Page the whole list by cursor, following `next`.
  const ids: number[] = [];
  let cursor: string | null = "";
  while (cursor !== null) {
    const page = await client.GET("/api/v1/articles/", { params: { query: { cursor, page_size: 2 } } });
    if (page.data === undefined) {
      throw new Error(`a cursor page: ${JSON.stringify(page.error)}`);
    }
    ids.push(...page.data.results.map((article) => article.id));
    cursor = cursorOf(page.data.next);
  }

  // Facets, and a variant spelling.
  const faceted = await client.GET("/api/v1/articles/", { params: { query: { facets: ["person"], page_size: 1 } } });
  const buckets = faceted.data?.facets?.person?.buckets ?? [];
  check(buckets.length > 0 && buckets[0].count > 0, "person buckets");
  const people = await client.GET("/api/v1/people/", { params: { query: { search: "diaz canel" } } });
  check(people.data?.results.some((person) => person.slug === "miguel-diaz-canel") ?? false, "variant spelling");

  // A detail with its evidence.
  const detail = await client.GET("/api/v1/articles/{id}/", { params: { path: { id: ids[0] } } });
  if (detail.data !== undefined) {
    const article = detail.data;
    for (const mention of article.person_mentions) {
      const text = mention.field === "title" ? article.title : article.body;
      check(Array.from(text).slice(mention.start, mention.end).join("") === mention.quote, `mention ${mention.id}`);
    }
  }

  // Compare, both forms: a summary per metric, then one metric's figures.
  const summaries = await client.GET("/api/v1/figures/compare/");
  if (summaries.data === undefined || "metrics" in summaries.data) {
    throw new Error("compare without a metric lists the metrics");
  }
  const metric = summaries.data.results[0].metric;
  const compared = await client.GET("/api/v1/figures/compare/", { params: { query: { metric: [metric] } } });
  if (compared.data !== undefined && "metrics" in compared.data) {
    const spread: number[] = compared.data.results.map((figure) => figure.value);
    check(spread.length > 0, "figures side by side");
  }

  // History.
  const history = await client.GET("/api/v1/articles/{id}/history/", { params: { path: { id: ids[0] } } });
  check((history.data?.results ?? []).every((entry) => entry.changes.length >= 0), "history");

  // Downloads: CSV and NDJSON as text, JSON-LD as JSON.
  const table = await client.GET("/api/v1/articles/export/csv/", { parseAs: "text" });
  const csv: string = table.data ?? "";
  const lines = await client.GET("/api/v1/articles/export/ndjson/", {
    params: { query: { fields: ["id", "title", "body"] } },
    parseAs: "text",
  });
  const texts: unknown[] = (lines.data ?? "").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
  const graph = await client.GET("/api/v1/articles/export/jsonld/");
  check(csv.length > 0 && texts.length > 0 && graph.data !== undefined, "downloads");
}

export async function editor(baseUrl: string, key: string): Promise<void> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });
  const path = { slug: "fidel-castro" };

  // PATCH with If-Match from the declared ETag; a stale one is a 412 whose message is typed.
  const read = await client.GET("/api/v1/people/{slug}/", { params: { path } });
  const etag: ETag = read.response.headers.get("ETag") ?? "";
  const changed = await client.PATCH("/api/v1/people/{slug}/", {
    params: { path, header: { "If-Match": etag } },
    body: { description: `Cuban revolutionary (checked ${new Date().toISOString()}).` },
  });
  check(changed.response.status === 200, "PATCH with the current ETag");
  const stale = await client.PATCH("/api/v1/people/{slug}/", {
    params: { path, header: { "If-Match": etag } },
    body: { description: "x" },
  });
  if (stale.error !== undefined) {
    const message: string | undefined = stale.error.detail;
    check(stale.response.status === 412 && (message ?? "").includes("changed since"), "the 412's message");
  }

  // A 400's per-field errors through the typed error.
  const refused = await client.POST("/api/v1/figures/", {
    body: { article: 1, label: "x", value: 1, unit: "people", metric: "x", quote: "not in the body" },
  });
  if (refused.error !== undefined && "quote" in refused.error) {
    const messages = refused.error["quote"];
    check(Array.isArray(messages) && messages.length > 0, "the quote's messages");
  }
}
