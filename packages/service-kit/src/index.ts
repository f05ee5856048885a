export { callInChild } from './child-call.ts';
export {
  ConfigError,
  type ConfigOf,
  DEFAULT_HOST,
  describeConfig,
  type EnvSchema,
  jsonList,
  loadConfig,
  STACK_HTTP_PORTS,
  STACK_ORIGINS,
} from './config.ts';
export {
  conflict,
  DOMAIN_ERROR_STATUS,
  DomainError,
  type DomainErrorKind,
  invalid,
  notFound,
  unavailable,
} from './domain-error.ts';
export { HttpError, type ValidationIssue, validationError } from './errors.ts';
export {
  CommandError,
  type EnvFlag,
  oneOf,
  parseCommandLine,
  readFlaggedConfig,
  SERVER_OPTIONS_USAGE,
  type ServiceCommandLine,
  serviceCommandLine,
  type TlsFiles,
  UsageError,
} from './flags.ts';
export type { Probe, ProbeResult } from './health.ts';
export { createLogger, LOG_LEVELS, type Logger, pinoLevel } from './logger.ts';
export { buildOpenApi, exportOpenApi, openApiText } from './openapi.ts';
export { webSocketServer, yaml } from './required.ts';
export { type Binding, type Bindings, type Handler, type Input, routeTable } from './route-table.ts';
export {
  closeOnSignals,
  createService,
  type Service,
  type ServiceKit,
  type ServiceOptions,
  type Upgrades,
} from './service.ts';
export { errorSchemas, nullable, ref, type Schema, SchemaBook } from './validation.ts';
