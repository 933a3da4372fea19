import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Schemas } from "../api/client";
import { formatDateTime, t } from "../i18n";
import { BackLink, Loading, Problem, Title } from "../ui";

type Wave = Schemas["OpenWave"];
type Question = Schemas["OpenQuestion"];
type Answer = Schemas["AnswerInputRequest"];

async function openWaves(): Promise<Wave[]> {
  const { data, error } = await api.GET("/api/v1/surveys/open/");
  if (!data) throw new Error(errorMessage(error, t("error")));
  return data.results;
}

export function Surveys() {
  const [waves, setWaves] = useState<Wave[] | null>(null);
  const [problem, setProblem] = useState("");
  async function load() {
    try {
      setWaves(await openWaves());
    } catch (e) {
      setProblem(e instanceof Error ? e.message : t("error"));
    }
  }
  useEffect(() => {
    void load();
  }, []);
  return (
    <main id="main">
      <Title>{t("surveysTitle")}</Title>
      {problem && <Problem message={problem} onRetry={load} />}
      {!waves && !problem && <Loading />}
      {waves?.length === 0 && <p class="muted">{t("surveysEmpty")}</p>}
      <ul class="cards">
        {waves?.map((wave) => (
          <li key={wave.id} class="card" data-wave={wave.id}>
            <a href={`#/survey/${wave.id}`}>
              <h2>{wave.survey.title}</h2>
              <span class="meta">
                {t("closes")} {formatDateTime(wave.closes_at)}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </main>
  );
}

function Scale({ question, low, high, lowLabel, highLabel, value, onChange }: {
  question: Question;
  low: number;
  high: number;
  lowLabel: string;
  highLabel: string;
  value: number | undefined;
  onChange: (value: number) => void;
}) {
  const values = Array.from({ length: high - low + 1 }, (_, i) => low + i);
  return (
    <div class="scale">
      <div class="scale-values">
        {values.map((v) => (
          <label key={v} class="scale-value">
            <input
              type="radio"
              name={`q${question.id}`}
              value={v}
              checked={value === v}
              required={question.required}
              onChange={() => onChange(v)}
            />
            <span>{v}</span>
          </label>
        ))}
      </div>
      <div class="scale-ends" aria-hidden="true">
        <span>{lowLabel}</span>
        <span>{highLabel}</span>
      </div>
    </div>
  );
}

/** One open wave as a form: a control for every question kind, then the knowledge feedback. */
export function SurveyForm({ waveId }: { waveId: number }) {
  const [wave, setWave] = useState<Wave | null>(null);
  const [problem, setProblem] = useState("");
  const [answers, setAnswers] = useState<Record<number, Answer>>({});
  const [receipt, setReceipt] = useState<Schemas["ResponseReceipt"] | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    openWaves()
      .then((waves) => {
        const found = waves.find((w) => w.id === waveId);
        if (found) setWave(found);
        else setProblem(t("surveysEmpty"));
      })
      .catch((e) => setProblem(e instanceof Error ? e.message : t("error")));
  }, [waveId]);

  if (receipt && wave) return <Receipt wave={wave} receipt={receipt} answers={answers} />;
  if (problem && !wave) return <main id="main"><BackLink to="#/surveys" /><Problem message={problem} /></main>;
  if (!wave) return <main id="main"><Loading /></main>;

  const set = (question: Question, answer: Omit<Answer, "question">) =>
    setAnswers({ ...answers, [question.id]: { question: question.id, ...answer } });
  const toggle = (question: Question, option: number, checked: boolean) => {
    const current = answers[question.id]?.options ?? [];
    const options = checked ? [...current, option] : current.filter((o) => o !== option);
    set(question, { options });
  };

  async function submit(event: Event) {
    event.preventDefault();
    if (!wave) return;
    setBusy(true);
    setProblem("");
    const body = {
      answers: Object.values(answers).filter(
        (a) => a.value != null || (a.options && a.options.length > 0) || (a.text && a.text.trim()),
      ),
    };
    const { data, error } = await api.POST("/api/v1/surveys/waves/{wave_id}/responses/", {
      params: { path: { wave_id: wave.id } },
      body,
    });
    setBusy(false);
    if (data) setReceipt(data);
    else setProblem(errorMessage(error, t("error")));
  }

  return (
    <main id="main">
      <BackLink to="#/surveys" />
      <Title>{wave.survey.title}</Title>
      {wave.survey.intro && <p>{wave.survey.intro}</p>}
      <p class="notice">{wave.anonymous ? t("anonymous") : t("notAnonymous")}</p>
      <form onSubmit={submit} id="survey-form">
        {wave.questions.map((q, index) => (
          <fieldset key={q.id} class="question" data-kind={q.kind}>
            <legend>
              {index + 1}. {q.text}
              {q.required && <span class="muted"> ({t("required")})</span>}
            </legend>
            {q.kind === "likert" && (
              <Scale question={q} low={1} high={5} lowLabel={t("likertLow")} highLabel={t("likertHigh")}
                value={answers[q.id]?.value ?? undefined} onChange={(v) => set(q, { value: v })} />
            )}
            {q.kind === "scale" && (
              <Scale question={q} low={0} high={10} lowLabel={t("scaleLow")} highLabel={t("scaleHigh")}
                value={answers[q.id]?.value ?? undefined} onChange={(v) => set(q, { value: v })} />
            )}
            {q.kind === "single" &&
              q.options.map((o) => (
                <label key={o.id} class="option">
                  <input type="radio" name={`q${q.id}`} value={o.id} required={q.required}
                    checked={answers[q.id]?.options?.[0] === o.id} onChange={() => set(q, { options: [o.id] })} />
                  {o.text}
                </label>
              ))}
            {(q.kind === "multiple" || q.kind === "knowledge") &&
              q.options.map((o) => (
                <label key={o.id} class="option">
                  <input type="checkbox" name={`q${q.id}`} value={o.id}
                    checked={answers[q.id]?.options?.includes(o.id) ?? false}
                    onChange={(e) => toggle(q, o.id, e.currentTarget.checked)} />
                  {o.text}
                </label>
              ))}
            {q.kind === "free_text" && (
              <textarea aria-label={q.text} name={`q${q.id}`} rows={4} maxLength={2000} required={q.required}
                value={answers[q.id]?.text ?? ""} onInput={(e) => set(q, { text: e.currentTarget.value })} />
            )}
          </fieldset>
        ))}
        {problem && <p class="problem" role="alert">{problem}</p>}
        <button class="button" type="submit" disabled={busy} id="submit-survey">
          {t("submit")}
        </button>
      </form>
    </main>
  );
}

function Receipt({ wave, receipt, answers }: {
  wave: Wave;
  receipt: Schemas["ResponseReceipt"];
  answers: Record<number, Answer>;
}) {
  return (
    <main id="main">
      <Title>{t("thanks")}</Title>
      {receipt.knowledge.map((feedback) => {
        const question = wave.questions.find((q) => q.id === feedback.question);
        if (!question) return null;
        const names = (ids: number[]) =>
          question.options.filter((o) => ids.includes(o.id)).map((o) => o.text).join(", ");
        return (
          <section key={feedback.question} class={feedback.correct ? "feedback done" : "feedback problem"}>
            <h2>{question.text}</h2>
            <p>
              <strong>{feedback.correct ? t("correct") : t("wrong")}</strong>
              {answers[question.id]?.options?.length ? ` — ${names(answers[question.id]!.options!)}` : ""}
            </p>
            {!feedback.correct && (
              <p>
                {t("correctAnswer")}: {names(feedback.correct_options)}
              </p>
            )}
          </section>
        );
      })}
      <a class="button" href="#/surveys">
        {t("back")}
      </a>
    </main>
  );
}
