/**
 * What a `<scenario>.bench.ts` module exports: its cases (with implementations and goals), how to run
 * one trial of a case in the current (fresh) process, and the roles its workers play.
 */

/** Units a result can be reported in. */
export type Metric = "msgs/s" | "GB/s" | "us" | "%cpu";

/** Trial lengths: quick mode shortens them so the whole suite stays under a minute. */
export interface TrialOptions {
  readonly quick: boolean;
  /** Time a streaming trial runs before its measured window opens. */
  readonly warmMs: number;
  /** Length of the measured window of a streaming trial. */
  readonly measureMs: number;
  /** Length of the idle window of the idle-cpu case. */
  readonly idleMs: number;
}

/** The values one trial measured, by metric. */
export type TrialValues = Partial<Record<Metric, number>>;

/** One implementation measured in a case. */
export interface ImplDef {
  readonly name: string;
  /** Measured only in full runs (left out of `--quick` to stay within its time budget). */
  readonly fullOnly?: boolean;
  /** Overrides the case's `cores` for this implementation. */
  readonly cores?: number;
}

/** A named reference to one measured median. */
export interface Operand {
  readonly case: string;
  readonly impl: string;
  readonly metric: Metric;
}

/**
 * A goal of the issue, computed from medians of one run: `a / b` (ratio) or `a - b` (diff),
 * compared against `target` with `op`.
 */
export interface GoalDef {
  readonly label: string;
  readonly kind: "ratio" | "diff";
  readonly a: Operand;
  readonly b: Operand;
  readonly op: ">=" | "<=" | "<";
  readonly target: number;
}

export interface CaseDef {
  readonly name: string;
  readonly impls: readonly ImplDef[];
  readonly goals: readonly GoalDef[];
  /** One line for the README and `--list`. */
  readonly what: string;
  /**
   * Cores a trial keeps busy on an idle machine (2: two spinning threads; 1: single thread). Rows
   * whose median falls below 3/4 of it are flagged as starved by other work on the machine.
   */
  readonly cores?: number;
  /**
   * Warm-up of this case in every run when the run's is shorter: a case whose threads take longer to
   * reach their steady rate (JIT compiling on two cores while more threads than cores run).
   */
  readonly warmMs?: number;
  /**
   * `--quick` settings of this case where they differ from the run's: windows (a case whose trials
   * need a longer warm-up) and repeats (a case whose trials cost seconds of start-up each, so that
   * the quick run stays under a minute). `--repeats` overrides `repeats`.
   */
  readonly quick?: { readonly warmMs?: number; readonly measureMs?: number; readonly repeats?: number };
}

/** Runs in a worker; receives the data its trial gave it and the trial's control block. */
export type RoleFn = (data: any, ctl: Int32Array, opts: TrialOptions) => unknown | Promise<unknown>;

export interface Scenario {
  /** The `suite` column of the results. */
  readonly suite: string;
  readonly cases: readonly CaseDef[];
  /** Runs one trial of `caseName` with `impl` in this process (spawning its own fresh workers). */
  trial(caseName: string, impl: string, opts: TrialOptions): Promise<TrialValues>;
  /** Worker roles by name; `worker.ts` dispatches on the scenario's suite and the role name. */
  readonly roles: Readonly<Record<string, RoleFn>>;
}
