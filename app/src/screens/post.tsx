import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, fetchBlobUrl, type Schemas } from "../api/client";
import { formatDate, formatDateTime, t, type Key } from "../i18n";
import { loadFeed, queue, saveFeed } from "../offline/store";
import { BackLink, Loading, Problem, Title, saveBlob } from "../ui";
import { Comments, Reactions } from "./comments";

type Post = Schemas["PostDetail"];

/** Mark the post acknowledged in the cached feed, so the badge goes at once (also offline). */
function markAcknowledgedInFeed(postId: number, at: string) {
  const feed = loadFeed();
  saveFeed({
    ...feed,
    items: feed.items.map((item) =>
      item.id === postId ? { ...item, acknowledged_at: at, is_acknowledged: true, must_read: false } : item,
    ),
  });
}

export async function sendAcknowledge(postId: number): Promise<"done" | "refused" | "offline"> {
  try {
    const { data, response } = await api.POST("/api/v1/posts/{id}/acknowledge/", {
      params: { path: { id: postId } },
    });
    if (data) {
      markAcknowledgedInFeed(postId, data.acknowledged_at);
      return "done";
    }
    return response.status >= 500 ? "offline" : "refused";
  } catch {
    return "offline";
  }
}

export function PostScreen({ id }: { id: number }) {
  const [post, setPost] = useState<Post | null>(null);
  const [problem, setProblem] = useState("");
  const [ackNote, setAckNote] = useState("");

  async function load() {
    setProblem("");
    try {
      const { data, error } = await api.GET("/api/v1/posts/{id}/", { params: { path: { id: id } } });
      if (data) setPost(data);
      else setProblem(errorMessage(error, t("error")));
    } catch {
      setProblem(t("offline"));
    }
  }
  useEffect(() => {
    void load();
  }, [id]);

  if (problem) return <main id="main"><BackLink to="#/feed" /><Problem message={problem} onRetry={load} /></main>;
  if (!post) return <main id="main"><Loading /></main>;

  const queued = queue.has((a) => a.kind === "acknowledge" && a.postId === post.id);

  async function acknowledge() {
    if (!post) return;
    const outcome = navigator.onLine ? await sendAcknowledge(post.id) : "offline";
    if (outcome === "done") {
      setAckNote(t("acknowledged"));
      await load();
    } else if (outcome === "offline") {
      queue.add({ kind: "acknowledge", postId: post.id, title: post.title, queuedAt: new Date().toISOString() });
      markAcknowledgedInFeed(post.id, new Date().toISOString());
      setAckNote(t("ackQueued"));
    } else {
      setAckNote(t("error"));
    }
  }

  async function openAttachment(attachment: Schemas["Attachment"]) {
    saveBlob(await fetchBlobUrl(attachment.url), attachment.name);
  }

  return (
    <main id="main">
      <BackLink to="#/feed" />
      <article>
        <p class="meta">
          {t(`kind_${post.kind}` as Key)} · {formatDate(post.published_at)}
          {post.author ? ` · ${post.author.name}` : ""}
        </p>
        <Title>{post.title}</Title>
        {post.meeting && (
          <p class="meta">
            {t("meeting")}: {post.meeting.name}, {formatDate(post.meeting.date)}
          </p>
        )}
        {post.event && <EventBox post={post} onChange={load} />}
        {/* body_html is rendered and sanitised by the server (Markdown + nh3, fixed allow-list) */}
        <div class="body" dangerouslySetInnerHTML={{ __html: post.body_html }} />
        {post.decisions.length > 0 && (
          <section aria-labelledby="decisions">
            <h2 id="decisions">{t("decisions")}</h2>
            <ol class="decisions">
              {post.decisions.map((d) => (
                <li key={d.id}>
                  <p>{d.text}</p>
                  {(d.owner || d.deadline) && (
                    <p class="meta">
                      {d.owner && `${t("owner")}: ${d.owner.name}`}
                      {d.owner && d.deadline && " · "}
                      {d.deadline && `${t("deadline")}: ${formatDate(d.deadline)}`}
                    </p>
                  )}
                </li>
              ))}
            </ol>
          </section>
        )}
        {post.attachments.length > 0 && (
          <section aria-labelledby="attachments">
            <h2 id="attachments">{t("attachments")}</h2>
            <ul class="plain">
              {post.attachments.map((a) => (
                <li key={a.id}>
                  <button type="button" class="button link" onClick={() => openAttachment(a)}>
                    {a.name} ({Math.ceil(a.size / 1024)} kB)
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {post.requires_acknowledgement && (
          <section class="ack" aria-live="polite">
            {post.acknowledged_at ? (
              <p class="done" id="ack-status">
                ✓ {t("acknowledged")} ({formatDateTime(post.acknowledged_at)})
              </p>
            ) : queued || ackNote === t("ackQueued") ? (
              <p class="pending" id="ack-status">{t("ackQueued")}</p>
            ) : (
              <button type="button" class="button" id="acknowledge" onClick={acknowledge}>
                {t("acknowledge")}
              </button>
            )}
            {ackNote && ackNote !== t("ackQueued") && !post.acknowledged_at && <p>{ackNote}</p>}
          </section>
        )}
      </article>
      <Reactions postId={post.id} />
      <Comments postId={post.id} />
    </main>
  );
}

function EventBox({ post, onChange }: { post: Post; onChange: () => void }) {
  const event = post.event!;
  const [note, setNote] = useState("");
  async function answer(value: Schemas["RsvpAnswerEnum"]) {
    const { data, error } = await api.POST("/api/v1/posts/{id}/rsvp/", {
      params: { path: { id: post.id } },
      body: { answer: value },
    });
    setNote(data ? (data.waitlisted ? t("waitlisted") : t("rsvpSaved")) : errorMessage(error, t("error")));
    onChange();
  }
  async function calendar() {
    saveBlob(await fetchBlobUrl(event.ics_url), `bro-${post.id}.ics`);
  }
  return (
    <section class="event" aria-labelledby="rsvp-question">
      <dl>
        <dt>{t("when")}</dt>
        <dd>
          {formatDateTime(event.starts_at)}
          {event.ends_at ? ` – ${formatDateTime(event.ends_at)}` : ""}
        </dd>
        {event.place && (
          <>
            <dt>{t("where")}</dt>
            <dd>{event.place}</dd>
          </>
        )}
      </dl>
      <p class="meta">
        {event.counts.yes} {t("attending")}
        {event.capacity ? ` / ${event.capacity}` : ""}
      </p>
      <fieldset>
        <legend id="rsvp-question">{t("rsvpQuestion")}</legend>
        <div class="choices">
          {(["yes", "maybe", "no"] as const).map((value) => (
            <button
              key={value}
              type="button"
              class={event.my_rsvp?.answer === value ? "button" : "button secondary"}
              aria-pressed={event.my_rsvp?.answer === value}
              data-rsvp={value}
              onClick={() => answer(value)}
            >
              {t(`rsvp_${value}` as Key)}
            </button>
          ))}
        </div>
      </fieldset>
      {event.my_rsvp?.waitlisted && <p>{t("waitlisted")}</p>}
      <p role="status" id="rsvp-status">{note}</p>
      <button type="button" class="button secondary" onClick={calendar}>
        📅 {t("addToCalendar")}
      </button>
    </section>
  );
}
