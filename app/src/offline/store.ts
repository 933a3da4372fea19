/** What the app keeps on the phone between starts: the merged feed and the queue. */
import type { Schemas } from "../api/client";
import { OfflineQueue, MemoryStore, type KeyValueStore } from "./queue";

function safeStorage(): KeyValueStore {
  try {
    localStorage.setItem("bro.probe", "1");
    localStorage.removeItem("bro.probe");
    return localStorage;
  } catch {
    return new MemoryStore();
  }
}

export const storage = safeStorage();
export const queue = new OfflineQueue(storage);

const FEED_KEY = "bro.feed.v1";

export interface CachedFeed {
  items: Schemas["FeedItem"][];
  since: string | null;
  next: string | null;
}

export function loadFeed(): CachedFeed {
  try {
    const raw = storage.getItem(FEED_KEY);
    if (raw) return JSON.parse(raw) as CachedFeed;
  } catch {
    /* a corrupt cache is an empty one */
  }
  return { items: [], since: null, next: null };
}

export function saveFeed(feed: CachedFeed): void {
  storage.setItem(FEED_KEY, JSON.stringify(feed));
}

/** On logout nothing of the person stays on the phone: storage and the service worker caches. */
export async function forgetEverything(): Promise<void> {
  for (const key of ["bro.feed.v1", "bro.queue.v1", "bro.me", "bro.push.asked"]) {
    localStorage.removeItem(key);
  }
  if ("caches" in self) {
    for (const name of await caches.keys()) if (name.startsWith("bro-api")) await caches.delete(name);
  }
}

/**
 * The person the API says is logged in: when the phone's cache belongs to someone else (a
 * shared phone, a new login over an old one), that cache and queue go first, so nothing of the
 * previous person is shown, or sent under the new person's token.
 */
export async function forgetIfAnotherPerson(personId: number): Promise<void> {
  const cached = localStorage.getItem("bro.me");
  let cachedId: unknown = null;
  try {
    cachedId = cached ? (JSON.parse(cached) as { id?: unknown }).id : null;
  } catch {
    cachedId = undefined; // unreadable: not known to be the same person
  }
  if (cached !== null && cachedId !== personId) await forgetEverything();
}
