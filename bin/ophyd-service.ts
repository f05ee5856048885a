#!/usr/bin/env node
import { useCompileCache } from '@ophyd-service/service-kit/compile-cache';

// Before the rest of the CLI loads, so its modules (and the component a subcommand runs) come from
// the cache: see packages/service-kit/src/compile-cache.ts.
useCompileCache();
const { main } = await import('../cli/main.ts');
await main(process.argv.slice(2));
