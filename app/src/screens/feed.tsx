import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { formatDate, formatDateTime, t, type Key } from "../i18n";
import { mergeFeed, nextSince } from "../offline/feed";
import { loadFeed, saveFeed, type CachedFeed } from "../offline/store";
import { Loading, Problem, Title } from "../ui";

type Item = Schemas["FeedItem"];
const KINDS = ["news", "minutes", "event", "page"] as const;
const MAX_DELTA_PAGES = 20;

/** Fetch what changed since the last sync (or the first page) and merge it into the cache. */
export async function syncFeed(): Promise<CachedFeed> {
  const cached = loadFeed();
  const startedAt = new Date();
  const since = cached.items.length ? cached.since : null;
  let items = cached.items;
  let next = cached.next;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_DELTA_PAGES; page += 1) {
    const { data, error } = await api.GET("/api/v1/feed/", {
      params: { query: { ...(since ? { updated_since: since } : {}), ...(cursor ? { cursor } : {}) } },
    });
    if (error || !data) throw new Error("feed");
    items = mergeFeed(items, data.results, data.removed);
    if (!since) {
      next = data.next; // a full load pages on demand ("Vis flere")
      break;
    }
    if (!data.next) break;
    cursor = new URL(data.next, location.origin).searchParams.get("cursor") ?? undefined;
  }
  const feed = { items, since: nextSince(startedAt), next };
  saveFeed(feed);
  return feed;
}

function Badges({ item }: { item: Item }) {
  return (
    <span class="badges">
      {item.must_read && <span class="badge must">{t("mustRead")}</span>}
      {item.pinned && <span class="badge">{t("pinned")}</span>}
      {!item.is_read && !item.must_read && <span class="badge quiet">{t("unread")}</span>}
    </span>
  );
}

export function Feed({ kind }: { kind: string | null }) {
  const [feed, setFeed] = useState<CachedFeed>(() => loadFeed());
  const [state, setState] = useState<"loading" | "ready" | "failed">(feed.items.length ? "ready" : "loading");

  async function refresh() {
    try {
      setFeed(await syncFeed());
      setState("ready");
    } catch {
      setState(loadFeed().items.length ? "ready" : "failed");
    }
  }

  async function more() {
    if (!feed.next) return;
    const cursor = new URL(feed.next, location.origin).searchParams.get("cursor") ?? undefined;
    const { data } = await api.GET("/api/v1/feed/", { params: { query: { cursor } } });
    if (!data) return;
    const merged = { ...feed, items: mergeFeed(feed.items, data.results, []), next: data.next };
    saveFeed(merged);
    setFeed(merged);
  }

  useEffect(() => {
    void refresh();
  }, []);

  const shown = kind ? feed.items.filter((item) => item.kind === kind) : feed.items;
  return (
    <main id="main">
      <Title>{kind ? t(`kind_${kind}` as Key) : t("feedTitle")}</Title>
      <nav aria-label={t("feedTitle")} class="chips">
        <a href="#/feed" aria-current={kind === null ? "page" : undefined}>
          {t("kindAll")}
        </a>
        {KINDS.map((k) => (
          <a key={k} href={`#/feed?kind=${k}`} aria-current={kind === k ? "page" : undefined}>
            {t(`kind_${k}` as Key)}
          </a>
        ))}
      </nav>
      {state === "loading" && <Loading />}
      {state === "failed" && <Problem message={t("error")} onRetry={refresh} />}
      {state === "ready" && shown.length === 0 && <p class="muted">{t("feedEmpty")}</p>}
      <ul class="cards" aria-labelledby="screen-title">
        {shown.map((item) => (
          <li key={item.id} class={item.must_read ? "card must-read" : "card"} data-post={item.id}>
            <a href={`#/post/${item.id}`}>
              <span class="meta">
                {t(`kind_${item.kind}` as Key)} · {formatDate(item.published_at)}
                {item.unit_name ? ` · ${item.unit_name}` : ""}
              </span>
              <h2>{item.title}</h2>
              {item.kind === "event" && item.starts_at && (
                <span class="meta">
                  {formatDateTime(item.starts_at)}
                  {item.place ? ` · ${item.place}` : ""}
                </span>
              )}
              {item.summary && <p>{item.summary}</p>}
              <Badges item={item} />
            </a>
          </li>
        ))}
      </ul>
      {feed.next && !kind && (
        <button type="button" class="button secondary" onClick={more}>
          {t("loadMore")}
        </button>
      )}
    </main>
  );
}
