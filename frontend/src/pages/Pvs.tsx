import { memo, useCallback, useEffect, useRef, useState } from 'react';
import type { Clients } from '../api/clients.ts';
import { MotorPanel } from '../components/MotorPanel.tsx';
import { type PvMetadata, SetpointControl } from '../components/SetpointControl.tsx';
import { StripChart } from '../components/StripChart.tsx';
import { useWriteAccess, type WriteAccess } from '../components/useWriteAccess.ts';
import { WaveformPlot } from '../components/WaveformPlot.tsx';
import type { UiConfig } from '../config.ts';
import { type SocketState, sharedSocket } from '../socket.ts';

interface PvRow extends PvMetadata {
  units?: string;
  precision?: number;
  severity?: number;
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
  if (row.enum_strs && typeof row.value === 'number') return row.enum_strs[row.value] ?? String(row.value);
  if (typeof row.value === 'number' && typeof row.precision === 'number')
    return row.value.toFixed(row.precision);
  return typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
}

const NO_ROW: PvRow = {};

/** One PV's row; memoised, so a frame's render touches only the rows whose PV changed. */
const PvTableRow = memo(function PvTableRow({
  pv,
  row,
  access,
  clients,
  plotted,
  onTogglePlot,
}: {
  pv: string;
  row: PvRow;
  access: WriteAccess;
  clients: Clients;
  plotted: boolean;
  onTogglePlot: (pv: string) => void;
}) {
  const connection =
    row.error ??
    (row.connected === false ? 'disconnected' : row.value === undefined ? 'waiting' : 'connected');
  return (
    <tr data-pv={pv} style={{ background: SEVERITY_COLOURS[row.severity ?? 0] }}>
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

/** Keeps a frame's non-null fields (meta frames carry nulls for what the PV does not have). */
function present(frame: Record<string, unknown>): Partial<PvRow> {
  return Object.fromEntries(Object.entries(frame).filter(([, value]) => value !== null)) as Partial<PvRow>;
}

/** A live table of PV values over the shared pv-socket, with set-points, and a motor panel. */
export function PvsPage({ clients, config }: { clients: Clients; config: UiConfig }) {
  const socket = sharedSocket(pvSocketUrl(config.directControlUrl));
  const access = useWriteAccess(clients);
  const [names, setNames] = useState<string[]>(['mini:current']);
  const [rows, setRows] = useState<Record<string, PvRow>>({});
  const [state, setState] = useState<SocketState>(socket.state);
  const [adding, setAdding] = useState('');
  const [plotted, setPlotted] = useState<string[]>([]);
  const togglePlot = useCallback(
    (pv: string) => setPlotted((old) => (old.includes(pv) ? old.filter((p) => p !== pv) : [...old, pv])),
    [],
  );
  const [motorName, setMotorName] = useState('motor_ph');
  const [motor, setMotor] = useState('motor_ph');

  useEffect(() => socket.onState(setState), [socket]);
  // Frames are merged per PV and applied once per animation frame: one table render per frame, not
  // per update (at 1,000 PVs × 10 Hz a render per update starved the page).
  useEffect(() => {
    let pending: Record<string, Partial<PvRow>> = {};
    let frame = 0;
    const flush = () => {
      frame = 0;
      const changes = pending;
      pending = {};
      setRows((old) => {
        const next = { ...old };
        for (const [pv, change] of Object.entries(changes)) next[pv] = { ...old[pv], ...change };
        return next;
      });
    };
    const stop = socket.onMessage((message) => {
      const pv = typeof message.pv === 'string' ? message.pv : undefined;
      if (!pv) return;
      if (message.event_type === 'pv_update' || message.sub_type === 'meta') {
        pending[pv] = { ...pending[pv], ...present(message), error: undefined };
      } else if (message.type === 'error') {
        pending[pv] = { ...pending[pv], error: String(message.error) };
      } else return;
      if (!frame) frame = requestAnimationFrame(flush);
    });
    return () => {
      stop();
      cancelAnimationFrame(frame);
    };
  }, [socket]);
  // Subscribe only the names added since the last run: re-sending every subscription on each add
  // made N² frames (a 1,000-PV table never finished subscribing).
  const subscribed = useRef(new Set<string>());
  useEffect(() => {
    for (const pv of names) {
      if (subscribed.current.has(pv)) continue;
      subscribed.current.add(pv);
      socket.keep(`pv:${pv}`, { action: 'subscribe', pv });
    }
  }, [socket, names]);

  return (
    <section aria-labelledby="pvs-title">
      <h1 id="pvs-title">PVs</h1>
      <p>
        Socket: <output aria-label="Socket state">{state}</output> · Writes:{' '}
        <output aria-label="Write access">
          {access.allowed === undefined ? 'asking…' : access.allowed ? 'on' : access.reason}
        </output>
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
            <th>Set-point</th>
            <th>Chart</th>
          </tr>
        </thead>
        <tbody>
          {names.map((pv) => (
            <PvTableRow
              key={pv}
              pv={pv}
              row={rows[pv] ?? NO_ROW}
              access={access}
              clients={clients}
              plotted={plotted.includes(pv)}
              onTogglePlot={togglePlot}
            />
          ))}
        </tbody>
      </table>
      <StripChart
        socket={socket}
        series={plotted.map((pv) => ({ pv, units: rows[pv]?.units }))}
        onRemove={(pv) => setPlotted(plotted.filter((p) => p !== pv))}
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (motorName) setMotor(motorName);
        }}
      >
        <label>
          Motor device <input value={motorName} onChange={(e) => setMotorName(e.target.value)} />
        </label>{' '}
        <button type="submit">Show motor</button>
      </form>
      <MotorPanel device={motor} directControlUrl={config.directControlUrl} access={access} />
    </section>
  );
}
