/**
 * `ether info <config.yaml>`: what a config will run, without running it. Validates the config and
 * loads its classes (every config error is reported as `ether run` reports it, file:line:col first),
 * tells the config's warnings, then prints each instance (placement, class, kwargs, what it
 * subscribes to, publishes, starts and runs periodically) and each topic (ring size, max frame,
 * policy, rings, publishers, subscribers). Creates no shared memory and starts no host.
 *
 * @example
 *   $ ether info examples/quickstart/dual_processors.yaml
 */
import { EtherError } from "../../errors.js";
import { formatSize } from "../../runtime/config/index.js";
import { type PlannedInstance, type PlannedTopic, type SessionPlan, planSession } from "../../runtime/session-plan.js";

const USAGE = `usage: ether info <config.yaml>

Prints what the session the YAML file describes will run: its instances (placement, class, kwargs,
subscriptions, publications, @start and @every methods) and its topics (ring, max frame, policy,
rings, publishers, subscribers). Starts nothing. Exit code 0: the config is valid; 2: bad usage or
a config error (file:line:col and key path).`;

/** Runs the command; resolves with the exit code. */
export async function info(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  if (args.length !== 1 || args[0]!.startsWith("-")) {
    console.error(args.length === 0 ? USAGE : `ether info: expected one config file, got ${args.join(" ")}\n${USAGE.split("\n")[0]}`);
    return 2;
  }
  let plan: SessionPlan;
  try {
    plan = await planSession(args[0]!);
  } catch (error) {
    console.error(error instanceof EtherError ? error.message : String(error));
    return 2;
  }
  console.log(describePlan(plan));
  return 0;
}

/** The plan as `ether info` prints it. */
export function describePlan(plan: SessionPlan): string {
  const { config } = plan;
  const s = config.session;
  const lines = [
    `${config.file ?? "config"}: ${plan.instances.length} instance${plan.instances.length === 1 ? "" : "s"}, ${plan.topics.length} topics`,
    `session: wait ${s.wait}, log_level ${s.logLevel}, block_timeout ${s.blockTimeoutMs} ms, start_timeout ${s.startTimeoutMs} ms`,
    "",
    "instances:",
    ...plan.instances.flatMap(describeInstance),
    "",
    "topics:",
    ...plan.topics.map(describeTopic),
  ];
  return lines.join("\n");
}

function describeInstance({ config: i, meta }: PlannedInstance): string[] {
  const kwargs = Object.keys(i.kwargs).length === 0 ? "" : ` kwargs ${JSON.stringify(i.kwargs)}`;
  const roles = [
    ...meta.starts.map((d) => `@start ${d.method}`),
    ...meta.everys.map((d) => `@every ${d.periodMs} ms ${d.method}`),
    ...meta.subs.map((d) => `@sub ${d.topic} -> ${d.method}${(d.options.concurrency ?? 1) > 1 ? ` (${d.options.concurrency} at once)` : ""}`),
    ...meta.pubs.map((d) => `@pub ${d.method} -> ${d.topic}`),
  ];
  return [`  ${i.name} (${i.placement}${i.cpus.length > 0 ? `, cpus ${i.cpus.join(", ")}` : ""}): ${meta.className} from ${i.classPath}${kwargs}`, `    ${roles.length === 0 ? "no decorated methods" : roles.join("; ")}`];
}

function describeTopic(t: PlannedTopic): string {
  const rings = t.rings.length === 1 ? `ring ${formatSize(t.settings.capacity)}` : `${t.rings.length} rings of ${formatSize(t.settings.capacity)} (a lane per publishing host)`;
  // Ether's own topics are written by every host (log lines, dead letters) or by the supervisor.
  const publishers = t.name.startsWith("ether/") ? ["Ether", ...t.publishers] : t.publishers;
  const who = `publishers: ${publishers.join(", ") || "none"}; subscribers: ${t.subscribers.join(", ") || "none"}`;
  const type = t.settings.type === undefined ? "" : `, ${t.settings.type} tables`;
  return `  ${t.name}: ${rings}, max frame ${formatSize(t.settings.maxFrame)}, ${t.policy}${type}; ${who}`;
}
