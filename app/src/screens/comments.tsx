/** Reactions and comments under a post: react, comment, reply one level deep, delete my own, report. */
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Schemas } from "../api/client";
import { formatDateTime, t, type Key } from "../i18n";

type Thread = Schemas["Thread"];
type Comment = Schemas["Comment"];
type ReactionKind = Schemas["ReactionKindEnum"];

const REACTIONS: { kind: ReactionKind; symbol: string }[] = [
  { kind: "thumbs_up", symbol: "👍" },
  { kind: "heart", symbol: "❤️" },
  { kind: "clap", symbol: "👏" },
  { kind: "smile", symbol: "😊" },
];

export function Reactions({ postId }: { postId: number }) {
  const [summary, setSummary] = useState<Schemas["ReactionSummary"] | null>(null);
  const [note, setNote] = useState("");
  useEffect(() => {
    void api
      .GET("/api/v1/posts/{post_id}/reactions/", { params: { path: { post_id: postId } } })
      .then(({ data }) => data && setSummary(data))
      .catch(() => undefined);
  }, [postId]);
  if (!summary) return null;

  async function toggle(kind: ReactionKind) {
    const path = { post_id: postId };
    try {
      const { data, error } =
        summary?.mine === kind
          ? await api.DELETE("/api/v1/posts/{post_id}/reactions/", { params: { path } })
          : await api.PUT("/api/v1/posts/{post_id}/reactions/", { params: { path }, body: { kind } });
      if (data) {
        setSummary(data);
        setNote("");
      } else setNote(errorMessage(error, t("error")));
    } catch {
      setNote(t("offline"));
    }
  }

  return (
    <section class="reactions" aria-label={t("reactionsLabel")}>
      <div class="choices">
        {REACTIONS.map(({ kind, symbol }) => (
          <button
            key={kind}
            type="button"
            class={summary.mine === kind ? "button" : "button secondary"}
            aria-pressed={summary.mine === kind}
            aria-label={`${t(`reaction_${kind}` as Key)}: ${summary.counts[kind] ?? 0}`}
            data-reaction={kind}
            onClick={() => toggle(kind)}
          >
            <span aria-hidden="true">{symbol}</span> {summary.counts[kind] ?? 0}
          </button>
        ))}
      </div>
      {note && <p role="alert">{note}</p>}
    </section>
  );
}

export function Comments({ postId }: { postId: number }) {
  const [threads, setThreads] = useState<Thread[]>([]);
  const [open, setOpen] = useState(false);
  const [next, setNext] = useState<number | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [replyTo, setReplyTo] = useState<Thread | null>(null);
  const [status, setStatus] = useState("");

  async function load(page = 1) {
    try {
      const { data } = await api.GET("/api/v1/posts/{post_id}/comments/", {
        params: { path: { post_id: postId }, query: { page } },
      });
      if (!data) return; // not an addressee's post (e.g. a link token): no comments shown
      setOpen(data.comments_open);
      setThreads(page === 1 ? data.results : [...threads, ...data.results]);
      setNext(data.next ? page + 1 : null);
      setLoaded(true);
    } catch {
      setStatus(t("offline"));
    }
  }
  useEffect(() => {
    void load();
  }, [postId]);
  if (!loaded) return null;

  async function reload(message: string) {
    setStatus(message);
    await load();
  }

  return (
    <section class="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">
        {t("commentsTitle")} ({threads.length})
      </h2>
      {threads.length === 0 && <p class="muted">{t("commentsNone")}</p>}
      <ul class="plain" id="comment-list">
        {threads.map((thread) => (
          <li key={thread.id} class="comment-thread">
            <CommentView comment={thread} onChange={reload} />
            {open && !thread.hidden && !thread.deleted && (
              <button
                type="button"
                class="button link"
                data-reply={thread.id}
                onClick={() => setReplyTo(thread)}
              >
                {t("commentReply")}
              </button>
            )}
            {thread.replies.length > 0 && (
              <ul class="plain replies">
                {thread.replies.map((reply) => (
                  <li key={reply.id}>
                    <CommentView comment={reply} onChange={reload} />
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {next && (
        <button type="button" class="button secondary" onClick={() => load(next)}>
          {t("commentsMore")}
        </button>
      )}
      {open ? (
        <CommentForm
          postId={postId}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
          onSent={async () => {
            setReplyTo(null);
            await reload(t("commentSent"));
          }}
        />
      ) : (
        <p class="muted">{t("commentsClosed")}</p>
      )}
      <p role="status" id="comment-status">
        {status}
      </p>
    </section>
  );
}

function CommentView({ comment, onChange }: { comment: Comment; onChange: (message: string) => void }) {
  const [problem, setProblem] = useState("");
  const path = { comment_id: comment.id };

  async function remove() {
    if (!window.confirm(t("commentDeleteConfirm"))) return;
    const { response, error } = await api.DELETE("/api/v1/comments/{comment_id}/", { params: { path } });
    if (response.ok) onChange(t("commentDeleted"));
    else setProblem(errorMessage(error, t("error")));
  }
  async function report() {
    const { data, error } = await api.POST("/api/v1/comments/{comment_id}/report/", {
      params: { path },
      body: { reason: "" },
    });
    if (data) onChange(t("commentReported"));
    else setProblem(errorMessage(error, t("error")));
  }

  if (comment.hidden || comment.deleted) {
    return (
      <p class="muted comment" data-comment={comment.id}>
        {comment.hidden ? t("commentHidden") : t("commentDeleted")}
      </p>
    );
  }
  return (
    <article class="comment" data-comment={comment.id}>
      <p class="meta">
        {comment.author.name} · {formatDateTime(comment.created_at)}
        {comment.edited_at ? ` · ${t("commentEdited")}` : ""}
      </p>
      {/* html is made by the server: the plain text escaped, links as safe anchors (nh3) */}
      <p class="comment-text" dangerouslySetInnerHTML={{ __html: comment.html }} />
      <div class="comment-actions">
        {comment.mine ? (
          <button type="button" class="button link" data-delete={comment.id} onClick={remove}>
            {t("commentDelete")}
          </button>
        ) : (
          <button type="button" class="button link" data-report={comment.id} onClick={report}>
            {t("commentReport")}
          </button>
        )}
      </div>
      {problem && <p role="alert">{problem}</p>}
    </article>
  );
}

function CommentForm(props: {
  postId: number;
  replyTo: Thread | null;
  onCancelReply: () => void;
  onSent: () => Promise<void>;
}) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState("");
  const [sending, setSending] = useState(false);

  async function send(event: Event) {
    event.preventDefault();
    if (!text.trim() || sending) return;
    setSending(true);
    setProblem("");
    try {
      const body = props.replyTo ? { text, parent: props.replyTo.id } : { text };
      const { data, error } = await api.POST("/api/v1/posts/{post_id}/comments/", {
        params: { path: { post_id: props.postId } },
        body,
      });
      if (data) {
        setText("");
        await props.onSent();
      } else setProblem(errorMessage(error, t("error")));
    } catch {
      setProblem(t("offline"));
    } finally {
      setSending(false);
    }
  }

  return (
    <form class="comment-form" onSubmit={send}>
      {props.replyTo && (
        <p class="meta">
          {t("commentReplyTo")} {props.replyTo.author.name}{" "}
          <button type="button" class="button link" onClick={props.onCancelReply}>
            {t("commentCancel")}
          </button>
        </p>
      )}
      <label for="comment-text">{t("commentWrite")}</label>
      <textarea
        id="comment-text"
        rows={3}
        maxLength={2000}
        value={text}
        onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
      />
      <button type="submit" class="button" id="comment-send" disabled={sending}>
        {t("commentSend")}
      </button>
      {problem && <p role="alert">{problem}</p>}
    </form>
  );
}
