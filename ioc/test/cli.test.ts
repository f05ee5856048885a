import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';

const bin = join(import.meta.dirname, '../../bin/ophyd-service.ts');

describe('ophyd-service ioc', () => {
  it('prints the PV list of mini_beamline with types, counts and access, then serves until SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'ioc', 'mini_beamline', '--list-pvs'], {
      env: {
        ...process.env,
        EPICS_CAS_SERVER_PORT: '0',
        EPICS_CAS_INTF_ADDR_LIST: '127.0.0.1',
        EPICS_CAS_AUTO_BEACON_ADDR_LIST: 'NO',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        if (lines.filter((l) => l.startsWith('    mini:')).length === 25) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(lines.includes('PVs available:'));
    assert.match(lines.find((l) => l.includes('mini:dot:det'))!, /DBR_DOUBLE\s+307200\s+read-only/);
    assert.match(lines.find((l) => l.includes('mini:dot:shutter_open'))!, /DBR_LONG\s+1\s+read\/write/);
  });

  it('refuses an unknown IOC name', async () => {
    const child = spawn(process.execPath, [bin, 'ioc', 'nonesuch'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.notEqual(code, 0);
    assert.match(stderr, /unknown IOC "nonesuch"/);
  });
});
