import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Schemas } from "../api/client";
import { formatDateTime, t } from "../i18n";
import { navigate } from "../router";
import { Loading, Problem, Title } from "../ui";

type Item = Schemas["InboxItem"];

/** Where a notification leads: the screen its data names (the same rule as the service worker). */
export function notificationTarget(data: Record<string, string>): string {
  if (data.alert_id) return `#/alert/${data.alert_id}`;
  if (data.post_id) return `#/post/${data.post_id}`;
  if (data.step_id) return `#/step/${data.step_id}`;
  if (data.wave_id) return `#/survey/${data.wave_id}`;
  if (data.journey_id) return "#/journey";
  if (data.type === "question_answer") return "#/ask";
  return "#/inbox";
}

export function Inbox() {
  const [items, setItems] = useState<Item[] | null>(null);
  const [problem, setProblem] = useState("");
  async function load() {
    try {
      const { data, error } = await api.GET("/api/v1/push/notifications/");
      if (data) setItems(data.results);
      else setProblem(errorMessage(error, t("error")));
    } catch {
      setProblem(t("offline"));
    }
  }
  useEffect(() => {
    void load();
  }, []);
  async function open(item: Item) {
    if (!item.opened_at) {
      await api.POST("/api/v1/push/notifications/{notification_id}/opened/", {
        params: { path: { notification_id: item.id } },
      });
    }
    navigate(notificationTarget(item.data));
  }
  return (
    <main id="main">
      <Title>{t("inboxTitle")}</Title>
      <p>
        <a class="button secondary" href="#/ask" id="open-ask">
          {t("askOpen")}
        </a>
      </p>
      {problem && <Problem message={problem} onRetry={load} />}
      {!items && !problem && <Loading />}
      {items?.length === 0 && <p class="muted">{t("inboxEmpty")}</p>}
      <ul class="cards">
        {items?.map((item) => (
          <li key={item.id} class={item.opened_at ? "card" : "card unopened"}>
            <button type="button" class="card-button" onClick={() => open(item)}>
              <span class="meta">{formatDateTime(item.created_at)}</span>
              <h2>{item.title}</h2>
              <p>{item.body}</p>
              {!item.opened_at && <span class="badge quiet">{t("unread")}</span>}
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
