/**
 * The built-in simulated profile's existing plans and devices (spec §9.5), described with the run
 * engine. The manager asks for them before any environment opens and keeps only the JSON: it runs
 * this in a short-lived child process (callInChild), so the run engine is loaded by the worker
 * alone and not kept in the idle manager.
 */
import type { ExistingLists } from '../manager/state.ts';
import { describeNamespace } from './namespace.ts';
import { simProfileNamespace } from './sim-profile.ts';

export function simProfileLists(): ExistingLists {
  const described = describeNamespace(simProfileNamespace());
  return { plans: described.plans_existing, devices: described.devices_existing };
}
