/**
 * The app's work-account login and logout against a fake Bro (fetch stubbed): the hand-off
 * replaces a token already on the phone and ends it on the server; logging out ends the token
 * and sends the browser to the provider's logout only when Bro names one.
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

const PROVIDER_LOGOUT = "https://login.slagelse.dk/logout?id_token_hint=a.b.c&client_id=bro-web";
let sent: { method: string; url: string; token: string | null; body: unknown }[] = [];
let logoutAnswer: () => Response = () => Response.json({ provider_logout_url: null });

const NodeRequest = Request;

beforeAll(() => {
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
  vi.stubGlobal("self", {});
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = await input.clone().text();
    const url = new URL(input.url).pathname;
    sent.push({ method: input.method, url, token: input.headers.get("X-Session-Token"), body: text ? JSON.parse(text) : null });
    if (url === "/api/v1/app/sso/session/") return Response.json({ session_token: "mettes-token" });
    if (url === "/api/v1/app/logout/") return logoutAnswer();
    return new Response(null, { status: 404 });
  });
});

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  sent = [];
  logoutAnswer = () => Response.json({ provider_logout_url: null });
});

describe("work-account hand-off", () => {
  it("replaces another person's token on the phone and ends it on the server", async () => {
    const { finishSso } = await import("../src/sso");
    localStorage.setItem("bro.session", "lones-token");
    sessionStorage.setItem("bro.sso.verifier", "v".repeat(43));
    expect(await finishSso("one-time-code")).toBe(true);
    expect(localStorage.getItem("bro.session")).toBe("mettes-token");
    // (the exchange takes no session: the server reads only the code and the verifier)
    expect(sent.map((r) => [r.method, r.url])).toEqual([
      ["POST", "/api/v1/app/sso/session/"],
      ["POST", "/api/v1/app/logout/"],
    ]);
    expect(sent[1].token).toBe("lones-token");
  });

  it("keeps the new token when the old one cannot be ended", async () => {
    const { finishSso } = await import("../src/sso");
    localStorage.setItem("bro.session", "lones-token");
    sessionStorage.setItem("bro.sso.verifier", "v".repeat(43));
    logoutAnswer = () => {
      throw new TypeError("offline");
    };
    expect(await finishSso("one-time-code")).toBe(true);
    expect(localStorage.getItem("bro.session")).toBe("mettes-token");
  });

  it("ends nothing when the phone had no token", async () => {
    const { finishSso } = await import("../src/sso");
    sessionStorage.setItem("bro.sso.verifier", "v".repeat(43));
    expect(await finishSso("one-time-code")).toBe(true);
    expect(sent.map((r) => r.url)).toEqual(["/api/v1/app/sso/session/"]);
  });
});

describe("logging out", () => {
  it("ends the token and goes to the provider's logout when Bro names one", async () => {
    const { logOut } = await import("../src/screens/profile");
    localStorage.setItem("bro.session", "mettes-token");
    localStorage.setItem("bro.me", JSON.stringify({ id: 7 }));
    logoutAnswer = () => Response.json({ provider_logout_url: PROVIDER_LOGOUT });
    const go = vi.fn();
    await logOut(go);
    expect(sent.map((r) => [r.method, r.url, r.token])).toEqual([["POST", "/api/v1/app/logout/", "mettes-token"]]);
    expect(go).toHaveBeenCalledWith(PROVIDER_LOGOUT);
    expect([localStorage.getItem("bro.session"), localStorage.getItem("bro.me")]).toEqual([null, null]);
  });

  it("stays in the app after a code login's logout, an ended token or no network", async () => {
    const { logOut } = await import("../src/screens/profile");
    const go = vi.fn();
    for (const answer of [
      () => Response.json({ provider_logout_url: null }),
      () => Response.json({ code: "not_authenticated" }, { status: 401 }),
      () => {
        throw new TypeError("offline");
      },
    ]) {
      localStorage.setItem("bro.session", "mettes-token");
      logoutAnswer = answer;
      await logOut(go);
      expect(localStorage.getItem("bro.session")).toBeNull();
    }
    expect(go).not.toHaveBeenCalled();
  });
});

describe("another person on the phone", () => {
  it("forgets the previous person's cache and queue, and keeps the same person's", async () => {
    const { forgetIfAnotherPerson } = await import("../src/offline/store");
    localStorage.setItem("bro.me", JSON.stringify({ id: 3 }));
    localStorage.setItem("bro.queue.v1", "[1]");
    await forgetIfAnotherPerson(3);
    expect(localStorage.getItem("bro.queue.v1")).toBe("[1]");
    await forgetIfAnotherPerson(4);
    expect([localStorage.getItem("bro.me"), localStorage.getItem("bro.queue.v1")]).toEqual([null, null]);
  });
});
