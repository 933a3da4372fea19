/// <reference lib="webworker" />
/**
 * The app's service worker (scope /app/). It keeps:
 * - the app shell (index.html and its hashed assets): served from the cache, refreshed online;
 * - the API answers the person has opened — the feed, posts (must-reads), journey and steps,
 *   profile: network first, the last answer when there is no network.
 * Writes (acknowledge, complete a step) are never cached: the page queues them offline
 * (src/offline/queue.ts) and replays them when the phone is back online.
 * Push messages show a notification that opens the right screen.
 */
export {};
declare const self: ServiceWorkerGlobalScope;

const SHELL = "bro-shell-v1";
const API = "bro-api-v1";
const CACHED_API = [
  /^\/api\/v1\/feed\/$/,
  /^\/api\/v1\/posts\/\d+\/$/,
  /^\/api\/v1\/onboarding\/my-journey\/$/,
  /^\/api\/v1\/onboarding\/steps\/\d+\/$/,
  /^\/api\/v1\/me\/$/,
  /^\/api\/v1\/push\/preferences\/$/,
];

async function cacheShell(): Promise<void> {
  const cache = await caches.open(SHELL);
  const response = await fetch("/app/", { cache: "no-cache" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put("/app/", response);
  const assets = [...html.matchAll(/(?:src|href)="(\/app\/[^"]+)"/g)].map((match) => match[1]!);
  await cache.addAll(assets);
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("bro-") && name !== SHELL && name !== API) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function networkFirst(request: Request, cacheName: string, key: string | Request): Promise<Response> {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key, { ignoreVary: true, ignoreSearch: false });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/app/") {
    event.respondWith(networkFirst(request, SHELL, "/app/"));
  } else if (url.pathname.startsWith("/app/assets/")) {
    event.respondWith(cacheFirst(request));
  } else if (CACHED_API.some((pattern) => pattern.test(url.pathname))) {
    // The feed's delta requests (updated_since) are small and not worth keeping; its full
    // first page is kept under its plain URL.
    const key = url.pathname === "/api/v1/feed/" && url.search ? null : url.pathname + url.search;
    if (key === null) return;
    event.respondWith(networkFirst(request, API, key));
  }
});

interface PushPayload {
  notification?: { title?: string; body?: string };
  data?: Record<string, string>;
}

function target(data: Record<string, string>): string {
  if (data.alert_id) return `/app/#/alert/${data.alert_id}`;
  if (data.post_id) return `/app/#/post/${data.post_id}`;
  if (data.step_id) return `/app/#/step/${data.step_id}`;
  if (data.wave_id) return `/app/#/survey/${data.wave_id}`;
  if (data.journey_id) return "/app/#/journey";
  if (data.type === "question_answer") return "/app/#/ask";
  return "/app/#/inbox";
}

self.addEventListener("push", (event) => {
  let payload: PushPayload = {};
  try {
    payload = (event.data?.json() ?? {}) as PushPayload;
  } catch {
    payload = { notification: { body: event.data?.text() ?? "" } };
  }
  const data = payload.data ?? {};
  event.waitUntil(
    self.registration.showNotification(payload.notification?.title ?? data.title ?? "Bro", {
      body: payload.notification?.body ?? data.body ?? "",
      icon: "/app/icon.svg",
      data: { url: target(data) },
      requireInteraction: Boolean(data.alert_id),
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data as { url?: string } | null)?.url ?? "/app/";
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).pathname === "/app/");
      if (open) {
        await open.navigate(url);
        await open.focus();
      } else await self.clients.openWindow(url);
    })(),
  );
});
