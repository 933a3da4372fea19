import { render } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { api, link, session, type Schemas } from "./api/client";
import { setLanguage, t, type Key } from "./i18n";
import type { QueuedAction, ReplayResult } from "./offline/queue";
import { forgetIfAnotherPerson, queue } from "./offline/store";
import { navigate, useRoute } from "./router";
import { AlertScreen, pendingAlert } from "./screens/alert";
import { Ask } from "./screens/ask";
import { Feed } from "./screens/feed";
import { Inbox } from "./screens/inbox";
import { Journey, StepScreen, sendComplete } from "./screens/journey";
import { Login } from "./screens/login";
import { PostScreen, sendAcknowledge } from "./screens/post";
import { Profile } from "./screens/profile";
import { countStart, dismissAsk, enablePush, pushConfig, refreshPush, shouldAsk, type PushConfig } from "./push";
import { finishSso } from "./sso";
import { SurveyForm, Surveys } from "./screens/surveys";
import { Loading, Title } from "./ui";
import "./style.css";

type Me = Schemas["Me"];

function send(action: QueuedAction) {
  return action.kind === "acknowledge" ? sendAcknowledge(action.postId) : sendComplete(action.stepId);
}

function describe(result: ReplayResult): string {
  const what = result.action.kind === "acknowledge" ? t("acknowledge") : t("complete");
  const outcome = result.outcome === "done" ? t("queueSent") : t("queueRefused");
  return `${outcome}: ${what} – ${result.action.title}`;
}

const NAV: { route: string; key: Key; preboarding: boolean }[] = [
  { route: "feed", key: "navFeed", preboarding: false },
  { route: "journey", key: "navJourney", preboarding: true },
  { route: "surveys", key: "navSurveys", preboarding: false },
  { route: "inbox", key: "navInbox", preboarding: true },
  { route: "profile", key: "navProfile", preboarding: true },
];

type Phase = "starting" | "login" | "ready" | "handoff" | "link";

/** What the address asks for at load: an SSO hand-off, a link from an SMS or e-mail, or the app. */
function firstPhase(): Phase {
  if (/^#\/sso\?/.test(location.hash)) return "handoff";
  if (/^#\/l\/[^/?]+$/.test(location.hash)) return "link";
  return session.token() ? "starting" : "login";
}

/** Open the object a link token stands for; false when the link is invalid or expired. */
async function openLink(token: string): Promise<boolean> {
  const { data } = await api.GET("/api/v1/app/link/", { headers: { "X-Link-Token": token } });
  if (!data) return false;
  if (!session.token()) link.set(token);
  navigate(data.kind === "post" ? `post/${data.object_id}` : `survey/${data.object_id}`);
  return true;
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState<Me | null>(null);
  const [phase, setPhase] = useState<Phase>(firstPhase);
  const [linkMode, setLinkMode] = useState(false);
  const [push, setPush] = useState<PushConfig | null>(null);
  const [askPush, setAskPush] = useState(false);
  const [preboarding, setPreboarding] = useState(false);
  const [online, setOnline] = useState(navigator.onLine);
  const [toasts, setToasts] = useState<string[]>([]);
  const [alert, setAlert] = useState<Schemas["Alert"] | null>(null);

  const useMe = useCallback((value: Me) => {
    setMe(value);
    setLanguage(value.language);
    session.setLanguage(value.language);
  }, []);

  const start = useCallback(async () => {
    try {
      const { data, response } = await api.GET("/api/v1/me/");
      if (data) {
        await forgetIfAnotherPerson(data.id);
        localStorage.setItem("bro.me", JSON.stringify(data));
        useMe(data);
      } else if (response.status === 401) {
        setPhase("login");
        return;
      }
      if (!session.token() && link.token()) {
        setPhase("ready"); // opened from a link: no journey, alerts or push
        return;
      }
      const journey = await api.GET("/api/v1/onboarding/my-journey/");
      setPreboarding(Boolean(journey.data?.preboarding));
      if (journey.data?.preboarding && (route.name === "feed" || route.name === "surveys")) navigate("journey");
    } catch {
      // Offline start: the person we knew, and what the phone cached.
      const cached = localStorage.getItem("bro.me");
      if (cached) useMe(JSON.parse(cached) as Me);
    }
    setPhase("ready");
  }, []);

  const handOff = useCallback(async () => {
    const code = new URLSearchParams(location.hash.split("?")[1] ?? "").get("code") ?? "";
    let ok = false;
    try {
      ok = await finishSso(code);
    } catch {
      ok = false;
    }
    history.replaceState(null, "", ok ? "/app/#/feed" : "/app/#/login?sso_error=sso_failed");
    dispatchEvent(new HashChangeEvent("hashchange"));
    setPhase(ok ? "starting" : "login");
  }, []);

  const startLink = useCallback(async () => {
    const token = decodeURIComponent(location.hash.replace(/^#\/l\//, ""));
    let ok = false;
    try {
      ok = await openLink(token);
    } catch {
      ok = false;
    }
    if (!ok) {
      link.set(null);
      history.replaceState(null, "", "/app/#/login?link_error=1");
      dispatchEvent(new HashChangeEvent("hashchange"));
      setPhase(session.token() ? "starting" : "login");
      return;
    }
    setLinkMode(!session.token());
    setPhase("starting");
  }, []);

  const setUpPush = useCallback(async () => {
    if (!session.token()) return;
    const starts = countStart();
    try {
      const config = await pushConfig();
      setPush(config);
      await refreshPush(config);
      setAskPush(shouldAsk(config, starts));
    } catch {
      /* offline: next start */
    }
  }, []);

  const replay = useCallback(async () => {
    if (!navigator.onLine || !session.token()) return;
    const results = await queue.replay(send);
    if (results.length) setToasts((current) => [...current, ...results.map(describe)]);
  }, []);

  const checkAlerts = useCallback(async () => {
    if (!navigator.onLine || !session.token()) return;
    try {
      setAlert(await pendingAlert());
    } catch {
      /* offline */
    }
  }, []);

  useEffect(
    () =>
      session.onUnauthorized(() => {
        session.set(null); // expired or ended: log in again
        link.set(null);
        setLinkMode(false);
        setPhase("login");
      }),
    [],
  );
  useEffect(() => {
    if (phase === "handoff") void handOff();
    if (phase === "link") void startLink();
    if (phase === "starting") void start();
    if (phase !== "ready" || linkMode) return;
    void setUpPush();
    void replay();
    void checkAlerts();
    const goOnline = () => {
      setOnline(true);
      void replay();
      void checkAlerts();
    };
    const goOffline = () => setOnline(false);
    const onVisible = () => document.visibilityState === "visible" && void checkAlerts();
    addEventListener("online", goOnline);
    addEventListener("offline", goOffline);
    document.addEventListener("visibilitychange", onVisible);
    const timer = setInterval(checkAlerts, 60_000);
    return () => {
      removeEventListener("online", goOnline);
      removeEventListener("offline", goOffline);
      document.removeEventListener("visibilitychange", onVisible);
      clearInterval(timer);
    };
  }, [phase]);

  if (phase === "login") return <Login onLoggedIn={() => setPhase("starting")} />;
  if (phase !== "ready" || !me) return <main id="main"><Loading /></main>;
  if (alert && (route.name !== "alert" || route.id === alert.id)) {
    return <AlertScreen alert={alert} onAnswered={() => setAlert(null)} />;
  }

  let screen;
  switch (route.name) {
    case "post":
      screen = <PostScreen id={route.id ?? 0} />;
      break;
    case "journey":
      screen = <Journey onPreboarding={setPreboarding} />;
      break;
    case "step":
      screen = <StepScreen id={route.id ?? 0} />;
      break;
    case "surveys":
      screen = <Surveys />;
      break;
    case "survey":
      screen = <SurveyForm waveId={route.id ?? 0} />;
      break;
    case "inbox":
      screen = <Inbox />;
      break;
    case "ask":
      screen = <Ask preboarding={preboarding} />;
      break;
    case "profile":
      screen = <Profile me={me} onMe={useMe} onLoggedOut={() => setPhase("login")} />;
      break;
    default:
      screen = preboarding ? <Journey onPreboarding={setPreboarding} /> : <Feed kind={route.query.get("kind")} />;
  }
  if (linkMode) {
    // Opened from a link: that one post or survey, and a way into the whole app.
    return (
      <>
        <header class="link-bar">
          <p>
            {t("linkNote")}{" "}
            <button type="button" class="button link" onClick={() => { link.set(null); setLinkMode(false); setPhase("login"); }}>
              {t("linkLogin")}
            </button>
          </p>
        </header>
        {route.name === "post" || route.name === "survey" ? screen : <LinkDone />}
      </>
    );
  }
  // A screen under a tab marks that tab: "Spørg" is reached from the inbox, where answers arrive.
  const under: Record<string, string> = { post: "feed", step: "journey", survey: "surveys", ask: "inbox" };
  const current = under[route.name] ?? route.name;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("screen-title")?.focus(); }}>
        {t("skip")}
      </a>
      {!online && <p class="offline-bar" role="status">{t("offline")}</p>}
      {askPush && push && (
        <section class="push-ask" aria-labelledby="push-ask">
          <p id="push-ask">{t("pushAsk")}</p>
          <button type="button" class="button" id="push-yes" onClick={async () => { setAskPush(false); await enablePush(push); }}>
            {t("pushYes")}
          </button>
          <button type="button" class="button secondary" id="push-no" onClick={() => { dismissAsk(); setAskPush(false); }}>
            {t("pushNo")}
          </button>
        </section>
      )}
      {screen}
      <div class="toasts" role="status" aria-live="polite">
        {toasts.map((text, index) => (
          <p key={index} class="toast">
            {text}
            <button type="button" class="close" aria-label="OK" onClick={() => setToasts(toasts.filter((_, i) => i !== index))}>×</button>
          </p>
        ))}
      </div>
      <nav class="tabs" aria-label="Bro">
        {NAV.filter((item) => !preboarding || item.preboarding).map((item) => (
          <a key={item.route} href={`#/${item.route}`} aria-current={current === item.route ? "page" : undefined}>
            {t(item.key)}
          </a>
        ))}
      </nav>
    </>
  );
}

function LinkDone() {
  return (
    <main id="main">
      <Title>{t("linkDoneTitle")}</Title>
      <p>{t("linkDone")}</p>
    </main>
  );
}

if ("serviceWorker" in navigator) {
  addEventListener("load", () => {
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {
      /* the app works without offline support */
    });
  });
}

render(<App />, document.getElementById("app")!);
