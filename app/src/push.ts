/**
 * Web push: the Firebase web configuration comes from Bro (GET /api/v1/app/push-config/); when
 * it is set, the app asks for permission at a sensible moment — from the second start on, never
 * at the first load — gets an FCM token for its service worker and registers it as a `web`
 * device. Firebase's script is loaded only then (a chunk of its own, not in the first load).
 * The service worker (sw.ts) shows the messages and opens the right screen.
 */
import { api, type Schemas } from "./api/client";

export type PushConfig = Schemas["PushConfig"];
type GetToken = (config: PushConfig, registration: ServiceWorkerRegistration) => Promise<string>;

const TOKEN_KEY = "bro.push.token";
const ASKED_KEY = "bro.push.asked";
const STARTS_KEY = "bro.starts";

/** Firebase's own token call, loaded on demand. */
const firebaseToken: GetToken = async (config, registration) => {
  const [{ initializeApp, getApps }, { getMessaging, getToken }] = await Promise.all([
    import("firebase/app"),
    import("firebase/messaging"),
  ]);
  const app =
    getApps().find((a) => a.name === "bro") ??
    initializeApp(
      {
        apiKey: config.api_key,
        projectId: config.project_id,
        messagingSenderId: config.messaging_sender_id,
        appId: config.app_id,
      },
      "bro",
    );
  return getToken(getMessaging(app), { vapidKey: config.vapid_key, serviceWorkerRegistration: registration });
};

export function pushSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window && "serviceWorker" in navigator && "PushManager" in window;
}

export async function pushConfig(): Promise<PushConfig | null> {
  const { data } = await api.GET("/api/v1/app/push-config/");
  return data?.enabled ? data : null;
}

/** Count this start; the push question waits for the second one. */
export function countStart(): number {
  const starts = Number(localStorage.getItem(STARTS_KEY) ?? "0") + 1;
  localStorage.setItem(STARTS_KEY, String(starts));
  return starts;
}

/** Whether to ask now: configured, supported, not yet decided, not dismissed, not the first start. */
export function shouldAsk(config: PushConfig | null, starts: number): boolean {
  return (
    config !== null &&
    pushSupported() &&
    Notification.permission === "default" &&
    !localStorage.getItem(ASKED_KEY) &&
    starts >= 2
  );
}

export function dismissAsk(): void {
  localStorage.setItem(ASKED_KEY, new Date().toISOString());
}

/** Get this phone's FCM token and register it as a `web` device (again only when it changed). */
export async function registerDevice(config: PushConfig, getToken: GetToken = firebaseToken): Promise<boolean> {
  const registration = await navigator.serviceWorker.ready;
  const token = await getToken(config, registration);
  if (!token) return false;
  if (localStorage.getItem(TOKEN_KEY) === token) return true;
  const { response } = await api.POST("/api/v1/push/devices/", {
    body: { token, platform: "web", app_version: "pwa" },
  });
  if (!response.ok) return false;
  localStorage.setItem(TOKEN_KEY, token);
  return true;
}

/** The person said yes: ask the browser, then register. "denied" when the browser said no. */
export async function enablePush(config: PushConfig, getToken: GetToken = firebaseToken): Promise<"on" | "denied" | "error"> {
  dismissAsk();
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return "denied";
  try {
    return (await registerDevice(config, getToken)) ? "on" : "error";
  } catch {
    return "error";
  }
}

/** At each start with permission already given: keep the registered token current. */
export async function refreshPush(config: PushConfig | null, getToken: GetToken = firebaseToken): Promise<void> {
  if (!config || !pushSupported() || Notification.permission !== "granted") return;
  try {
    await registerDevice(config, getToken);
  } catch {
    /* offline or Firebase unreachable: next start */
  }
}

/** Logging out: the phone forgets its token (the server retires devices with the session's person). */
export function forgetPushToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}
