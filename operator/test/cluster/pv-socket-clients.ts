/**
 * WebSocket clients of direct control's /api/v1/pv-socket, run inside the cluster's network
 * namespace (where `kubectl port-forward` listens), reporting on stdout in JSON lines:
 *   node pv-socket-clients.ts <ws-url> <clients> <pv>… [--echo]
 * Each client subscribes once to every PV and never again. Lines: `{"subscribed":<clients>}` when
 * every client has its `subscribed` reply; with --echo, `{"frame":<frame>}` for every frame of
 * every client; `{"error":<frame>}` for error frames; `{"closed":<code>}` when a socket closes.
 * On stdin, `stats` answers `{"updates":<pv_update frames so far, summed over clients>}`.
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [url, count, ...rest] = process.argv.slice(2);
const echo = rest.includes('--echo');
const pvNames = rest.filter((a) => a !== '--echo');
const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

let updates = 0;
let subscribed = 0;
for (let i = 0; i < Number(count); i++) {
  const ws = new WebSocket(url);
  ws.on('open', () => ws.send(JSON.stringify({ action: 'subscribe', pv_names: pvNames })));
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    if (echo) say({ frame });
    if (frame.event_type === 'pv_update') updates++;
    else if (frame.type === 'subscribed' && ++subscribed === Number(count)) say({ subscribed });
    else if (frame.type === 'error') say({ error: frame });
  });
  ws.on('error', (err) => say({ error: { message: err.message } }));
  ws.on('close', (code) => say({ closed: code }));
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() === 'stats') say({ updates });
  })
  .on('close', () => process.exit(0));
