/**
 * A strip chart of live PVs (uPlot): each plotted PV's numeric updates from the shared pv-socket go
 * into a bounded ring; drawing happens at most once per animation frame, never once per update.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ReconnectingSocket } from '../socket.ts';
import { alignSeries, PointRing } from './pointRing.ts';
import { chartOptions } from './stripChartOptions.ts';

/** One plotted PV and the units its legend and axis show. */
export interface ChartSeries {
  pv: string;
  units?: string;
}

/** Points kept per series: the last ten thousand. */
export const POINTS_PER_SERIES = 10_000;
const WINDOWS = [
  { label: '10 s', seconds: 10 },
  { label: '1 min', seconds: 60 },
  { label: '10 min', seconds: 600 },
];
/** With no new points the time axis still scrolls, redrawn this often (seconds). */
const IDLE_REDRAW_S = 0.25;

/** The strip chart of `series`, fed by the page's pv-socket; `onRemove` takes a PV off it. */
export function StripChart({
  socket,
  series,
  onRemove,
}: {
  socket: ReconnectingSocket;
  series: ChartSeries[];
  onRemove: (pv: string) => void;
}) {
  const [windowSeconds, setWindowSeconds] = useState(60);
  const [paused, setPaused] = useState(false);
  const rings = useRef(new Map<string, PointRing>());
  const plotted = useRef(new Set<string>());
  const view = useRef({ windowSeconds, paused, dirty: true, lastDraw: 0, draws: 0 });
  const host = useRef<HTMLDivElement>(null);
  const legend = useRef<HTMLUListElement>(null);
  const plot = useRef<uPlot | null>(null);
  view.current.windowSeconds = windowSeconds;
  view.current.paused = paused;
  view.current.dirty = true;
  const key = series.map((s) => `${s.pv}\u0000${s.units ?? ''}`).join('\u0001');

  // Collect: every numeric update of a plotted PV, paused or not (pausing only freezes the view).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names exactly what `series` holds
  useEffect(() => {
    plotted.current = new Set(series.map((s) => s.pv));
    return socket.onMessage((message) => {
      const pv = message.pv;
      if (message.event_type !== 'pv_update' || typeof pv !== 'string' || !plotted.current.has(pv)) return;
      if (typeof message.value !== 'number' || typeof message.timestamp !== 'number') return;
      let ring = rings.current.get(pv);
      if (!ring) {
        ring = new PointRing(POINTS_PER_SERIES);
        rings.current.set(pv, ring);
      }
      ring.push(message.timestamp, message.value);
      view.current.dirty = true;
    });
  }, [socket, key]);

  // One uPlot per set of series (uPlot's series are fixed at creation); redrawn from the rings.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names exactly what `series` holds
  useEffect(() => {
    if (!host.current || series.length === 0) return;
    const width = host.current.clientWidth || 800;
    const chart = new uPlot(chartOptions(series, width), undefined, host.current);
    plot.current = chart;
    view.current.dirty = true;
    return () => {
      chart.destroy();
      plot.current = null;
    };
  }, [key]);

  // The frame loop: draws when something changed (or the axis must scroll), never more than once a frame.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names exactly what `series` holds
  useEffect(() => {
    let frame = requestAnimationFrame(function draw() {
      frame = requestAnimationFrame(draw);
      const now = Date.now() / 1000;
      const state = view.current;
      const chart = plot.current;
      const due = state.dirty || now - state.lastDraw > IDLE_REDRAW_S;
      if (!due) return;
      state.dirty = false;
      state.lastDraw = now;
      showCounts(legend.current, rings.current);
      if (!chart || state.paused) return;
      const from = now - state.windowSeconds;
      const shown = series.map((s) => rings.current.get(s.pv) ?? new PointRing(1));
      const data = alignSeries(shown, from) as uPlot.AlignedData;
      chart.batch(() => {
        chart.setData(data);
        chart.setScale('x', { min: from, max: now });
      });
      host.current?.setAttribute('data-range-start', from.toFixed(3));
      host.current?.setAttribute('data-range-end', now.toFixed(3));
      host.current?.setAttribute('data-points-drawn', String(data[0].length));
      host.current?.setAttribute('data-draws', String(++state.draws));
    });
    return () => cancelAnimationFrame(frame);
  }, [key]);

  return (
    <section aria-labelledby="strip-chart-title">
      <h2 id="strip-chart-title">Strip chart</h2>
      <p>
        <label>
          Time window{' '}
          <select value={windowSeconds} onChange={(e) => setWindowSeconds(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w.seconds} value={w.seconds}>
                {w.label}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      </p>
      {series.length === 0 && <p>No PV plotted: use a row's Plot button.</p>}
      <ul ref={legend} aria-label="Plotted PVs">
        {series.map((s) => (
          <li key={s.pv} data-pv={s.pv} data-points="0">
            {s.pv}
            {s.units ? ` (${s.units})` : ''}: <output aria-label={`${s.pv} latest`} /> —{' '}
            <output aria-label={`${s.pv} points`}>0</output> points{' '}
            <button type="button" aria-label={`Remove ${s.pv} from the chart`} onClick={() => onRemove(s.pv)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div ref={host} role="img" aria-label="Strip chart of the plotted PVs" data-paused={paused} />
    </section>
  );
}

/** Writes each series' latest value and point count into the legend (no React render per update). */
function showCounts(list: HTMLUListElement | null, rings: Map<string, PointRing>): void {
  if (!list) return;
  for (const item of list.querySelectorAll<HTMLLIElement>('li[data-pv]')) {
    const ring = rings.get(item.dataset.pv ?? '');
    if (!ring) continue;
    const [latest, count] = item.querySelectorAll('output');
    item.dataset.points = String(ring.length);
    if (ring.length > 0) latest.textContent = String(Number(ring.valueAt(ring.length - 1).toPrecision(7)));
    count.textContent = String(ring.length);
  }
}
