import { useEffect, useState } from "preact/hooks";
import { allauth, session } from "../api/client";
import { t, type Key } from "../i18n";
import { ssoProvider, startSso } from "../sso";
import { Title } from "../ui";

type Meta = { session_token?: string };

const SSO_ERRORS = new Set(["sso_failed", "sso_unavailable", "sso_unknown_person", "sso_deactivated", "sso_account_conflict"]);

/** Why the app came back to the login: a refused work-account login, or a dead link. */
function returnedProblem(): string {
  const query = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const sso = query.get("sso_error");
  if (sso) return t((SSO_ERRORS.has(sso) ? sso : "sso_failed") as Key);
  return query.get("link_error") ? t("linkInvalid") : "";
}

/** Login by one-time code (allauth headless, app client): request, then confirm. */
export function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [address, setAddress] = useState("");
  const [pending, setPending] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState(returnedProblem);
  const [busy, setBusy] = useState(false);
  const [sso, setSso] = useState<string | null>(null);
  useEffect(() => {
    void ssoProvider().then(setSso);
  }, []);

  async function request(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem("");
    const value = address.trim();
    const body = value.includes("@") ? { email: value } : { phone: value.replace(/\s+/g, "") };
    const { response, error, data } = await allauth.POST("/_allauth/{client}/v1/auth/code/request", {
      params: { path: { client: "app" } },
      body,
    });
    setBusy(false);
    // A pending login flow answers 401 with the token to confirm under.
    const meta = ((error ?? data) as { meta?: Meta } | undefined)?.meta;
    if (response.status === 401 && meta?.session_token) {
      setPending(meta.session_token);
    } else {
      setProblem(t("error"));
    }
  }

  async function confirm(event: Event) {
    event.preventDefault();
    if (!pending) return;
    setBusy(true);
    setProblem("");
    const { response, data, error } = await allauth.POST("/_allauth/{client}/v1/auth/code/confirm", {
      params: { path: { client: "app" } },
      headers: { "X-Session-Token": pending },
      body: { code: code.trim() },
    });
    setBusy(false);
    const meta = ((data ?? error) as { meta?: Meta } | undefined)?.meta;
    if (response.status === 200 && meta?.session_token) {
      session.set(meta.session_token); // a new token replaces the pending one
      onLoggedIn();
    } else {
      setProblem(t("loginWrong"));
    }
  }

  return (
    <main id="main" class="login">
      <p class="brand" aria-hidden="true">
        Bro
      </p>
      <Title>{t("loginTitle")}</Title>
      {pending === null ? (
        <form onSubmit={request}>
          <p>{t("loginIntro")}</p>
          <label for="address">{t("loginAddress")}</label>
          <input
            id="address"
            name="address"
            type="text"
            inputMode="email"
            autoComplete="username"
            required
            value={address}
            onInput={(e) => setAddress(e.currentTarget.value)}
          />
          <button class="button" type="submit" disabled={busy}>
            {t("loginSend")}
          </button>
          {sso && (
            <>
              <p class="or">{t("loginOr")}</p>
              <button class="button secondary" type="button" id="sso-login" onClick={() => startSso()}>
                {sso}
              </button>
            </>
          )}
        </form>
      ) : (
        <form onSubmit={confirm}>
          <p>
            {t("loginCodeIntro")} <strong>{address}</strong>
          </p>
          <label for="code">{t("loginCode")}</label>
          <input
            id="code"
            name="code"
            type="text"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            required
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <button class="button" type="submit" disabled={busy}>
            {t("loginConfirm")}
          </button>
          <button class="button link" type="button" onClick={() => setPending(null)}>
            {t("loginOther")}
          </button>
        </form>
      )}
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </main>
  );
}
