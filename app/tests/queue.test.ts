import { describe, expect, it } from "vitest";
import { MemoryStore, OfflineQueue, type QueuedAction, type SendOutcome } from "../src/offline/queue";

const ack = (postId: number): QueuedAction => ({
  kind: "acknowledge",
  postId,
  title: `Opslag ${postId}`,
  queuedAt: "2026-01-05T08:00:00Z",
});
const step = (stepId: number): QueuedAction => ({
  kind: "complete_step",
  stepId,
  title: `Trin ${stepId}`,
  queuedAt: "2026-01-05T08:01:00Z",
});

describe("OfflineQueue", () => {
  it("keeps actions in the order they were taken, each target once", () => {
    const queue = new OfflineQueue(new MemoryStore());
    queue.add(ack(1));
    queue.add(step(7));
    queue.add(ack(1));
    expect(queue.list()).toEqual([ack(1), step(7)]);
  });

  it("replays everything in order when the network answers", async () => {
    const queue = new OfflineQueue(new MemoryStore());
    queue.add(ack(1));
    queue.add(step(7));
    const sent: QueuedAction[] = [];
    const results = await queue.replay(async (action) => {
      sent.push(action);
      return "done";
    });
    expect(sent).toEqual([ack(1), step(7)]);
    expect(results).toEqual([
      { action: ack(1), outcome: "done" },
      { action: step(7), outcome: "done" },
    ]);
    expect(queue.list()).toEqual([]);
  });

  it("stops at a network failure and keeps that action and the rest", async () => {
    const queue = new OfflineQueue(new MemoryStore());
    queue.add(ack(1));
    queue.add(ack(2));
    queue.add(step(7));
    const outcomes: SendOutcome[] = ["done", "offline"];
    const results = await queue.replay(async () => outcomes.shift() ?? "done");
    expect(results).toEqual([{ action: ack(1), outcome: "done" }]);
    expect(queue.list()).toEqual([ack(2), step(7)]);
  });

  it("treats a thrown fetch as offline", async () => {
    const queue = new OfflineQueue(new MemoryStore());
    queue.add(ack(3));
    const results = await queue.replay(async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(results).toEqual([]);
    expect(queue.list()).toEqual([ack(3)]);
  });

  it("drops a refused action with its outcome and goes on", async () => {
    const queue = new OfflineQueue(new MemoryStore());
    queue.add(ack(4));
    queue.add(ack(5));
    const results = await queue.replay(async (action) =>
      action.kind === "acknowledge" && action.postId === 4 ? "refused" : "done",
    );
    expect(results).toEqual([
      { action: ack(4), outcome: "refused" },
      { action: ack(5), outcome: "done" },
    ]);
    expect(queue.list()).toEqual([]);
  });

  it("runs one replay at a time", async () => {
    const queue = new OfflineQueue(new MemoryStore());
    queue.add(ack(1));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const first = queue.replay(async () => {
      calls += 1;
      await gate;
      return "done";
    });
    const second = await queue.replay(async () => {
      calls += 1;
      return "done";
    });
    release();
    expect(second).toEqual([]);
    expect(await first).toEqual([{ action: ack(1), outcome: "done" }]);
    expect(calls).toBe(1);
  });

  it("survives a corrupt store", () => {
    const store = new MemoryStore();
    store.setItem("bro.queue.v1", "{not json");
    const queue = new OfflineQueue(store);
    expect(queue.list()).toEqual([]);
    queue.add(ack(1));
    expect(queue.list()).toEqual([ack(1)]);
  });
});
