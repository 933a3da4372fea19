/**
 * Work-account login (SSO) for the app: Bro runs the provider's redirect flow in the browser
 * and hands back a one-time code in the URL (#/sso?code=…), which only this app can exchange:
 * it started the flow with SHA-256 of a secret verifier it kept (as in PKCE), and sends the
 * verifier with the code (POST /api/v1/app/sso/session/) to get its session token.
 */
import { allauth, api, session } from "./api/client";

const VERIFIER_KEY = "bro.sso.verifier";

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The work-account provider's button label, or null when SSO is not configured. */
export async function ssoProvider(): Promise<string | null> {
  try {
    const { data } = await allauth.GET("/_allauth/{client}/v1/config", { params: { path: { client: "app" } } });
    const providers = (data?.data as { socialaccount?: { providers?: { name: string; flows?: string[] }[] } })
      ?.socialaccount?.providers ?? [];
    const found = providers.find((p) => !p.flows || p.flows.includes("provider_redirect"));
    return found?.name ?? null;
  } catch {
    return null;
  }
}

/** Leave for the provider; the browser comes back to #/sso?code=… or #/login?sso_error=…. */
export async function startSso(go: (url: string) => void = (url) => location.assign(url)): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  go(`/app/sso/start/?challenge=${await challengeOf(verifier)}`);
}

/** Exchange the code for a session token; true when the app is now logged in. */
export async function finishSso(code: string): Promise<boolean> {
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  if (!verifier) return false;
  const { data } = await api.POST("/api/v1/app/sso/session/", { body: { code, verifier } });
  if (!data?.session_token) return false;
  session.set(data.session_token);
  return true;
}
