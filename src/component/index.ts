/**
 * The component layer's public parts: decorators, `skip`, metadata, the host seam, the registry,
 * validation and periods. Importing this module installs the `Symbol.metadata` polyfill first.
 *
 * @example
 *   import { pub, sub, start, every, skip, componentMeta } from "./component/index.js";
 */
export { METADATA, componentMeta, type ComponentMeta, type SubDecl, type PubDecl, type StartDecl, type EveryDecl, type SubOptions } from "./metadata.js";
export { pub, sub, start, every, type PubReturn, type PubMethod, type AnyMethod, type MethodDecorator } from "./decorators.js";
export { skip, type Skip } from "./skip.js";
export { bindInstance, unbindInstance, instanceContext, type InstanceContext } from "./context.js";
export { applyDecorators, type RegistryMethodSpec, type RegistryDecoratorArgs } from "./registry-apply.js";
export { EMPTY_MESSAGE, type Place } from "./publish-wrapper.js";
export { validateMessage, isSchema, formatPath, type Validation } from "./validation.js";
export { parsePeriod, periodProblem, MIN_PERIOD_MS, MAX_PERIOD_MS, type Period } from "./period.js";
