import { useState } from "preact/hooks";
import { allauth, session } from "../api/client";
import { t } from "../i18n";
import { Title } from "../ui";

type Meta = { session_token?: string };

/** Login by one-time code (allauth headless, app client): request, then confirm. */
export function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [address, setAddress] = useState("");
  const [pending, setPending] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);

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
