/**
 * Work-account login (SSO) for the app: Bro runs the provider's redirect flow in the browser
 * and hands back a one-time code in the URL (#/sso?code=…), which only this app can exchange:
 * it started the flow with SHA-256 of a secret verifier it kept (as in PKCE), and sends the
 * verifier with the code (POST /api/v1/app/sso/session/) to get its session token.
 *
 * Logging out (endSession) ends the token, and for a work-account login the app then takes the
 * browser to the provider's logout, which sends it back to /app/ (the login screen).
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

/**
 * Exchange the code for a session token; true when the app is now logged in.
 *
 * A token already on the phone (someone else's on a shared phone, or an old one of the same
 * person) is replaced, and ended on the server: the new login wins.
 */
export async function finishSso(code: string): Promise<boolean> {
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  if (!verifier) return false;
  const { data } = await api.POST("/api/v1/app/sso/session/", { body: { code, verifier } });
  if (!data?.session_token) return false;
  const previous = session.token();
  session.set(data.session_token);
  if (previous && previous !== data.session_token) {
    try {
      await endSession(previous);
    } catch {
      /* offline or refused: the old token still ends with its lifetime; the phone forgot it */
    }
  }
  return true;
}

/**
 * End a session token on the server (POST /api/v1/app/logout/). The answer is the provider's
 * logout URL when the session came from a work-account login at a provider that offers one,
 * else null; a token that already ended (401) has nothing left to end. Throws when Bro could not
 * be reached or refused otherwise.
 */
export async function endSession(token: string): Promise<string | null> {
  const { data, response } = await api.POST("/api/v1/app/logout/", { headers: { "X-Session-Token": token } });
  if (data) return data.provider_logout_url ?? null;
  if (response.status === 401) return null;
  throw new Error(`logout answered ${response.status}`);
}
