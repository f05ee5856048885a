// The RunEngine of this profile, printing a table of every run to the console (the reference
// profile's `RE = RunEngine({})` with a BestEffortCallback).
import { LiveTable, RunEngine } from '@ophyd-service/run-engine';

export const RE = new RunEngine({});
RE.subscribe(new LiveTable().callback);
