// The RunEngine of the test collection, printing a table of every run to the console (the reference
// profile's RunEngine with a BestEffortCallback, plots off).
import { LiveTable, RunEngine } from '@ophyd-service/run-engine';

export const RE = new RunEngine({});
RE.subscribe(new LiveTable().callback);
