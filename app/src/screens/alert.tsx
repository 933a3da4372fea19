import { useState } from "preact/hooks";
import { api, errorMessage, type Schemas } from "../api/client";
import { formatDateTime, t } from "../i18n";
import { Title } from "../ui";

type Alert = Schemas["Alert"];
const RECENT_HOURS = 48;

/** The newest alert addressed to me that I have not answered (on any channel), from the last two days. */
export async function pendingAlert(): Promise<Alert | null> {
  const { data } = await api.GET("/api/v1/push/alerts/", { params: { query: { page_size: 20 } } });
  if (!data) return null;
  const cutoff = Date.now() - RECENT_HOURS * 3600 * 1000;
  return (
    data.results.find((a) => a.addressed_to_me && !a.my_answer && new Date(a.sent_at).getTime() > cutoff) ??
    null
  );
}

/** The crisis screen: it takes over the app until the person answers. */
export function AlertScreen({ alert, onAnswered }: { alert: Alert; onAnswered: () => void }) {
  const [problem, setProblem] = useState("");
  const [sent, setSent] = useState(false);
  async function answer(value: "ok" | "need_help") {
    setProblem("");
    const { data, error } = await api.POST("/api/v1/push/alerts/{alert_id}/answer/", {
      params: { path: { alert_id: alert.id } },
      body: { answer: value },
    });
    if (!data) {
      setProblem(errorMessage(error, t("error")));
      return;
    }
    setSent(true);
  }
  return (
    <main id="main" class="alert-screen">
      <p class="alert-label">⚠ {t("alertTitle")}</p>
      <Title>{alert.title}</Title>
      <p class="meta">
        {t("alertFrom")} {alert.sender} · {formatDateTime(alert.sent_at)}
      </p>
      <p class="alert-body">{alert.body}</p>
      {sent ? (
        <>
          <p role="status" id="alert-status">{t("alertAnswered")}</p>
          <button type="button" class="button" onClick={onAnswered}>
            {t("back")}
          </button>
        </>
      ) : (
        <div class="alert-actions">
          <button type="button" class="button ok" id="alert-ok" onClick={() => answer("ok")}>
            {t("alertOk")}
          </button>
          <button type="button" class="button help" id="alert-help" onClick={() => answer("need_help")}>
            {t("alertHelp")}
          </button>
        </div>
      )}
      {problem && <p class="problem" role="alert">{problem}</p>}
    </main>
  );
}
