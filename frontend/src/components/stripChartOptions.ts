/** uPlot options for the strip chart: a time axis, and a value scale per unit (or per PV without units). */
import type uPlot from 'uplot';

/** Series colours, in the order PVs are plotted (distinct under common colour blindness). */
export const SERIES_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];

/** The scale a series is drawn against: shared by PVs of the same units, its own for a PV without. */
function scaleOf(series: { pv: string; units?: string }): string {
  return series.units ? `units:${series.units}` : `pv:${series.pv}`;
}

/** Options for a chart of `series` (PV and units), `width` CSS pixels wide. */
export function chartOptions(series: { pv: string; units?: string }[], width: number): uPlot.Options {
  const scales = [...new Set(series.map(scaleOf))];
  return {
    width,
    height: 300,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, ...Object.fromEntries(scales.map((scale) => [scale, { auto: true }])) },
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.units ? `${s.pv} (${s.units})` : s.pv,
        scale: scaleOf(s),
        stroke: SERIES_COLOURS[i % SERIES_COLOURS.length],
        width: 1.5,
        spanGaps: true,
        points: { show: false },
      })),
    ],
    axes: [
      {},
      ...scales.map((scale, i) => ({
        scale,
        label: scale.slice(scale.indexOf(':') + 1),
        stroke: scales.length > 1 ? SERIES_COLOURS[series.findIndex((s) => scaleOf(s) === scale)] : undefined,
        side: i % 2 === 0 ? 3 : 1,
        show: i < 2,
        grid: { show: i === 0 },
      })),
    ],
  };
}
