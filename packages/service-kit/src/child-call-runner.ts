/**
 * The child side of child-call.ts: reads `{module, name, args}` as JSON on stdin, awaits
 * `module[name](...args)` and writes the result as JSON on stdout; a failure is its message on
 * stderr and exit status 1. Console output of the called code goes to stderr, so stdout holds
 * only the answer.
 */
import { text } from 'node:stream/consumers';

console.log = console.error;
console.info = console.error;
try {
  const { module, name, args } = JSON.parse(await text(process.stdin));
  const exports = await import(module);
  const result = await exports[name](...args);
  process.stdout.write(JSON.stringify(result));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
