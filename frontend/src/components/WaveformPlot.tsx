/** A waveform PV (an array value) drawn as a line of value against index, in place of a number. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** The line plot of one array value; redrawn at most once per animation frame as values arrive. */
export function WaveformPlot({ pv, values }: { pv: string; values: readonly number[] }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(values);
  const frame = useRef(0);
  latest.current = values;

  useEffect(() => {
    if (!host.current) return;
    const chart = new uPlot(
      {
        width: 360,
        height: 120,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        series: [{}, { label: pv, stroke: '#0072b2', width: 1, points: { show: false } }],
        axes: [{ size: 30 }, { size: 50 }],
      },
      undefined,
      host.current,
    );
    plot.current = chart;
    return () => {
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      chart.destroy();
      plot.current = null;
    };
  }, [pv]);

  // A new array asks for one redraw; several arrays within a frame draw only the newest.
  // biome-ignore lint/correctness/useExhaustiveDependencies: redraw whenever a new array arrives
  useEffect(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const data = latest.current;
      const index = Array.from({ length: data.length }, (_, i) => i);
      plot.current?.setData([index, data as number[]]);
      host.current?.setAttribute('data-points', String(data.length));
    });
  }, [values]);

  return <div ref={host} role="img" aria-label={`Waveform of ${pv}`} data-points="0" />;
}
