export {
  BestEffortCallback,
  type BestEffortOptions,
  hintedFields,
  type PeakResults,
  pythonText,
} from './best-effort.ts';
export { type Clock, ManualClock, wallClock } from './clock.ts';
export * from './device-descriptions.ts';
export * from './documents.ts';
export type { EngineState, RunInfo, RunResult } from './engine/events.ts';
export { DEFAULT_MD, RunEngine, type RunEngineOptions, type RunOptions } from './engine/run-engine.ts';
export { EngineCore } from './engine/state.ts';
export { EpicsDevice, fromEpics, toDataKey } from './epics.ts';
export * from './errors.ts';
export { JsonlWriter, toJsonLine } from './jsonl.ts';
export { LiveTable, type LiveTableOptions } from './live-table.ts';
export { type Msg, msg, type Plan, type SyncPlan } from './msg.ts';
export {
  type DerivativeFigures,
  numpySum,
  type PeakFigures,
  PeakStats,
  type PeakStatsOptions,
  peakFigures,
} from './peak-stats.ts';
export * from './plans/adaptive.ts';
export * from './plans/catalog.ts';
export * from './plans/define.ts';
export * from './plans/patterns.ts';
export * from './plans/plans.ts';
export * from './plans/preprocessors.ts';
export * from './plans/ramp.ts';
export * from './plans/spirals.ts';
export * from './plans/stubs.ts';
export * from './plans/tweak.ts';
export * from './protocols.ts';
export { SynAxis, SynAxisNoPosition } from './sim/axis.ts';
export { abDetector, detWithConf, detWithCountTime, directImage } from './sim/detectors.ts';
export { type Component, type DeviceLayout, SimDevice } from './sim/device.ts';
export { MockFlyer, NewTrivialFlyer, TrivialFlyer } from './sim/flyer.ts';
export { Syn2DGauss, SynGauss } from './sim/gauss.ts';
export { type Hw, type HwOptions, hw } from './sim/hw.ts';
export { encodeNpy, NpyAppender } from './sim/npy.ts';
export { profilePlanSpecs } from './sim/profile-catalog.ts';
export {
  type ProfileDevices,
  profileDevices,
  SimBundle,
  SimDetectors,
  SimStage,
} from './sim/profile-devices.ts';
export { type ProfilePlanOptions, profilePlans } from './sim/profile-plans.ts';
export { PseudoPositioner, PseudoSingle, pseudo1x3, pseudo3x3, SoftPositioner } from './sim/pseudo.ts';
export { SynSignalWithRegistry } from './sim/registry.ts';
export { SimSignal, type SimSignalOptions } from './sim/signal.ts';
export { SimStreamDetector, type StreamDetectorOptions } from './sim/stream-detector.ts';
export { InvariantSignal, SynPeriodicSignal, SynSignal } from './sim/synsignal.ts';
export { DeviceStatus } from './status.ts';
export { Dispatcher } from './subscriptions.ts';
export { SuspendCeiling, Suspender, SuspendFloor } from './suspenders.ts';
