import { useEffect, useState } from 'react';
import type { Clients } from '../api/clients.ts';
import { StripChart } from '../components/StripChart.tsx';
import { WaveformPlot } from '../components/WaveformPlot.tsx';
import type { UiConfig } from '../config.ts';
import { type SocketState, sharedSocket } from '../socket.ts';

interface PvRow {
  value?: unknown;
  units?: string;
  precision?: number;
  severity?: number;
  connected?: boolean;
  error?: string;
}

/** Alarm severity (EPICS: 0 none, 1 minor, 2 major, 3 invalid) as a background colour. */
const SEVERITY_COLOURS = ['transparent', '#ffe08a', '#ff9a9a', '#d0d0d0'];

/** The pv-socket's URL on the direct-control service. */
export function pvSocketUrl(directControlUrl: string): string {
  return `${directControlUrl.replace(/^http/, 'ws')}/api/v1/pv-socket`;
}

function shown(row: PvRow): string {
  if (row.value === undefined) return '';
  if (typeof row.value === 'number' && row.precision !== undefined) return row.value.toFixed(row.precision);
  return typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
}

/** A live table of PV values over the shared pv-socket, with units, alarms and connection state. */
export function PvsPage({ config }: { clients: Clients; config: UiConfig }) {
  const socket = sharedSocket(pvSocketUrl(config.directControlUrl));
  const [names, setNames] = useState<string[]>(['mini:current']);
  const [rows, setRows] = useState<Record<string, PvRow>>({});
  const [state, setState] = useState<SocketState>(socket.state);
  const [adding, setAdding] = useState('');
  const [plotted, setPlotted] = useState<string[]>([]);

  useEffect(() => socket.onState(setState), [socket]);
  useEffect(
    () =>
      socket.onMessage((message) => {
        const pv = typeof message.pv === 'string' ? message.pv : undefined;
        if (!pv) return;
        if (message.event_type === 'pv_update') {
          setRows((old) => ({ ...old, [pv]: { ...old[pv], ...(message as PvRow), error: undefined } }));
        } else if (message.type === 'error') {
          setRows((old) => ({ ...old, [pv]: { ...old[pv], error: String(message.error) } }));
        }
      }),
    [socket],
  );
  useEffect(() => {
    for (const pv of names) socket.keep(`pv:${pv}`, { action: 'subscribe', pv });
  }, [socket, names]);

  return (
    <section aria-labelledby="pvs-title">
      <h1 id="pvs-title">PVs</h1>
      <p>
        Socket: <output aria-label="Socket state">{state}</output>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (adding && !names.includes(adding)) setNames([...names, adding]);
          setAdding('');
        }}
      >
        <label>
          PV name <input value={adding} onChange={(e) => setAdding(e.target.value)} />
        </label>{' '}
        <button type="submit">Add</button>
      </form>
      <table aria-label="PV values">
        <thead>
          <tr>
            <th>PV</th>
            <th>Value</th>
            <th>Units</th>
            <th>Connection</th>
            <th>Chart</th>
          </tr>
        </thead>
        <tbody>
          {names.map((pv) => {
            const row = rows[pv] ?? {};
            const connection =
              row.error ??
              (row.connected === false ? 'disconnected' : row.value === undefined ? 'waiting' : 'connected');
            return (
              <tr key={pv} data-pv={pv} style={{ background: SEVERITY_COLOURS[row.severity ?? 0] }}>
                <td>{pv}</td>
                <td data-testid={`value-${pv}`}>
                  {Array.isArray(row.value) ? <WaveformPlot pv={pv} values={row.value} /> : shown(row)}
                </td>
                <td>{row.units ?? ''}</td>
                <td>{connection}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Plot ${pv}`}
                    aria-pressed={plotted.includes(pv)}
                    onClick={() =>
                      setPlotted(plotted.includes(pv) ? plotted.filter((p) => p !== pv) : [...plotted, pv])
                    }
                  >
                    Plot
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <StripChart
        socket={socket}
        series={plotted.map((pv) => ({ pv, units: rows[pv]?.units }))}
        onRemove={(pv) => setPlotted(plotted.filter((p) => p !== pv))}
      />
    </section>
  );
}
