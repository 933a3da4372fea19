/**
 * The typed clients: Bro's API (types generated from /api/schema/) and allauth's headless
 * login API (types generated from allauth's own specification). No hand-written API types.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths as AllauthPaths } from "./allauth";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const TOKEN_KEY = "bro.session";
let language = "da";
const unauthorizedListeners = new Set<() => void>();

export const session = {
  token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set(token: string | null): void {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  },
  onUnauthorized(listener: () => void): () => void {
    unauthorizedListeners.add(listener);
    return () => unauthorizedListeners.delete(listener);
  },
  setLanguage(code: string): void {
    language = code;
  },
};

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token && !request.headers.has("X-Session-Token")) request.headers.set("X-Session-Token", token);
    request.headers.set("Accept-Language", language);
    return request;
  },
  onResponse({ response }) {
    // A missing, expired or ended token: the app logs in again (README: 401 + WWW-Authenticate).
    if (response.status === 401 && response.headers.get("WWW-Authenticate")) {
      for (const listener of unauthorizedListeners) listener();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

export const allauth = createClient<AllauthPaths>({ baseUrl: "" });
allauth.use({
  onRequest({ request }) {
    request.headers.set("Accept-Language", language);
    return request;
  },
});

/** The error message of a Bro error body (one shape: code, message, fields). */
export function errorMessage(error: unknown, fallback: string): string {
  if (error && typeof error === "object" && "message" in error) {
    const message = (error as Schemas["Error"]).message;
    if (typeof message === "string" && message) return message;
  }
  return fallback;
}

/** GET a file with the session token and hand back an object URL (attachments, .ics). */
export async function fetchBlobUrl(url: string): Promise<string> {
  const response = await fetch(url, { headers: { "X-Session-Token": session.token() ?? "" } });
  if (!response.ok) throw new Error(String(response.status));
  return URL.createObjectURL(await response.blob());
}
