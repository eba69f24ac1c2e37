/**
 * The benchmark runner: `npm run bench [-- --quick] [-- --case spsc-64B,rtt-spin] [-- --repeats 7]`.
 *
 * Every trial runs in a fresh `node dist/bench/trial.js` process that starts its own workers. Trials
 * are interleaved: repeat r runs every selected case and, within a case, every implementation (in an
 * order rotated per repeat), so drift on this shared machine hits all implementations alike. The
 * runner prints a table of median/min/max per case, implementation and metric, then the goals
 * computed from those medians, and writes `bench/results/latest.json`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { GoalDef, Metric, TrialOptions, TrialValues } from "./lib/scenario.js";
import { type Summary, summarize } from "./lib/stats.js";
import { loadCases } from "./scenarios.js";
import { procSessionId } from "./lib/processes.js";

const CASES = await loadCases();

interface Args {
  quick: boolean;
  cases: string[];
  impls: string[];
  repeats: number | undefined;
  retries: number;
  list: boolean;
  out: string;
}

const REPO = new URL("../../", import.meta.url);
const TRIAL = fileURLToPath(new URL("./trial.js", import.meta.url));
const DEFAULT_OUT = fileURLToPath(new URL("bench/results/latest.json", REPO));

const USAGE = `usage: npm run bench -- [--quick] [--case NAME[,NAME...]]... [--impl NAME[,NAME...]]...
                        [--repeats N] [--retries N] [--out FILE] [--list]
  --quick     3 repeats of shorter trials (whole suite < 60 s); default 5 repeats
  --case      run only these cases (repeatable or comma list)
  --impl      run only these implementations (goals then show n/a where a peer is missing)
  --repeats   trials per case and implementation
  --retries   times a starved trial (far fewer cores busy than on an idle machine) is run again;
              default 2 (quick mode: only while the run stays within ~52 s)
  --out       where to write the JSON (default bench/results/latest.json)
  --list      print the cases and implementations, run nothing`;

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, cases: [], impls: [], repeats: undefined, retries: 2, list: false, out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case "--quick":
        args.quick = true;
        break;
      case "--case":
      case "--cases":
        args.cases.push(...value().split(",").filter(Boolean));
        break;
      case "--impl":
      case "--impls":
        args.impls.push(...value().split(",").filter(Boolean));
        break;
      case "--repeats": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error(`--repeats must be a whole number >= 1, got ${n}`);
        args.repeats = n;
        break;
      }
      case "--retries": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0) throw new Error(`--retries must be a whole number >= 0, got ${n}`);
        args.retries = n;
        break;
      }
      case "--out":
        args.out = value();
        break;
      case "--list":
        args.list = true;
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        process.exit(0);
      default:
        throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  const known = CASES.map((c) => c.def.name);
  for (const c of args.cases) {
    if (!known.includes(c)) throw new Error(`unknown case ${c}; known cases: ${known.join(", ")}`);
  }
  const impls = new Set(CASES.flatMap((c) => c.def.impls.map((i) => i.name)));
  for (const i of args.impls) {
    if (!impls.has(i)) throw new Error(`unknown impl ${i}; known impls: ${[...impls].join(", ")}`);
  }
  return args;
}

interface PlannedTrial {
  suite: string;
  case: string;
  impl: string;
  /** The run's trial options, with the case's quick settings applied. */
  opts: TrialOptions;
  /** Cores the trial keeps busy on an idle machine, when known. */
  expectCores: number | undefined;
  /** Which repeat of its case and impl this is, from 0 (the plan runs round by round). */
  round: number;
}

/** Quick mode keeps at least this many repeats of every trial, whatever the time budget says. */
const QUICK_MIN_REPEATS = 2;

interface TrialOutcome {
  ok: boolean;
  values?: TrialValues;
  cores?: number;
  warnings?: string[];
  error?: string;
}

/** Runs one trial in a fresh process. */
function runTrial(t: PlannedTrial): Promise<TrialOutcome> {
  const opts = t.opts;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TRIAL, JSON.stringify({ suite: t.suite, case: t.case, impl: t.impl, opts })], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    const limit = opts.idleMs + 60_000;
    const timer = setTimeout(() => {
      err += `\nkilled after ${limit} ms`;
      child.kill("SIGKILL");
    }, limit);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const left = child.pid === undefined ? [] : removeLeftSegments(child.pid);
      const last = out.trim().split("\n").pop() ?? "";
      let outcome: TrialOutcome;
      try {
        const parsed = JSON.parse(last) as TrialOutcome;
        outcome = parsed.ok ? parsed : { ok: false, error: parsed.error ?? err };
      } catch {
        outcome = { ok: false, error: `trial exited with code ${code}${signal ? ` (${signal})` : ""}: ${(err || out).trim().slice(-2000)}` };
      }
      if (left.length > 0) {
        const note = `left ${left.length} shm segment(s) behind (removed): ${left.join(" ")}`;
        if (outcome.ok) outcome.warnings = [...(outcome.warnings ?? []), note];
        else outcome.error = `${outcome.error}\n${note}`;
      }
      resolve(outcome);
    });
  });
}

/**
 * The spinning round trip between the two cores (raw-sab's rtt-spin, a short trial), in µs, or NaN
 * if it failed. This VM has two modes that last minutes to hours: ~0.3 µs (fast) and ~1.4 µs (slow,
 * the cores far apart); every figure that moves cache lines between cores follows it, and peers
 * follow it by other factors, so a run prints it at its start and end.
 */
async function probeCrossCore(): Promise<number> {
  const opts: TrialOptions = { quick: true, warmMs: 30, measureMs: 100, idleMs: 1000 };
  const outcome = await runTrial({ suite: "rtt", case: "rtt-spin", impl: "raw-sab", opts, expectCores: 2, round: 0 });
  return outcome.ok ? (outcome.values?.["us"] ?? NaN) : NaN;
}

/** A probe's result, or why there is none. */
const fmtProbe = (us: number): string => (Number.isFinite(us) ? `${us.toFixed(2)} µs` : "not measured (the probe failed)");

/** Which mode of this VM the probes say the run saw. */
function probeMode(...us: number[]): string {
  const seen = us.filter(Number.isFinite).map((x) => (x < 0.7 ? "fast" : "slow"));
  const modes = [...new Set(seen)];
  if (modes.length === 0) return "mode unknown";
  return modes.length === 1 ? `this VM's ${modes[0]} mode` : "both modes of this VM";
}

/**
 * Removes the shm segments a finished trial process left behind (a cross-process trial names them
 * after its pid, see `procSessionId`); normally there are none. Returns their names.
 */
function removeLeftSegments(pid: number): string[] {
  const prefix = `ether-${procSessionId(pid)}-`;
  let names: string[];
  try {
    names = readdirSync("/dev/shm").filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  for (const n of names) rmSync(`/dev/shm/${n}`, { force: true });
  return names;
}

// ---- formatting ----

function fmtValue(metric: Metric, v: number): string {
  switch (metric) {
    case "msgs/s":
      return v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0);
    case "GB/s":
      return v.toFixed(2);
    case "us":
      return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
    case "%cpu":
      return v.toFixed(2);
  }
}

function table(header: string[], rows: string[][], rightAlign: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

interface ResultRow extends Summary {
  /** Median cores the trial processes kept busy (printed only: shows starved trials). */
  cores: number;
  /** Cores the trial keeps busy on an idle machine, when the case says. */
  expectCores: number | undefined;
  suite: string;
  case: string;
  impl: string;
  metric: Metric;
}

/**
 * Quick mode retries a starved trial, and runs a repeat past the first QUICK_MIN_REPEATS, only while
 * the run still looks like ending within this: `npm run bench`'s build before it (~3 s), the two
 * probes and trials that run long anyway must still fit in 60 s.
 */
const QUICK_BUDGET_MS = 52_000;

/** A trial kept busy under this share of the cores it uses on an idle machine: starved. */
const STARVED_SHARE = 0.75;

function isStarved(o: TrialOutcome, t: PlannedTrial): boolean {
  return o.ok && t.expectCores !== undefined && o.cores !== undefined && o.cores < STARVED_SHARE * t.expectCores;
}

/** True when the row's trials kept well under the cores they use on an idle machine. */
function starved(r: ResultRow): boolean {
  return r.expectCores !== undefined && r.cores < STARVED_SHARE * r.expectCores;
}

function evaluateGoal(g: GoalDef, rows: readonly ResultRow[], planned: ReadonlySet<string>): { value: string; status: string } {
  const find = (o: GoalDef["a"]): ResultRow | undefined =>
    rows.find((r) => r.case === o.case && r.impl === o.impl && r.metric === o.metric);
  const a = find(g.a);
  const b = find(g.b);
  if (!a || !b) {
    const ran = planned.has(`${g.a.case} ${g.a.impl}`) && planned.has(`${g.b.case} ${g.b.impl}`);
    return { value: "n/a", status: ran ? "n/a (trials failed)" : "n/a (not run)" };
  }
  const v = g.kind === "ratio" ? a.median / b.median : a.median - b.median;
  const met = g.op === ">=" ? v >= g.target : g.op === "<=" ? v <= g.target : v < g.target;
  const value = g.kind === "ratio" ? `${v.toFixed(2)}x` : `${v >= 0 ? "+" : ""}${v.toFixed(2)} ${g.a.metric}`;
  return { value, status: (met ? "met" : "NOT MET") + (starved(a) || starved(b) ? " (starved: unreliable)" : "") };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const selected = CASES.filter((c) => args.cases.length === 0 || args.cases.includes(c.def.name));
  if (args.list) {
    const width = Math.max(...CASES.map((c) => c.def.name.length));
    for (const c of CASES) {
      console.log(`${c.def.name.padEnd(width)} ${c.def.impls.map((i) => i.name + (i.fullOnly ? " (full only)" : "")).join(", ")}`);
      console.log(`${"".padEnd(width)} ${c.def.what}`);
    }
    return;
  }
  const opts: TrialOptions = args.quick
    ? { quick: true, warmMs: 60, measureMs: 160, idleMs: 800 }
    : { quick: false, warmMs: 200, measureMs: 700, idleMs: 5000 };
  const repeats = args.repeats ?? (args.quick ? 3 : 5);
  const quickOf = (def: (typeof selected)[number]["def"]) => (args.quick ? def.quick : undefined);
  const repeatsOf = (def: (typeof selected)[number]["def"]): number => args.repeats ?? quickOf(def)?.repeats ?? repeats;
  const optsOf = (def: (typeof selected)[number]["def"]): TrialOptions => {
    const q = quickOf(def);
    const warmMs = Math.max(opts.warmMs, def.warmMs ?? 0);
    return { ...opts, warmMs: q?.warmMs ?? warmMs, measureMs: q?.measureMs ?? opts.measureMs };
  };

  const plan: PlannedTrial[] = [];
  const maxRepeats = Math.max(repeats, ...selected.map((c) => repeatsOf(c.def)));
  for (let r = 0; r < maxRepeats; r++) {
    for (const { scenario, def } of selected) {
      if (r >= repeatsOf(def)) continue;
      const impls = def.impls.filter((i) => (!args.quick || !i.fullOnly) && (args.impls.length === 0 || args.impls.includes(i.name)));
      for (let k = 0; k < impls.length; k++) {
        const impl = impls[(k + r) % impls.length];
        plan.push({ suite: scenario.suite, case: def.name, impl: impl.name, opts: optsOf(def), expectCores: impl.cores ?? def.cores, round: r });
      }
    }
  }

  const planned = new Set(plan.map((t) => `${t.case} ${t.impl}`));
  const started = performance.now();
  let retried = 0;
  let skipped = 0;
  /** The case and round whose last repeat was last decided on, and whether it is left out. */
  let decidedGroup = "";
  let skipGroup = false;
  let done = 0;
  /** Duration of the last attempt of each case and impl (ms): trials differ (idle-cpu takes ~2.4 s). */
  const lastMs = new Map<string, number>();
  const estimateMs = (t: PlannedTrial, mean: number): number => lastMs.get(`${t.case} ${t.impl}`) ?? mean;
  /**
   * Quick mode: retry trial `i` only while elapsed + one more attempt of it + the remaining trials
   * (each estimated by its own last duration, else the mean so far) fits the budget.
   */
  const withinBudget = (i: number): boolean => {
    if (!args.quick) return true;
    const elapsed = performance.now() - started;
    const mean = done > 0 ? elapsed / done : 1000;
    let rest = estimateMs(plan[i], mean);
    for (let k = i + 1; k < plan.length; k++) rest += estimateMs(plan[k], mean);
    return elapsed + rest < QUICK_BUDGET_MS;
  };
  const [load1] = loadavg();
  if (load1 > 0.5) {
    console.error(`note: load average ${load1.toFixed(2)} before starting: other work on this machine will add noise`);
  }
  console.error(
    `etherflow bench: ${plan.length} trials (${repeats} repeats${args.quick ? ", quick" : ""}` +
      selected
        .filter((c) => repeatsOf(c.def) !== repeats)
        .map((c) => `, ${c.def.name} ${repeatsOf(c.def)}`)
        .join("") +
      `), ` +
      `node ${process.version}, ${cpus().length} cpus`,
  );
  const probeAtStart = await probeCrossCore();
  console.error(`cross-core round trip (raw-sab, spinning) at the start: ${fmtProbe(probeAtStart)}, ${probeMode(probeAtStart)}`);
  const values = new Map<string, { suite: string; case: string; impl: string; metric: Metric; values: number[]; cores: number[] }>();
  const failures: string[] = [];
  const warnings = new Set<string>();
  for (let i = 0; i < plan.length; i++) {
    const t = plan[i];
    // Quick mode on a slow machine: a repeat beyond the first QUICK_MIN_REPEATS is left out, for
    // every impl of its case together (so the case's ratios compare as many runs of each), when it
    // would end past the budget; the table's runs column shows it. The run stays under a minute.
    if (args.quick && t.round >= QUICK_MIN_REPEATS) {
      const group = `${t.case}#${t.round}`;
      if (group !== decidedGroup) {
        decidedGroup = group;
        const elapsed = performance.now() - started;
        const mean = elapsed / Math.max(1, done);
        let groupMs = 0;
        for (let k = i; k < plan.length && plan[k].case === t.case && plan[k].round === t.round; k++) groupMs += estimateMs(plan[k], mean);
        skipGroup = elapsed + groupMs > QUICK_BUDGET_MS;
      }
      if (skipGroup) {
        skipped++;
        continue;
      }
    }
    const t0 = performance.now();
    const tag = `[${String(i + 1).padStart(String(plan.length).length)}/${plan.length}] ${t.case} ${t.impl}`;
    let attempt0 = performance.now();
    let outcome = await runTrial(t);
    lastMs.set(`${t.case} ${t.impl}`, performance.now() - attempt0);
    // The host of this VM sometimes takes a vCPU away for seconds (invisible to the load average):
    // a trial that kept far fewer cores busy than it does on an idle machine is run again, a few
    // times at most and, in quick mode, only while the run is inside its time budget.
    for (let retry = 0; retry < args.retries && isStarved(outcome, t) && withinBudget(i); retry++) {
      console.error(`${tag}: starved (${outcome.cores?.toFixed(2)} of ${t.expectCores} cores busy), again`);
      retried++;
      attempt0 = performance.now();
      outcome = await runTrial(t);
      lastMs.set(`${t.case} ${t.impl}`, performance.now() - attempt0);
    }
    done++;
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    if (!outcome.ok || !outcome.values) {
      failures.push(`${t.case} ${t.impl}: ${outcome.error}`);
      console.error(`${tag}: FAILED (${secs} s): ${(outcome.error ?? "").split("\n")[0]}`);
      continue;
    }
    const shown: string[] = [];
    for (const [metric, v] of Object.entries(outcome.values) as [Metric, number][]) {
      const key = `${t.case}\0${t.impl}\0${metric}`;
      let entry = values.get(key);
      if (!entry) values.set(key, (entry = { suite: t.suite, case: t.case, impl: t.impl, metric, values: [], cores: [] }));
      entry.values.push(v);
      entry.cores.push(outcome.cores ?? NaN);
      shown.push(`${fmtValue(metric, v)} ${metric}`);
    }
    console.error(`${tag}: ${shown.join(", ")} (${secs} s, ${outcome.cores?.toFixed(2)} cores busy)`);
    for (const w of outcome.warnings ?? []) {
      console.error(`${tag}: WARNING: ${w}`);
      warnings.add(`${t.case} ${w}`);
    }
  }

  // Rows in suite order, then implementation order as declared.
  const rows: ResultRow[] = [];
  for (const { def } of selected) {
    for (const impl of def.impls) {
      for (const entry of values.values()) {
        if (entry.case === def.name && entry.impl === impl.name) {
          rows.push({
            suite: entry.suite,
            case: entry.case,
            impl: entry.impl,
            metric: entry.metric,
            ...summarize(entry.values),
            cores: summarize(entry.cores).median,
            expectCores: impl.cores ?? def.cores,
          });
        }
      }
    }
  }

  console.log();
  console.log(
    table(
      ["suite", "case", "impl", "metric", "median", "min", "max", "runs", "cores busy"],
      rows.map((r) => [
        r.suite,
        r.case,
        r.impl,
        r.metric,
        fmtValue(r.metric, r.median),
        fmtValue(r.metric, r.min),
        fmtValue(r.metric, r.max),
        String(r.runs),
        r.cores.toFixed(2) + (starved(r) ? " !" : "  "),
      ]),
      new Set([4, 5, 6, 7, 8]),
    ),
  );
  if (rows.some(starved)) {
    console.log(
      "! median cores busy under 3/4 of what the trial uses on an idle machine: other work starved\n" +
        "  these trials, so their figures and the goals that use them are unreliable; rerun when quiet",
    );
  }
  console.log();
  const goals = selected.flatMap((c) => c.def.goals);
  if (goals.length > 0) console.log(
    table(
      ["case", "goal", "value", "target", "status"],
      goals.map((g) => {
        const e = evaluateGoal(g, rows, planned);
        const target = `${g.op} ${g.target}${g.kind === "ratio" ? "x" : ` ${g.a.metric}`}`;
        return [g.a.case, g.label, e.value, target, e.status];
      }),
      new Set([2]),
    ),
  );

  const json = {
    node: process.version,
    cpus: cpus().length,
    date: new Date().toISOString(),
    results: rows.map((r) => ({
      suite: r.suite,
      case: r.case,
      impl: r.impl,
      metric: r.metric,
      median: r.median,
      min: r.min,
      max: r.max,
      runs: r.runs,
    })),
  };
  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  writeFileSync(args.out, JSON.stringify(json, null, 2) + "\n");
  if (warnings.size > 0) {
    console.log(`\nwarnings (values kept):`);
    for (const w of warnings) console.log(`- ${w}`);
  }
  if (retried > 0) console.log(`\n${retried} starved trial(s) were run again`);
  if (skipped > 0) console.log(`\n${skipped} trial(s) of the last quick repeat were left out to finish within a minute (every trial ran at least ${QUICK_MIN_REPEATS} times)`);
  const probeAtEnd = await probeCrossCore();
  console.log(
    `\ncross-core round trip (raw-sab, spinning): ${fmtProbe(probeAtStart)} at the start, ${fmtProbe(probeAtEnd)} at the end: ` +
      `${probeMode(probeAtStart, probeAtEnd)} (~0.3 µs fast, ~1.4 µs slow); figures that move cache lines between the cores follow it`,
  );
  console.log(`\nwrote ${args.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} trial(s) failed:`);
    for (const f of failures) console.log(`- ${f.split("\n")[0]}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
