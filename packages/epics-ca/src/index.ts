export { ALARM_SEVERITY, ALARM_STATUS } from './alarms.ts';
export {
  CaClient,
  type CaClientOptions,
  type ChannelInfo,
  type Family,
  type GetOptions,
  type MonitorOptions,
  type PutOptions,
} from './client/client.ts';
export { CaError, CaTimeoutError } from './client/errors.ts';
export type { Reading } from './client/reading.ts';
export * from './dbr.ts';
export { type CaEnv, readCaEnv } from './env.ts';
export { DBE } from './messages.ts';
export { CaRepeater } from './repeater.ts';
export { ProcessVariable, PutError, type PvMetadata, type PvOptions, type PvState, pv } from './server/pv.ts';
export { type CaLogger, CaServer, type CaServerOptions } from './server/server.ts';
export { ECA, ecaMessage } from './status.ts';
export { checkWrite, WriteRefused, type WriteTarget, type WriteValue } from './write-value.ts';
