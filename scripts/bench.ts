/** `npm run bench -- <name>` runs bench/<name>.ts with this Node; no name lists the benches (exit 2). */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const benchDir = join(import.meta.dirname, '..', 'bench');
// Helpers that a bench spawns (servers, clients) are not benches themselves.
const helpers = /(-(server|client)|^json-child)\.ts$/;
const available = () =>
  existsSync(benchDir)
    ? readdirSync(benchDir)
        .filter((f) => f.endsWith('.ts') && !helpers.test(f))
        .map((f) => f.slice(0, -3))
        .sort()
    : [];

const name = process.argv[2];
if (!name || !available().includes(name)) {
  if (name) console.error(`no bench named ${JSON.stringify(name)}`);
  console.error(`usage: npm run bench -- <name>\navailable: ${available().join(', ') || '(none)'}`);
  process.exit(2);
}
const child = spawn(process.execPath, [join(benchDir, `${name}.ts`), ...process.argv.slice(3)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
