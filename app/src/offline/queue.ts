/**
 * The offline queue: actions taken without signal (acknowledge a must-read, complete a journey
 * step) are stored and sent when the phone is back online, in the order they were taken.
 *
 * Pure logic over a small storage interface, so it runs in Vitest and in the page alike.
 * An action whose send is refused by the server (4xx) is dropped with its error, not retried
 * for ever; a network failure keeps it (and everything after it) for the next attempt.
 */

export type QueuedAction =
  | { kind: "acknowledge"; postId: number; title: string; queuedAt: string }
  | { kind: "complete_step"; stepId: number; title: string; queuedAt: string };

export type SendOutcome = "done" | "refused" | "offline";

export interface ReplayResult {
  action: QueuedAction;
  outcome: Exclude<SendOutcome, "offline">;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = "bro.queue.v1";

function sameTarget(a: QueuedAction, b: QueuedAction): boolean {
  if (a.kind === "acknowledge" && b.kind === "acknowledge") return a.postId === b.postId;
  if (a.kind === "complete_step" && b.kind === "complete_step") return a.stepId === b.stepId;
  return false;
}

export class OfflineQueue {
  private replaying = false;

  constructor(private readonly store: KeyValueStore) {}

  list(): QueuedAction[] {
    try {
      const raw = this.store.getItem(KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as QueuedAction[]) : [];
    } catch {
      return [];
    }
  }

  private save(actions: QueuedAction[]): void {
    this.store.setItem(KEY, JSON.stringify(actions));
  }

  /** Add an action; the same action on the same target twice is queued once. */
  add(action: QueuedAction): void {
    const actions = this.list();
    if (!actions.some((queued) => sameTarget(queued, action))) {
      actions.push(action);
      this.save(actions);
    }
  }

  has(predicate: (action: QueuedAction) => boolean): boolean {
    return this.list().some(predicate);
  }

  /**
   * Send queued actions in order. Stops at the first network failure and keeps the rest.
   * Only one replay runs at a time (an "online" event and a timer may fire together).
   */
  async replay(send: (action: QueuedAction) => Promise<SendOutcome>): Promise<ReplayResult[]> {
    if (this.replaying) return [];
    this.replaying = true;
    const results: ReplayResult[] = [];
    try {
      for (;;) {
        const [next] = this.list();
        if (!next) break;
        let outcome: SendOutcome;
        try {
          outcome = await send(next);
        } catch {
          outcome = "offline";
        }
        if (outcome === "offline") break;
        // Remove exactly the action sent (another tab may have added more meanwhile).
        this.save(this.list().filter((queued) => !sameTarget(queued, next)));
        results.push({ action: next, outcome });
      }
    } finally {
      this.replaying = false;
    }
    return results;
  }
}

/** An in-memory store, for tests and for browsers that refuse localStorage. */
export class MemoryStore implements KeyValueStore {
  private readonly values = new Map<string, string>();
  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.values.set(key, value);
  }
}
