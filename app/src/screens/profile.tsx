import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, fetchBlobUrl, session, type Schemas } from "../api/client";
import { t, type Key } from "../i18n";
import { forgetEverything } from "../offline/store";
import { forgetPushToken } from "../push";
import { endSession } from "../sso";
import { Loading, Problem, Title, saveBlob } from "../ui";

type Me = Schemas["Me"];
type Categories = Schemas["CategoriesRequest"];
const CATEGORIES = ["news", "minutes", "events", "onboarding", "surveys", "alerts"] as const;

/**
 * End the session on the server and forget the person on the phone; after a work-account login
 * the browser then goes to the provider's logout (`go`), which brings it back to /app/.
 */
export async function logOut(go: (url: string) => void = (url) => location.assign(url)): Promise<void> {
  const token = session.token();
  let atProvider: string | null = null;
  if (token) {
    try {
      atProvider = await endSession(token);
    } catch {
      /* offline: the token still ends with its lifetime; the phone forgets it now */
    }
  }
  session.set(null);
  forgetPushToken(); // the server retires the device with the session; the next login registers anew
  await forgetEverything();
  if (atProvider) go(atProvider);
}

export function Profile({ me, onMe, onLoggedOut }: { me: Me; onMe: (me: Me) => void; onLoggedOut: () => void }) {
  const [prefs, setPrefs] = useState<Schemas["Preference"] | null>(null);
  const [categories, setCategories] = useState<Categories>({});
  const [quietStart, setQuietStart] = useState("");
  const [quietEnd, setQuietEnd] = useState("");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState("");

  useEffect(() => {
    api.GET("/api/v1/push/preferences/").then(({ data, error }) => {
      if (!data) return setProblem(errorMessage(error, t("error")));
      setPrefs(data);
      setCategories(data.categories as Categories);
      const quiet = data.quiet_hours as { start?: string | null; end?: string | null } | null;
      setQuietStart(quiet?.start?.slice(0, 5) ?? "");
      setQuietEnd(quiet?.end?.slice(0, 5) ?? "");
    }, () => setProblem(t("offline")));
  }, []);

  async function patchMe(body: Schemas["PatchedMeUpdateRequest"]) {
    const { data, error } = await api.PATCH("/api/v1/me/", { body });
    if (data) {
      onMe(data);
      setNote(t("saved"));
    } else setNote(errorMessage(error, t("error")));
  }

  async function savePrefs(event: Event) {
    event.preventDefault();
    const { alerts: _alerts, ...rest } = categories;
    const quiet_hours = quietStart && quietEnd ? { start: quietStart, end: quietEnd } : null;
    const { data, error } = await api.PATCH("/api/v1/push/preferences/", { body: { categories: rest, quiet_hours } });
    if (data) {
      setPrefs(data);
      setNote(t("saved"));
    } else setNote(errorMessage(error, t("error")));
  }

  async function exportData() {
    saveBlob(await fetchBlobUrl("/api/v1/me/export/"), "bro-mine-data.json");
  }

  return (
    <main id="main">
      <Title>{t("profileTitle")}</Title>
      <p>
        <strong>{me.name}</strong>
        <br />
        {me.job_title}
        {me.unit ? `, ${me.unit.name}` : ""}
      </p>
      <section aria-labelledby="lang-h">
        <h2 id="lang-h">{t("language")}</h2>
        <div class="choices" role="group" aria-labelledby="lang-h">
          {(["da", "en"] as const).map((code) => (
            <button key={code} type="button" class={me.language === code ? "button" : "button secondary"}
              aria-pressed={me.language === code} lang={code} onClick={() => patchMe({ language: code })}>
              {code === "da" ? "Dansk" : "English"}
            </button>
          ))}
        </div>
      </section>
      <section aria-labelledby="share-h">
        <h2 id="share-h">{t("sharing")}</h2>
        <label class="option">
          <input type="checkbox" checked={me.share_email} onChange={(e) => patchMe({ share_email: e.currentTarget.checked })} />
          {t("shareEmail")}
        </label>
        <label class="option">
          <input type="checkbox" checked={me.share_phone} onChange={(e) => patchMe({ share_phone: e.currentTarget.checked })} />
          {t("sharePhone")}
        </label>
      </section>
      {problem && <Problem message={problem} />}
      {!prefs && !problem && <Loading />}
      {prefs && (
        <form onSubmit={savePrefs} aria-labelledby="notify-h">
          <h2 id="notify-h">{t("categories")}</h2>
          {CATEGORIES.map((category) => (
            <label key={category} class="option">
              <input type="checkbox" disabled={category === "alerts"}
                checked={category === "alerts" ? true : (categories[category] ?? true)}
                onChange={(e) => setCategories({ ...categories, [category]: e.currentTarget.checked })} />
              {t(`cat_${category}` as Key)}
            </label>
          ))}
          <fieldset>
            <legend>{t("quietHours")}</legend>
            <div class="row">
              <label>
                {t("quietFrom")}
                <input type="time" value={quietStart} onInput={(e) => setQuietStart(e.currentTarget.value)} />
              </label>
              <label>
                {t("quietTo")}
                <input type="time" value={quietEnd} onInput={(e) => setQuietEnd(e.currentTarget.value)} />
              </label>
            </div>
          </fieldset>
          <button class="button" type="submit">{t("save")}</button>
        </form>
      )}
      <p role="status">{note}</p>
      <section class="stack">
        <button type="button" class="button secondary" onClick={exportData}>{t("exportData")}</button>
        <button type="button" class="button secondary" id="logout"
          onClick={async () => { await logOut(); onLoggedOut(); }}>
          {t("logout")}
        </button>
      </section>
    </main>
  );
}
