/** One row of the PV table, subscribed to its own PV: a frame re-renders only the rows that changed. */
import { memo, useCallback, useSyncExternalStore } from 'react';
import type { Clients } from '../../api/clients.ts';
import { SetpointControl } from '../../components/SetpointControl.tsx';
import type { WriteAccess } from '../../components/useWriteAccess.ts';
import { WaveformPlot } from '../../components/WaveformPlot.tsx';
import type { PvRow, PvRowStore } from './pvRowStore.ts';

/** Alarm severity (EPICS: 0 none, 1 minor, 2 major, 3 invalid) as a background colour. */
const SEVERITY_COLOURS = ['transparent', '#ffe08a', '#ff9a9a', '#d0d0d0'];

/** The height of a row (px): a number's, and a waveform's (its plot is 120 px high). */
export const ROW_HEIGHT = 36;
export const WAVEFORM_ROW_HEIGHT = 160;

/** The value as the table shows it: an enum's choice, a number at the PV's precision, else text. */
function shown(row: PvRow): string {
  if (row.value === undefined) return '';
  if (row.enum_strs && typeof row.value === 'number') return row.enum_strs[row.value] ?? String(row.value);
  if (typeof row.value === 'number' && typeof row.precision === 'number')
    return row.value.toFixed(row.precision);
  return typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
}

/** One PV's row (a <tr> with its aria-rowindex); memoised, and re-rendered when its PV's row changes. */
export const PvTableRow = memo(function PvTableRow({
  pv,
  ariaRowIndex,
  height,
  store,
  access,
  clients,
  plotted,
  onTogglePlot,
}: {
  pv: string;
  ariaRowIndex: number;
  height: number;
  store: PvRowStore;
  access: WriteAccess;
  clients: Clients;
  plotted: boolean;
  onTogglePlot: (pv: string) => void;
}) {
  const subscribe = useCallback((listener: () => void) => store.subscribe(pv, listener), [store, pv]);
  const row = useSyncExternalStore(subscribe, () => store.row(pv));
  const connection =
    row.error ??
    (row.connected === false ? 'disconnected' : row.value === undefined ? 'waiting' : 'connected');
  return (
    <tr
      data-pv={pv}
      aria-rowindex={ariaRowIndex}
      style={{ height, background: SEVERITY_COLOURS[row.severity ?? 0] }}
    >
      <td>{pv}</td>
      <td data-testid={`value-${pv}`}>
        {Array.isArray(row.value) ? <WaveformPlot pv={pv} values={row.value} /> : shown(row)}
      </td>
      <td>{row.units ?? ''}</td>
      <td data-testid={`connection-${pv}`}>{connection}</td>
      <td>
        {row.value !== undefined && <SetpointControl pv={pv} meta={row} access={access} clients={clients} />}
      </td>
      <td>
        <button
          type="button"
          aria-label={`Plot ${pv}`}
          aria-pressed={plotted}
          onClick={() => onTogglePlot(pv)}
        >
          Plot
        </button>
      </td>
    </tr>
  );
});
