/** "Spørg": a private question to HR, my leader or communications, and my questions with their answers. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorMessage, type Schemas } from "../api/client";
import { formatDateTime, t, type Key } from "../i18n";
import { Loading, Problem, Title } from "../ui";

type Question = Schemas["AskQuestion"];
type Recipient = Schemas["RecipientEnum"];

// As the API's serializer (dialogue.models.QUESTION_MAX_LENGTH).
export const QUESTION_MAX = 2000;
const RECIPIENTS: Recipient[] = ["hr", "leader", "communications"];

/** Before day one a person may ask HR only (the API refuses the others with `before_start`). */
export function Ask({ preboarding }: { preboarding: boolean }) {
  const [questions, setQuestions] = useState<Question[] | null>(null);
  const [problem, setProblem] = useState("");
  const [status, setStatus] = useState("");

  async function load() {
    setProblem("");
    try {
      const { data, error } = await api.GET("/api/v1/questions/", { params: { query: { page_size: 50 } } });
      if (data) setQuestions(data.results);
      else setProblem(errorMessage(error, t("error")));
    } catch {
      setProblem(t("askOffline"));
    }
  }
  useEffect(() => {
    void load();
  }, []);

  return (
    <main id="main">
      <Title>{t("askTitle")}</Title>
      <p>{t("askIntro")}</p>
      <AskForm
        recipients={preboarding ? ["hr"] : RECIPIENTS}
        onSent={async () => {
          setStatus(t("askSent"));
          await load();
        }}
      />
      <p role="status" id="ask-status">
        {status}
      </p>
      <section aria-labelledby="mine-title">
        <h2 id="mine-title">{t("askMine")}</h2>
        {problem && <Problem message={problem} onRetry={load} />}
        {!questions && !problem && <Loading />}
        {questions?.length === 0 && <p class="muted">{t("askNone")}</p>}
        <ul class="cards" id="my-questions">
          {questions?.map((question) => (
            <li key={question.id} class="card" data-question={question.id} data-status={question.status}>
              <QuestionView question={question} />
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

function QuestionView({ question }: { question: Question }) {
  return (
    <article aria-labelledby={`q-${question.id}`}>
      <p class="meta">
        {t("askTo")} {t(`askRecipient_${question.recipient}` as Key)} · {formatDateTime(question.created_at)}
      </p>
      {/* html is made by the server: the plain text escaped, links as safe anchors (nh3) */}
      <p id={`q-${question.id}`} class="comment-text" dangerouslySetInnerHTML={{ __html: question.html }} />
      <p>
        <span class={question.status === "answered" ? "badge" : "badge quiet"}>
          {t(`askStatus_${question.status}` as Key)}
        </span>
      </p>
      {question.answered_at && (
        <div class="answer">
          <p class="meta">
            {t("askAnswerFrom")} <strong class="answered-as">{question.answered_as}</strong> ·{" "}
            {formatDateTime(question.answered_at)}
          </p>
          <p class="comment-text" dangerouslySetInnerHTML={{ __html: question.answer_html }} />
        </div>
      )}
    </article>
  );
}

function AskForm({ recipients, onSent }: { recipients: Recipient[]; onSent: () => Promise<void> }) {
  const [recipient, setRecipient] = useState<Recipient>(recipients[0] ?? "hr");
  const [text, setText] = useState("");
  const [problem, setProblem] = useState("");
  const [sending, setSending] = useState(false);
  const [online, setOnline] = useState(navigator.onLine);
  const textRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    addEventListener("online", on);
    addEventListener("offline", off);
    return () => {
      removeEventListener("online", on);
      removeEventListener("offline", off);
    };
  }, []);

  async function send(event: Event) {
    event.preventDefault();
    if (sending) return;
    if (!text.trim()) {
      setProblem(t("askEmpty"));
      textRef.current?.focus();
      return;
    }
    if (!navigator.onLine) {
      setProblem(t("askOffline"));
      return;
    }
    setSending(true);
    setProblem("");
    try {
      const { data, error } = await api.POST("/api/v1/questions/", { body: { recipient, text } });
      if (data) {
        setText("");
        await onSent();
      } else setProblem(errorMessage(error, t("error")));
    } catch {
      setProblem(t("askOffline"));
    } finally {
      setSending(false);
    }
  }

  return (
    <form class="ask-form" id="ask-form" onSubmit={send} noValidate>
      <fieldset>
        <legend>{t("askWho")}</legend>
        {recipients.map((value) => (
          <label key={value} class="option">
            <input
              type="radio"
              name="recipient"
              value={value}
              checked={recipient === value}
              onChange={() => setRecipient(value)}
            />
            {t(`askRecipient_${value}` as Key)}
          </label>
        ))}
        {recipients.length === 1 && <p class="muted">{t("askHrOnly")}</p>}
      </fieldset>
      <label for="ask-text">{t("askWrite")}</label>
      <textarea
        id="ask-text"
        ref={textRef}
        rows={4}
        maxLength={QUESTION_MAX}
        aria-describedby="ask-hint"
        aria-invalid={problem === t("askEmpty") ? true : undefined}
        value={text}
        onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
      />
      <p class="muted" id="ask-hint">
        {t("askHint")} ({text.length}/{QUESTION_MAX})
      </p>
      {!online && <p class="muted">{t("askOffline")}</p>}
      <button type="submit" class="button" id="ask-send" disabled={sending || !online}>
        {t("askSend")}
      </button>
      {problem && (
        <p role="alert" class="problem" id="ask-problem">
          {problem}
        </p>
      )}
    </form>
  );
}
