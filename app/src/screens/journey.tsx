import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Schemas } from "../api/client";
import { formatDate, t } from "../i18n";
import { queue } from "../offline/store";
import { BackLink, Loading, Problem, Title } from "../ui";

type Step = Schemas["JourneyStep"];
type Mine = Schemas["MyJourneyResponse"];

export async function sendComplete(stepId: number): Promise<"done" | "refused" | "offline"> {
  try {
    const { data, response } = await api.POST("/api/v1/onboarding/steps/{id}/complete/", {
      params: { path: { id: stepId } },
      body: {},
    });
    if (data) return "done";
    return response.status >= 500 ? "offline" : "refused";
  } catch {
    return "offline";
  }
}

function status(step: Step): string {
  if (step.status === "done") return `✓ ${t("stepDone")}`;
  if (step.status === "skipped") return t("stepSkipped");
  if (queue.has((a) => a.kind === "complete_step" && a.stepId === step.id)) return t("completeQueued");
  if (step.locked) return t("stepLocked");
  if (step.overdue) return t("overdue");
  return `${t("due")} ${formatDate(step.due_at)}`;
}

export function Journey({ onPreboarding }: { onPreboarding: (value: boolean) => void }) {
  const [mine, setMine] = useState<Mine | null>(null);
  const [problem, setProblem] = useState("");
  async function load() {
    try {
      const { data, error } = await api.GET("/api/v1/onboarding/my-journey/");
      if (data) {
        setMine(data);
        onPreboarding(data.preboarding);
      } else setProblem(errorMessage(error, t("error")));
    } catch {
      setProblem(t("offline"));
    }
  }
  useEffect(() => {
    void load();
  }, []);
  return (
    <main id="main">
      <Title>{t("journeyTitle")}</Title>
      {problem && <Problem message={problem} onRetry={load} />}
      {!mine && !problem && <Loading />}
      {mine?.preboarding && <p class="notice">{t("preboarding")}</p>}
      {mine && mine.journeys.length === 0 && <p class="muted">{t("journeyNone")}</p>}
      {mine?.journeys.map((journey) => (
        <section key={journey.id} aria-labelledby={`journey-${journey.id}`}>
          <h2 id={`journey-${journey.id}`}>{journey.track.name}</h2>
          <div class="progress">
            <progress max={100} value={journey.percent_done} aria-labelledby={`pct-${journey.id}`} />
            <span id={`pct-${journey.id}`}>
              {journey.percent_done} % {t("percentDone")}
            </span>
          </div>
          <ol class="cards steps">
            {journey.steps
              .filter((step) => step.doer === "new_hire")
              .map((step) => (
                <li key={step.id} class={`card step-${step.status}`} data-step={step.id}>
                  <a href={`#/step/${step.id}`}>
                    <span class="meta">
                      {t("day")} {step.day}
                    </span>
                    <h3>{step.title}</h3>
                    <span class="meta">{status(step)}</span>
                  </a>
                </li>
              ))}
          </ol>
        </section>
      ))}
    </main>
  );
}

export function StepScreen({ id }: { id: number }) {
  const [step, setStep] = useState<Step | null>(null);
  const [problem, setProblem] = useState("");
  const [note, setNote] = useState("");
  const [answers, setAnswers] = useState<Record<string, number[]>>({});
  const [result, setResult] = useState<Schemas["StepQuizResult"] | null>(null);

  async function load() {
    try {
      const { data, error } = await api.GET("/api/v1/onboarding/steps/{id}/", { params: { path: { id } } });
      if (data) setStep(data);
      else setProblem(errorMessage(error, t("error")));
    } catch {
      setProblem(t("offline"));
    }
  }
  useEffect(() => {
    void load();
  }, [id]);

  if (problem) return <main id="main"><BackLink to="#/journey" /><Problem message={problem} onRetry={load} /></main>;
  if (!step) return <main id="main"><Loading /></main>;

  async function complete(event: Event) {
    event.preventDefault();
    if (!step) return;
    if (step.kind === "quiz") {
      const { data, error } = await api.POST("/api/v1/onboarding/steps/{id}/complete/", {
        params: { path: { id: step.id } },
        body: { answers },
      });
      if (data) {
        setResult(data.quiz_result);
        setStep(data.step);
      } else setNote(errorMessage(error, t("error")));
      return;
    }
    const outcome = navigator.onLine ? await sendComplete(step.id) : "offline";
    if (outcome === "offline") {
      queue.add({ kind: "complete_step", stepId: step.id, title: step.title, queuedAt: new Date().toISOString() });
      setNote(t("completeQueued"));
    } else if (outcome === "done") {
      await load();
    } else setNote(t("error"));
  }

  function toggle(question: number, option: number, checked: boolean) {
    const key = String(question);
    const current = answers[key] ?? [];
    setAnswers({ ...answers, [key]: checked ? [...current, option] : current.filter((o) => o !== option) });
  }

  const open = step.status === "open" && !step.locked;
  return (
    <main id="main">
      <BackLink to="#/journey" />
      <p class="meta">
        {t("day")} {step.day} · {status(step)}
      </p>
      <Title>{step.title}</Title>
      <div class="body" dangerouslySetInnerHTML={{ __html: step.body_html }} />
      {step.post && (
        <p>
          <a class="button secondary" href={`#/post/${step.post.id}`}>
            {t("readPost")}: {step.post.title}
          </a>
        </p>
      )}
      {step.url && (
        <p>
          <a class="button secondary" href={step.url} rel="noopener noreferrer" target="_blank">
            {t("openLink")}
          </a>
        </p>
      )}
      {(step.meet_person || step.meet_with) && (
        <p>
          {t("meetWith")}: {step.meet_person?.name ?? step.meet_with}
        </p>
      )}
      {result && (
        <p class={result.passed ? "done" : "problem"} role="status" id="quiz-result">
          {result.passed ? t("quizPassed") : t("quizFailed")} — {t("score")}: {result.score} / {result.pass_mark}
        </p>
      )}
      {open && (
        <form onSubmit={complete}>
          {step.kind === "quiz" &&
            step.quiz.map((question, index) => (
              <fieldset key={question.id} class="question">
                <legend>
                  {index + 1}. {question.text}
                </legend>
                {question.options.map((option) => (
                  <label key={option.id} class="option">
                    <input
                      type="checkbox"
                      name={`q${question.id}`}
                      value={option.id}
                      onChange={(e) => toggle(question.id, option.id, e.currentTarget.checked)}
                    />
                    {option.text}
                  </label>
                ))}
              </fieldset>
            ))}
          <button class="button" type="submit" id="complete-step">
            {step.kind === "quiz" ? t("submitQuiz") : t("complete")}
          </button>
        </form>
      )}
      {note && <p role="status">{note}</p>}
    </main>
  );
}
