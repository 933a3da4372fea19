import { describe, expect, it } from "vitest";
import { type FeedEntry, mergeFeed, nextSince } from "../src/offline/feed";

const post = (id: number, published_at: string, pinned = false, title = `v1-${id}`) => ({
  id,
  pinned,
  published_at,
  title,
});

describe("mergeFeed", () => {
  it("replaces a changed post, adds a new one and keeps the rest", () => {
    const cached = [post(2, "2026-01-02T00:00:00Z"), post(1, "2026-01-01T00:00:00Z")];
    const changed = [post(1, "2026-01-01T00:00:00Z", false, "v2-1"), post(3, "2026-01-03T00:00:00Z")];
    expect(mergeFeed(cached, changed, [])).toEqual([
      post(3, "2026-01-03T00:00:00Z"),
      post(2, "2026-01-02T00:00:00Z"),
      post(1, "2026-01-01T00:00:00Z", false, "v2-1"),
    ]);
  });

  it("drops removed ids, also when the delta carries them", () => {
    const cached = [post(2, "2026-01-02T00:00:00Z"), post(1, "2026-01-01T00:00:00Z")];
    expect(mergeFeed(cached, [post(2, "2026-01-02T00:00:00Z")], [2, 99])).toEqual([
      post(1, "2026-01-01T00:00:00Z"),
    ]);
  });

  it("puts pinned posts first, then newest, then highest id", () => {
    const merged = mergeFeed<FeedEntry>(
      [post(1, "2026-01-01T00:00:00Z"), post(2, "2026-01-05T00:00:00Z")],
      [post(3, "2025-12-01T00:00:00Z", true), post(4, "2026-01-05T00:00:00Z")],
      [],
    );
    expect(merged.map((entry) => entry.id)).toEqual([3, 4, 2, 1]);
  });

  it("is idempotent: the same delta twice gives the same feed", () => {
    const cached = [post(1, "2026-01-01T00:00:00Z")];
    const delta = [post(2, "2026-01-02T00:00:00Z")];
    const once = mergeFeed(cached, delta, [1]);
    expect(mergeFeed(once, delta, [1])).toEqual(once);
  });
});

describe("nextSince", () => {
  it("overlaps by the skew allowance", () => {
    expect(nextSince(new Date("2026-01-05T08:00:00Z"))).toBe("2026-01-05T07:59:00.000Z");
  });
});
