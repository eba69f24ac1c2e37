// Resource state machine: every one of the 7 × 7 (from, to) pairs, legal ones applied and reported,
// illegal ones thrown as ERR_ETHER_LIFECYCLE naming the resource, from and to; then every driver
// method from every state, reached through the drivers themselves.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RESOURCE_STATES, Resource, TRANSITIONS, canTransition, type ResourceState, type TransitionEvent } from "../../src/lifecycle/index.js";

// The table, written out here independently of the source, so a change to either is a failing test.
const LEGAL = new Set([
  "created→initializing",
  "created→closing",
  "initializing→ready",
  "initializing→failed",
  "initializing→closing",
  "ready→degraded",
  "ready→failed",
  "ready→closing",
  "degraded→ready",
  "degraded→failed",
  "degraded→closing",
  "failed→initializing",
  "failed→closing",
  "closing→closed",
]);

/** Exposes the raw transition so every pair can be tried. */
class Probe extends Resource {
  force(to: ResourceState, reason?: string): void {
    this.transition(to, reason);
  }
}

/** A legal path from created to each state. */
const PATH: Record<ResourceState, ResourceState[]> = {
  created: [],
  initializing: ["initializing"],
  ready: ["initializing", "ready"],
  degraded: ["initializing", "ready", "degraded"],
  failed: ["initializing", "failed"],
  closing: ["closing"],
  closed: ["closing", "closed"],
};

function probeIn(state: ResourceState): { probe: Probe; events: TransitionEvent[] } {
  let now = 1000;
  const probe = new Probe("probe", undefined, { clock: () => now++ });
  for (const step of PATH[state]) probe.force(step);
  const events: TransitionEvent[] = [];
  probe.onTransition((e) => events.push(e));
  return { probe, events };
}

describe("resource transitions (raw)", () => {
  it("TRANSITIONS and canTransition match the documented table", () => {
    for (const from of RESOURCE_STATES) {
      for (const to of RESOURCE_STATES) assert.equal(canTransition(from, to), LEGAL.has(`${from}→${to}`), `${from}→${to}`);
      assert.deepEqual([...TRANSITIONS[from]].sort(), RESOURCE_STATES.filter((to) => LEGAL.has(`${from}→${to}`)).sort());
    }
    assert.ok(Object.isFrozen(TRANSITIONS) && Object.isFrozen(TRANSITIONS.ready));
  });

  for (const from of RESOURCE_STATES) {
    for (const to of RESOURCE_STATES) {
      const legal = LEGAL.has(`${from}→${to}`);
      it(`${from} → ${to} is ${legal ? "legal" : "illegal"}`, () => {
        const { probe, events } = probeIn(from);
        assert.equal(probe.state, from);
        if (legal) {
          const before = probe.since;
          probe.force(to, "because");
          assert.equal(probe.state, to);
          assert.equal(probe.reason, "because");
          assert.ok(probe.since > before);
          assert.deepEqual(events, [{ resource: "probe", from, to, reason: "because", time: probe.since }]);
          assert.ok(Object.isFrozen(events[0]));
        } else {
          assert.throws(
            () => probe.force(to, "because"),
            (e: Error & { code?: string; details?: Record<string, unknown> }) => {
              assert.equal(e.code, "ERR_ETHER_LIFECYCLE");
              assert.ok(e.message.includes(`resource "probe": illegal transition ${from} → ${to}`), e.message);
              assert.deepEqual(e.details, { resource: "probe", from, to, allowed: TRANSITIONS[from] });
              return true;
            },
          );
          assert.equal(probe.state, from);
          assert.deepEqual(events, []);
        }
      });
    }
  }

  it("the illegal-transition message says where the state may go, or that closed is final", () => {
    assert.throws(() => probeIn("ready").probe.force("initializing"), { message: /from ready it may go to degraded, failed, closing/ });
    assert.throws(() => probeIn("closed").probe.force("closing"), { message: /closed is final/ });
  });
});

// Driver methods from every state. Each state is reached through the drivers, with hooks that can be
// held open (a pending initialize keeps "initializing", a pending cleanup keeps "closing").
type Driver = "start" | "close" | "markDegraded" | "markRecovered" | "markFailed" | "runRecovery";

const DRIVER_TARGET: Record<Driver, ResourceState | "stays"> = {
  start: "initializing",
  close: "closing",
  markDegraded: "degraded",
  markRecovered: "ready",
  markFailed: "failed",
  runRecovery: "stays",
};

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function reach(state: ResourceState): Promise<{ r: Resource; release: () => void }> {
  const hold = deferred();
  let holdInit = false;
  let holdCleanup = false;
  const r = new Resource("driven", {
    initialize: () => (holdInit ? hold.promise : undefined),
    cleanup: () => (holdCleanup ? hold.promise : undefined),
  });
  const release = hold.resolve;
  switch (state) {
    case "created":
      break;
    case "initializing":
      holdInit = true;
      void r.start().catch(() => {});
      break;
    case "ready":
      await r.start();
      break;
    case "degraded":
      await r.start();
      r.markDegraded("slow");
      break;
    case "failed":
      await r.start();
      r.markFailed("crashed");
      break;
    case "closing":
      await r.start();
      holdCleanup = true;
      void r.close().catch(() => {});
      await new Promise((resolve) => setImmediate(resolve));
      break;
    case "closed":
      await r.close();
      break;
  }
  assert.equal(r.state, state);
  return { r, release };
}

describe("resource drivers from every state", () => {
  for (const from of RESOURCE_STATES) {
    for (const driver of Object.keys(DRIVER_TARGET) as Driver[]) {
      const target = DRIVER_TARGET[driver];
      // close() is idempotent rather than illegal once closing has begun; runRecovery needs degraded.
      const ok =
        driver === "close" ? true : driver === "runRecovery" ? from === "degraded" : LEGAL.has(`${from}→${target}`);
      it(`${driver}() from ${from} ${ok ? "works" : "throws ERR_ETHER_LIFECYCLE"}`, async () => {
        const { r, release } = await reach(from);
        const events: TransitionEvent[] = [];
        r.onTransition((e) => events.push(e));
        const call = (): unknown => {
          switch (driver) {
            case "start":
              return r.start();
            case "close":
              return r.close();
            case "markDegraded":
              return r.markDegraded("slow");
            case "markRecovered":
              return r.markRecovered();
            case "markFailed":
              return r.markFailed(new Error("boom"));
            case "runRecovery":
              return r.runRecovery();
          }
        };
        if (!ok) {
          await assert.rejects(async () => call(), { code: "ERR_ETHER_LIFECYCLE", message: /"driven"/ });
          assert.equal(r.state, from);
          assert.deepEqual(events, []);
          release();
          return;
        }
        const result = call();
        if (driver === "close" && (from === "closing" || from === "closed")) {
          assert.deepEqual(events, [], "a repeated close() requests no transition");
        } else if (target !== "stays") {
          assert.equal(events[0]?.from, from);
          assert.equal(events[0]?.to, target);
        }
        release();
        await Promise.resolve(result).catch(() => {});
      });
    }
  }
});
