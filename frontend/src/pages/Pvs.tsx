import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Clients } from '../api/clients.ts';
import { MotorPanel } from '../components/MotorPanel.tsx';
import { StripChart } from '../components/StripChart.tsx';
import { useWriteAccess } from '../components/useWriteAccess.ts';
import { VirtualRows } from '../components/VirtualRows.tsx';
import type { UiConfig } from '../config.ts';
import { type SocketState, sharedSocket } from '../socket.ts';
import { PvTableRow, ROW_HEIGHT, WAVEFORM_ROW_HEIGHT } from './pvs/PvTableRow.tsx';
import { createPvRowStore, type PvRowStore } from './pvs/pvRowStore.ts';

/** The pv-socket's URL on the direct-control service. */
export function pvSocketUrl(directControlUrl: string): string {
  return `${directControlUrl.replace(/^http/, 'ws')}/api/v1/pv-socket`;
}

/** The table's scroll container is at most this high; the rest of the page stays in reach. */
const TABLE_MAX_HEIGHT = 'min(560px, 60vh)';
const STICKY_HEADER = { position: 'sticky', top: 0, background: 'Canvas', zIndex: 1 } as const;

/** The units of each plotted PV, re-read when any of them changes (for the strip chart's axes). */
function usePlottedUnits(store: PvRowStore, plotted: readonly string[]): (string | undefined)[] {
  const subscribe = useCallback(
    (listener: () => void) => {
      const stops = plotted.map((pv) => store.subscribe(pv, listener));
      return () => {
        for (const stop of stops) stop();
      };
    },
    [store, plotted],
  );
  // A string snapshot: equal units compare equal, so a value update does not re-render the page.
  const joined = useSyncExternalStore(subscribe, () =>
    plotted.map((pv) => store.row(pv).units ?? '\u0000').join('\u0001'),
  );
  return joined === '' ? [] : joined.split('\u0001').map((units) => (units === '\u0000' ? undefined : units));
}

/** A live table of PV values over the shared pv-socket, with set-points, and a motor panel. */
export function PvsPage({ clients, config }: { clients: Clients; config: UiConfig }) {
  const socket = sharedSocket(pvSocketUrl(config.directControlUrl));
  const access = useWriteAccess(clients);
  const [store] = useState(createPvRowStore);
  const [names, setNames] = useState<string[]>(['mini:current']);
  const [state, setState] = useState<SocketState>(socket.state);
  const [adding, setAdding] = useState('');
  const [plotted, setPlotted] = useState<string[]>([]);
  const togglePlot = useCallback(
    (pv: string) => setPlotted((old) => (old.includes(pv) ? old.filter((p) => p !== pv) : [...old, pv])),
    [],
  );
  const [motorName, setMotorName] = useState('motor_ph');
  const [motor, setMotor] = useState('motor_ph');
  const plottedUnits = usePlottedUnits(store, plotted);
  const shape = useSyncExternalStore(store.onShape, store.shapeVersion);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shape` moves when a row's height does
  const rowHeights = useMemo(
    () => names.map((pv) => (store.isWaveform(pv) ? WAVEFORM_ROW_HEIGHT : ROW_HEIGHT)),
    [names, store, shape],
  );

  useEffect(() => socket.onState(setState), [socket]);
  // The store keeps every PV's newest row and tells only the rows on screen, once per animation frame.
  useEffect(() => store.listen(socket), [store, socket]);
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
      <VirtualRows
        label="PV values"
        columns={6}
        rowHeights={rowHeights}
        maxHeight={TABLE_MAX_HEIGHT}
        header={
          <tr aria-rowindex={1}>
            {['PV', 'Value', 'Units', 'Connection', 'Set-point', 'Chart'].map((title) => (
              <th key={title} style={STICKY_HEADER}>
                {title}
              </th>
            ))}
          </tr>
        }
        renderRow={(index, ariaRowIndex) => (
          <PvTableRow
            key={names[index]}
            pv={names[index]}
            ariaRowIndex={ariaRowIndex}
            height={rowHeights[index]}
            store={store}
            access={access}
            clients={clients}
            plotted={plotted.includes(names[index])}
            onTogglePlot={togglePlot}
          />
        )}
      />
      <StripChart
        socket={socket}
        series={plotted.map((pv, i) => ({ pv, units: plottedUnits[i] }))}
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
