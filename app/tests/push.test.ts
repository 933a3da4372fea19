/**
 * Web push registration: the browser's Notification, service worker and Firebase's token call
 * are stubbed (no call to Google, ever); Bro's API answers from a fake fetch.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

class MemoryStorage {
  private items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

const CONFIG = {
  enabled: true,
  api_key: "AIzaSy-test",
  project_id: "bro-slagelse",
  messaging_sender_id: "123456789",
  app_id: "1:123456789:web:abc",
  vapid_key: "BExampleVapidPublicKey",
};
const registration = { scope: "/app/" } as unknown as ServiceWorkerRegistration;
let sent: { method: string; url: string; headers: Headers; body: unknown }[] = [];
let permission: NotificationPermission = "default";
let answer: NotificationPermission = "granted";
let configBody: unknown = CONFIG;

const NodeRequest = Request;

beforeAll(() => {
  // The app's client uses same-origin paths ("/api/v1/…"), as a page at /app/ does.
  vi.stubGlobal(
    "Request",
    class extends NodeRequest {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(typeof input === "string" && input.startsWith("/") ? `http://bro.test${input}` : input, init);
      }
    },
  );
  vi.stubGlobal("localStorage", new MemoryStorage());
  vi.stubGlobal("sessionStorage", new MemoryStorage());
  vi.stubGlobal("window", globalThis);
  vi.stubGlobal("PushManager", class {});
  vi.stubGlobal("navigator", { onLine: true, serviceWorker: { ready: Promise.resolve(registration) } });
  vi.stubGlobal("Notification", {
    get permission() {
      return permission;
    },
    requestPermission: async () => {
      permission = answer;
      return answer;
    },
  });
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = await input.clone().text();
    sent.push({ method: input.method, url: new URL(input.url, "http://bro.test").pathname, headers: input.headers, body: text ? JSON.parse(text) : null });
    if (input.url.endsWith("/api/v1/app/push-config/")) return Response.json(configBody);
    return Response.json({ token: "x", kind: "token", platform: "web", app_version: "pwa", last_seen_at: "2026-01-05T08:00:00Z" }, { status: 201 });
  });
});

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem("bro.session", "session-token-1");
  sent = [];
  permission = "default";
  answer = "granted";
  configBody = CONFIG;
});

async function load() {
  return import("../src/push");
}

describe("web push", () => {
  it("reads the configuration, and none when Bro says it is off", async () => {
    const push = await load();
    expect(await push.pushConfig()).toEqual(CONFIG);
    configBody = { enabled: false };
    expect(await push.pushConfig()).toBeNull();
  });

  it("asks from the second start on, never at the first load, and not again once answered", async () => {
    const push = await load();
    expect(push.shouldAsk(CONFIG, push.countStart())).toBe(false);
    expect(push.shouldAsk(CONFIG, push.countStart())).toBe(true);
    expect(push.shouldAsk(null, 2)).toBe(false);
    push.dismissAsk();
    expect(push.shouldAsk(CONFIG, 3)).toBe(false);
  });

  it("registers the FCM token as a web device once the person allows it", async () => {
    const push = await load();
    const getToken = vi.fn(async () => "fcm-token-1");
    expect(await push.enablePush(CONFIG, getToken)).toBe("on");
    expect(getToken).toHaveBeenCalledWith(CONFIG, registration);
    const devices = sent.filter((r) => r.url === "/api/v1/push/devices/");
    expect(devices.map((r) => [r.method, r.body, r.headers.get("X-Session-Token")])).toEqual([
      ["POST", { token: "fcm-token-1", platform: "web", app_version: "pwa" }, "session-token-1"],
    ]);
    // The next start with the same token registers nothing; a new token is registered
    await push.refreshPush(CONFIG, getToken);
    expect(sent.filter((r) => r.url === "/api/v1/push/devices/")).toHaveLength(1);
    await push.refreshPush(CONFIG, async () => "fcm-token-2");
    expect(sent.filter((r) => r.url === "/api/v1/push/devices/").map((r) => (r.body as { token: string }).token)).toEqual([
      "fcm-token-1",
      "fcm-token-2",
    ]);
  });

  it("registers nothing when the browser says no", async () => {
    const push = await load();
    answer = "denied";
    const getToken = vi.fn(async () => "fcm-token-1");
    expect(await push.enablePush(CONFIG, getToken)).toBe("denied");
    expect(getToken).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
    await push.refreshPush(CONFIG, getToken);
    expect(sent).toEqual([]);
  });
});
