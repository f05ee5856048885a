/**
 * `node scripts/test.ts <node --test arguments>`: Node's test runner, failing the run when any
 * test was skipped or left todo — a suite that passes by not running is not green. The runner's
 * own output passes through unchanged.
 */
import { spawn } from 'node:child_process';

const child = spawn(process.execPath, ['--test', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const counts = { skipped: 0, todo: 0 };
let tail = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  const lines = (tail + chunk.toString()).split('\n');
  tail = lines.pop() ?? '';
  for (const line of lines) {
    const summary = /^ℹ (skipped|todo) (\d+)$/.exec(line.trim());
    if (summary) counts[summary[1] as keyof typeof counts] += Number(summary[2]);
  }
});
child.on('exit', (code, signal) => {
  if (counts.skipped + counts.todo > 0) {
    console.error(
      `\n${counts.skipped} skipped and ${counts.todo} todo: every test must run. Provide what a skipped test needs (each suite's README table names the script), or remove the test.`,
    );
    process.exit(1);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
