/**
 * The lifecycle layer's public parts: the resource state machine, `Resource`, `ResourceGroup`,
 * `HealthMonitor`, `RestartPolicy`, and the timer seam. It imports only `errors.ts`; the runtime wires
 * it (publishes transitions on `ether/lifecycle`, supervises hosts and instances).
 *
 * @example
 *   import { Resource, ResourceGroup, HealthMonitor, RestartPolicy } from "./lifecycle/index.js";
 */
export { RESOURCE_STATES, TRANSITIONS, canTransition, type ResourceState, type TransitionEvent, type TransitionListener } from "./resource-state.js";
export {
  Resource,
  type ResourceHooks,
  type ResourceOptions,
  type HealthCheckResult,
  type HealthReport,
  type EnsureReadyOptions,
} from "./resource.js";
export { runHealthCheck } from "./health-check.js";
export { ResourceGroup, type GroupMemberOptions, type GroupState } from "./resource-group.js";
export { HealthMonitor, HEALTH_MONITOR_DEFAULTS, type HealthMonitorOptions, type HealthStatus } from "./health-monitor.js";
export {
  RestartPolicy,
  RESTART_POLICIES,
  RESTART_DEFAULTS,
  validateRestartOptions,
  type RestartPolicyName,
  type RestartOptions,
  type RestartInput,
  type ExitInfo,
  type RestartReason,
  type RestartDecision,
} from "./restart-policy.js";
export { systemTimer, type Timer } from "./timer.js";
