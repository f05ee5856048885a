import { useEffect, useState } from 'react';
import type { SocketState } from '../../socket.ts';
import { lockText } from './statusText.ts';
import { argumentsText, type Item, type LockInfo, type Run, type Status } from './types.ts';

/** Seconds since the running item started, ticking once a second while it runs. */
function useElapsed(timeStart: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (timeStart === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [timeStart]);
  return timeStart === undefined ? undefined : Math.max(0, Math.round(now / 1000 - timeStart));
}

interface StatusPanelProps {
  status: Status;
  socketState: SocketState;
  running: Item | undefined;
  /** The last row number of the running plan's live table on the console, if it printed one. */
  step: number | undefined;
  /** The running plan's number of points, if known. */
  points: number | undefined;
  lock: LockInfo | undefined;
  /** The runs the running plan opened (`/api/re/runs/active`). */
  runs: Run[];
}

/** Manager, environment and RunEngine state, the running item with its progress, the lock. */
export function StatusPanel({ status, socketState, running, step, points, lock, runs }: StatusPanelProps) {
  const elapsed = useElapsed(running?.item_uid ? running.properties?.time_start : undefined);
  const total = points !== undefined ? ` of ${points}` : '';
  return (
    <dl aria-label="Status" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '0 1em' }}>
      <dt>Manager</dt>
      <dd data-testid="manager-state">{status.manager_state ?? '?'}</dd>
      <dt>Environment</dt>
      <dd data-testid="environment">{status.worker_environment_exists ? 'open' : 'closed'}</dd>
      <dt>RunEngine</dt>
      <dd data-testid="re-state">{status.re_state ?? '-'}</dd>
      <dt>Running item</dt>
      <dd data-testid="running-item">
        {running?.item_uid ? (
          <>
            <strong>{running.name}</strong> <code>{argumentsText(running)}</code>
            {elapsed !== undefined && `, ${elapsed} s`}
            {step !== undefined && `, step ${step}${total}`}
          </>
        ) : (
          '-'
        )}
      </dd>
      <dt>Runs</dt>
      <dd data-testid="runs">
        {runs.length
          ? runs
              .map(
                (run) =>
                  `scan ${run.scan_id ?? '?'} ${run.uid.slice(0, 8)} ${run.is_open ? 'open' : (run.exit_status ?? 'closed')}`,
              )
              .join('; ')
          : '-'}
      </dd>
      <dt>Queue stop</dt>
      <dd data-testid="stop-pending">{status.queue_stop_pending ? 'pending' : 'no'}</dd>
      <dt>Lock</dt>
      <dd data-testid="lock">{lockText(status.lock, lock)}</dd>
      <dt>Status socket</dt>
      <dd>
        <output aria-label="Status socket state">{socketState}</output>
      </dd>
    </dl>
  );
}
