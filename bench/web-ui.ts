/**
 * The web UI in Debian's Chromium (playwright-core), on loopback.
 *
 * Part 1, the real stack (`ophyd-service up` via frontend/test/ui/stack.ts):
 * - `first_load_*`: bytes of every HTTP response (headers + body, as sent: the page server does
 *   not compress) from navigation until the network is idle on the first screen;
 * - `first_value_*`: ms from clicking the PVs tab (its socket opens then) until `mini:current`'s
 *   cell shows a number, read in the page on animation frames; the first run (cold: direct control
 *   connects the PV) and the median of BENCH_RUNS (default 5) fresh pages after it.
 * Part 2, a flood: the IOC of bench/direct-control-ioc-server.ts with BENCH_PVS (default 1,000)
 * doubles, direct control on them (bench/direct-control-server.ts), the page served by
 * frontend/serve.ts pointing at it. Every PV is added to the PV table (through its form) and
 * BENCH_PLOTTED (default 10) to the strip chart; then the IOC posts every PV at 10 Hz and, for
 * BENCH_SECONDS (default 10), the page counts pv_update frames received (and from how many PVs:
 * a PV whose subscription never delivers lowers the rate received), value cells re-rendered
 * (a MutationObserver; the table renders only the rows in view, measured scrolled to its top),
 * strip-chart draws and animation-frame deltas (a frame longer than
 * 1.5 × 16.7 ms counts as dropped).
 *
 * BENCH_ONLY=flood runs part 2 alone.
 *
 * Peers: none. The reference UI (finch) is not installed here.
 */
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { killStarted } from '../cli/test/process.ts';
import { serveUi } from '../frontend/serve.ts';
import { startStack } from '../frontend/test/ui/stack.ts';
import { type Json, jsonChild, killChildren } from './json-child.ts';

// Callbacks given to page.evaluate and addInitScript run in Chromium: the browser globals they use
// (this program is type-checked against Node's library, without the DOM's).
// biome-ignore-start lint/suspicious/noExplicitAny: the page's DOM is not typed here
declare const document: { querySelector(selector: string): any; querySelectorAll(selector: string): any[] };
declare const window: any;
declare const MutationObserver: any;
type PageNode = any;
declare function requestAnimationFrame(callback: (now: number) => void): number;
// biome-ignore-end lint/suspicious/noExplicitAny: the page's DOM is not typed here

const SECONDS = Math.max(1, Number(process.env.BENCH_SECONDS ?? 10));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const PVS = Number(process.env.BENCH_PVS ?? 1000);
const PLOTTED = Math.min(PVS, Number(process.env.BENCH_PLOTTED ?? 10));
const FRAME_MS = 1000 / 60;
const here = import.meta.dirname;
const log = (message: string) => process.stderr.write(`[web-ui] ${message}\n`);
const round = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

setTimeout(
  () => {
    log('watchdog: overran, giving up');
    killChildren();
    killStarted();
    process.exit(1);
  },
  (SECONDS + 600) * 1000,
).unref();

/** Clicks the PVs tab and resolves with the ms until `pv`'s value cell shows a number. */
function timeToFirstValue(page: Page, pv: string): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve) => {
        const tab = [...document.querySelectorAll('nav button')].find((b) => b.textContent === 'PVs');
        const started = performance.now();
        tab.click();
        const check = () => {
          const cell = document.querySelector(`[data-testid="value-${name}"]`);
          if (cell && /\d/.test(cell.textContent ?? '')) resolve(performance.now() - started);
          else requestAnimationFrame(check);
        };
        check();
      }),
    pv,
  );
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const figures: Json = {};

// Part 1: first load and first value against the real stack (BENCH_ONLY=flood skips it).
if (process.env.BENCH_ONLY !== 'flood') {
  const stack = await startStack();
  const firstValues: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const page = await browser.newPage();
    let bytes = 0;
    const sizes: Promise<void>[] = [];
    page.on('requestfinished', (request) =>
      sizes.push(
        request.sizes().then((s) => {
          bytes += s.responseBodySize + s.responseHeadersSize;
        }),
      ),
    );
    await page.goto(stack.uiUrl, { waitUntil: 'networkidle' });
    await Promise.all(sizes);
    if (run === 0) {
      figures.first_load_bytes = bytes;
      figures.first_load_requests = sizes.length;
    }
    await page.getByRole('button', { name: 'PVs' }).waitFor();
    firstValues.push(round(await timeToFirstValue(page, 'mini:current')));
    await page.close();
  }
  figures.first_value_cold_ms = firstValues[0];
  figures.first_value_median_ms = median(firstValues.slice(1));
  log(`part 1: ${JSON.stringify(figures)}`);
  stack.run.child.kill('SIGTERM'); // `up` stops its components itself
  await stack.run.exit();
}

// Part 2: the PV table and the strip chart while PVS PVs update at 10 Hz.
const env = { ...process.env, BENCH_PVS: String(PVS) };
const ioc = jsonChild(process.execPath, [join(here, 'direct-control-ioc-server.ts')], { env });
const { udp_port } = await ioc.next<{ udp_port: number }>(30_000, 'IOC start');
const service = jsonChild(process.execPath, [join(here, 'direct-control-server.ts'), String(udp_port)], {
  env,
});
const { url } = await service.next<{ url: string }>(30_000, 'service start');
const directControl = Number(new URL(url).port);
const ui = await serveUi({
  host: '127.0.0.1',
  port: 0,
  ports: { directControl, configuration: directControl, queueServer: directControl },
});
const address = ui.address();
const uiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
page.setDefaultTimeout(Number(process.env.BENCH_WAIT_MS ?? 120_000));
// Count the pv_update frames the page's sockets receive (before the page's own listeners run).
await page.addInitScript(() => {
  const Native = window.WebSocket;
  const counter = window as unknown as { pvUpdates: number; pvsUpdating: Set<string> };
  counter.pvUpdates = 0;
  counter.pvsUpdating = new Set();
  window.WebSocket = class extends Native {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      this.addEventListener('message', (event: { data: unknown }) => {
        if (typeof event.data === 'string' && event.data.includes('"pv_update"')) {
          counter.pvUpdates++;
          const pv = /"pv":"([^"]+)"/.exec(event.data)?.[1];
          if (pv) counter.pvsUpdating.add(pv);
        }
      });
    }
  };
});
await page.goto(uiUrl);
await page.getByRole('button', { name: 'PVs' }).click();
log(`adding ${PVS} PVs to the table`);
// Through the page's own form, typed and submitted in the page (Playwright's per-keystroke round
// trips would take minutes); the IOC is not posting yet.
for (let first = 0; first < PVS; first += 100) {
  await page.evaluate(
    ([from, to]) => {
      const input = document.querySelector('form input');
      const setValue = Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, 'value')?.set;
      for (let i = from; i < to; i++) {
        setValue?.call(input, `dcbench:pv${i}`);
        input.dispatchEvent(new window.Event('input', { bubbles: true }));
        input.form.requestSubmit();
      }
    },
    [first, Math.min(PVS, first + 100)],
  );
  log(`${Math.min(PVS, first + 100)} added`);
}
// The table renders only the rows in view: scroll to its end for the last row, then back to the
// top (the first rows' Plot buttons, and the view the flood is measured in).
const tableRegion = page.getByRole('region', { name: 'PV values (scrollable)' });
await tableRegion.evaluate((element) => {
  element.scrollTop = element.scrollHeight;
});
// Some subscriptions may never deliver (direct control under a burst of 1,000; see
// frontend/README.md): after BENCH_WAIT_MS the flood is measured anyway, and flood_pvs_updating
// says how many PVs took part.
await page
  .getByTestId(`value-dcbench:pv${PVS - 1}`)
  .filter({ hasText: /\d/ })
  .waitFor()
  .catch(async (error) => {
    const received = await page.evaluate(() => (window as { pvUpdates: number }).pvUpdates);
    const socket = await page.getByLabel('Socket state').textContent();
    log(
      `${String(error).split('\n')[0]}: the last PV has no value; ${received} updates received, socket ${socket}`,
    );
  });
await tableRegion.evaluate((element) => {
  element.scrollTop = 0;
});
for (let i = 0; i < PLOTTED; i++)
  await page.getByRole('button', { name: `Plot dcbench:pv${i}`, exact: true }).click();

ioc.send('rate 10');
await new Promise((resolve) => setTimeout(resolve, 2000)); // warm-up, not a synchronisation
log(`measuring ${SECONDS} s`);
// BENCH_PROFILE=1: the page's JavaScript CPU profile over the window, top self-time functions to stderr.
const profiler = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : undefined;
await profiler?.send('Profiler.enable');
await profiler?.send('Profiler.start');
const measured = await page.evaluate(
  (seconds) =>
    new Promise<{
      deltas: number[];
      cells: number;
      updates: number;
      updating: number;
      draws: number;
      wall: number;
    }>((resolve) => {
      const counter = window as unknown as { pvUpdates: number; pvsUpdating: Set<string> };
      counter.pvsUpdating.clear();
      const chart = document.querySelector('[aria-label="Strip chart of the plotted PVs"]');
      const draws = () => Number(chart?.getAttribute('data-draws') ?? 0);
      const updatesBefore = counter.pvUpdates;
      const drawsBefore = draws();
      let cells = 0;
      const observer = new MutationObserver((records: { target: PageNode }[]) => {
        for (const record of records) {
          // A text node's change is its cell's: step up to the element.
          const element = record.target.nodeType === 1 ? record.target : record.target.parentElement;
          if (element?.closest('td[data-testid^="value-"]')) cells++;
        }
      });
      const table = document.querySelector('table[aria-label="PV values"]');
      observer.observe(table, { subtree: true, characterData: true, childList: true });
      const deltas: number[] = [];
      const started = performance.now();
      let last = started;
      const frame = (now: number) => {
        deltas.push(now - last);
        last = now;
        if (now - started < seconds * 1000) requestAnimationFrame(frame);
        else {
          observer.disconnect();
          resolve({
            deltas,
            cells,
            updates: counter.pvUpdates - updatesBefore,
            updating: counter.pvsUpdating.size,
            draws: draws() - drawsBefore,
            wall: (now - started) / 1000,
          });
        }
      };
      requestAnimationFrame(frame);
    }),
  SECONDS,
);
ioc.send('rate 0');
if (profiler) {
  const { profile } = await profiler.send('Profiler.stop');
  const self = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + (node.hitCount ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20);
  for (const [where, hits] of top) log(`profile ${((100 * hits) / total).toFixed(1)}% ${where}`);
}
const deltas = measured.deltas.slice(1).sort((a, b) => a - b);
const dropped = deltas.filter((d) => d > 1.5 * FRAME_MS).length;
Object.assign(figures, {
  flood_pvs: PVS,
  flood_plotted: PLOTTED,
  flood_asked_updates_per_s: PVS * 10,
  flood_pvs_updating: measured.updating,
  flood_received_updates_per_s: Math.round(measured.updates / measured.wall),
  flood_rendered_cell_updates_per_s: Math.round(measured.cells / measured.wall),
  flood_chart_draws_per_s: round(measured.draws / measured.wall),
  flood_frames_per_s: round(deltas.length / measured.wall),
  flood_frame_p50_ms: round(deltas[Math.floor(deltas.length / 2)]),
  flood_frame_p99_ms: round(deltas[Math.min(deltas.length - 1, Math.floor(deltas.length * 0.99))]),
  flood_frame_max_ms: round(deltas.at(-1) ?? Number.NaN),
  flood_dropped_frames: dropped,
  flood_dropped_frames_pct: round((100 * dropped) / Math.max(1, deltas.length)),
});
log(`part 2: ${JSON.stringify(figures)}`);

await browser.close();
ui.close();
await service.stop();
await ioc.stop();
console.log(
  JSON.stringify(
    {
      bench: 'web-ui',
      figures,
      peers: { finch: { error: 'the reference UI is not installed here' } },
    },
    null,
    2,
  ),
);
process.exit(0);
