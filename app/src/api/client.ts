/**
 * The typed clients: Bro's API (types generated from /api/schema/) and allauth's headless
 * login API (types generated from allauth's own specification). No hand-written API types.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths as AllauthPaths } from "./allauth";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const TOKEN_KEY = "bro.session";
const LINK_KEY = "bro.link";
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

/**
 * A link sent by SMS or e-mail (/app/#/l/<token>): it opens one post or survey wave as its
 * person, without a login. Kept for this tab only; a session token, when there is one, wins.
 */
export const link = {
  token(): string | null {
    return sessionStorage.getItem(LINK_KEY);
  },
  set(token: string | null): void {
    if (token) sessionStorage.setItem(LINK_KEY, token);
    else sessionStorage.removeItem(LINK_KEY);
  },
};

/** The credential headers of an API request: the session token, else the link token. */
export function credentials(): Record<string, string> {
  const token = session.token();
  if (token) return { "X-Session-Token": token };
  const linkToken = link.token();
  return linkToken ? { "X-Link-Token": linkToken } : {};
}

const auth: Middleware = {
  onRequest({ request }) {
    if (!request.headers.has("X-Session-Token") && !request.headers.has("X-Link-Token")) {
      for (const [name, value] of Object.entries(credentials())) request.headers.set(name, value);
    }
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
  const response = await fetch(url, { headers: credentials() });
  if (!response.ok) throw new Error(String(response.status));
  return URL.createObjectURL(await response.blob());
}
