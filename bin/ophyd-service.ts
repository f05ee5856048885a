#!/usr/bin/env node
import { useCompileCache } from '../cli/compile-cache.ts';

// Before the rest of the CLI loads, so its modules (and the component a subcommand runs) come from
// the cache: see cli/compile-cache.ts.
useCompileCache();
const { main } = await import('../cli/main.ts');
await main(process.argv.slice(2));
