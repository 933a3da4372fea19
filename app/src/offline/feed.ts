/**
 * Delta sync of the feed: the app keeps the last feed it saw and asks only for what changed
 * (`updated_since`); the first page of that answer lists in `removed` the posts archived or
 * expired since then. Merging is pure, so Vitest can pin it.
 */

export interface FeedEntry {
  id: number;
  pinned: boolean;
  published_at: string | null;
}

/** The server's order: pinned first, then newest published, then highest id. */
export function feedOrder(a: FeedEntry, b: FeedEntry): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  const at = a.published_at ?? "";
  const bt = b.published_at ?? "";
  if (at !== bt) return at < bt ? 1 : -1;
  return b.id - a.id;
}

/**
 * The cached feed updated by a delta: changed posts replace their old version (or are added),
 * removed ids are dropped, and the result is in feed order.
 */
export function mergeFeed<T extends FeedEntry>(
  cached: readonly T[],
  changed: readonly T[],
  removed: readonly number[],
): T[] {
  const gone = new Set(removed);
  const byId = new Map<number, T>();
  for (const item of cached) if (!gone.has(item.id)) byId.set(item.id, item);
  for (const item of changed) if (!gone.has(item.id)) byId.set(item.id, item);
  return [...byId.values()].sort(feedOrder);
}

/** The `updated_since` to ask with next time: the moment before this request was sent. */
export function nextSince(requestStartedAt: Date, skewSeconds = 60): string {
  // A little overlap absorbs clock skew between phone and server; merging is idempotent.
  return new Date(requestStartedAt.getTime() - skewSeconds * 1000).toISOString();
}
