/** Small shared pieces: the page heading that takes focus, status lines, buttons. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "./i18n";

/** Each screen's h1 takes focus when the screen opens, so a screen reader announces it. */
export function Title({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref} id="screen-title">
      {children}
    </h1>
  );
}

export function Loading() {
  return (
    <p class="muted" role="status">
      {t("loading")}
    </p>
  );
}

export function Problem({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div class="problem" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" class="button secondary" onClick={onRetry}>
          {t("retry")}
        </button>
      )}
    </div>
  );
}

export function BackLink({ to }: { to: string }) {
  return (
    <a class="back" href={to}>
      ← {t("back")}
    </a>
  );
}

/** Offer a file fetched with the session token as a download, without opening a new page. */
export function saveBlob(url: string, filename: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
