import { useCallback, useEffect, useRef, useState } from 'react';
import type { Clients } from '../api/clients.ts';
import type { UiConfig } from '../config.ts';
import type { DeviceDescription, PlanDescription } from '../planForm.ts';
import { appendConsole, queueSocketUrl } from '../queueSockets.ts';
import { type SocketState, sharedSocket } from '../socket.ts';
import { Controls } from './queue/Controls.tsx';
import { HistoryList } from './queue/HistoryList.tsx';
import { PlanForm } from './queue/PlanForm.tsx';
import { QueueList } from './queue/QueueList.tsx';
import { StatusPanel } from './queue/StatusPanel.tsx';
import { lastTableRow, pointsOf } from './queue/statusText.ts';
import type { Item, LockInfo, Run, Status } from './queue/types.ts';

type Reply = Record<string, unknown> | undefined;

/** The queue server's client: pushed status, controls, plan form, queue, history, live console. */
export function QueuePage({ clients, config }: { clients: Clients; config: UiConfig }) {
  const qs = clients.queueServer;
  const [status, setStatus] = useState<Status>({});
  const [socketState, setSocketState] = useState<SocketState>('connecting');
  const [queue, setQueue] = useState<Item[]>([]);
  const [running, setRunning] = useState<Item>();
  const [history, setHistory] = useState<Item[]>([]);
  const [plans, setPlans] = useState<Record<string, PlanDescription>>({});
  const [devices, setDevices] = useState<Record<string, DeviceDescription>>({});
  const [lock, setLock] = useState<LockInfo>();
  const [runs, setRuns] = useState<Run[]>([]);
  const [consoleLines, setConsoleLines] = useState<string[]>([]);
  const [step, setStep] = useState<number>();
  const [message, setMessage] = useState('');
  const [editing, setEditing] = useState<Item>();
  const seen = useRef<Status>({});

  const fetchers = useCallback(
    (): Partial<Record<keyof Status, () => Promise<void>>> => ({
      plan_queue_uid: async () => {
        const data = (await qs.GET('/api/queue/get')).data as Reply;
        setQueue((data?.items ?? []) as Item[]);
        setRunning(data?.running_item as Item | undefined);
      },
      plan_history_uid: async () =>
        setHistory((((await qs.GET('/api/history/get')).data as Reply)?.items ?? []) as Item[]),
      plans_allowed_uid: async () =>
        setPlans((((await qs.GET('/api/plans/allowed')).data as Reply)?.plans_allowed ?? {}) as typeof plans),
      devices_allowed_uid: async () =>
        setDevices(
          (((await qs.GET('/api/devices/allowed')).data as Reply)?.devices_allowed ?? {}) as typeof devices,
        ),
      run_list_uid: async () =>
        setRuns((((await qs.GET('/api/re/runs/active')).data as Reply)?.run_list ?? []) as Run[]),
      lock_info_uid: async () =>
        setLock(((await qs.GET('/api/lock/info')).data as Reply)?.lock_info as LockInfo | undefined),
    }),
    [qs],
  );

  // Status is pushed (~1 Hz and on every change); everything else is fetched only when the UID
  // that stands for it changes.
  useEffect(() => {
    const socket = sharedSocket(queueSocketUrl(config, '/api/status/ws'));
    setSocketState(socket.state);
    const offState = socket.onState((state) => {
      setSocketState(state);
      // After a reconnection fetch everything again: a missed change or a failed fetch heals.
      if (state !== 'open') seen.current = {};
    });
    const offMessage = socket.onMessage((frame) => {
      const next = (frame.msg as { status?: Status } | undefined)?.status;
      if (!next) return;
      setStatus(next);
      for (const [key, fetch] of Object.entries(fetchers()) as [keyof Status, () => Promise<void>][]) {
        if (next[key] !== seen.current[key]) void fetch().catch(() => {});
      }
      if (next.running_item_uid !== seen.current.running_item_uid) setStep(undefined);
      seen.current = next;
    });
    return () => {
      offState();
      offMessage();
    };
  }, [config, fetchers]);

  useEffect(() => {
    const socket = sharedSocket(queueSocketUrl(config, '/api/console_output/ws'));
    return socket.onMessage((frame) => {
      if (typeof frame.msg !== 'string') return;
      const text = frame.msg;
      setConsoleLines((lines) => appendConsole(lines, text));
      const row = lastTableRow(text);
      if (row !== undefined) setStep(row);
    });
  }, [config]);

  const onReply = (action: string, refusal: string | undefined) =>
    setMessage(refusal === undefined ? `${action}: OK` : `${action} refused: ${refusal}`);

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Queue</h1>
      <StatusPanel
        status={status}
        socketState={socketState}
        running={running}
        step={step}
        points={running?.name ? pointsOf(running, plans[running.name]) : undefined}
        lock={lock}
        runs={runs}
      />
      <Controls clients={clients} status={status} onReply={onReply} />
      <p role="status" data-testid="queue-message" style={{ minHeight: '1.2em', whiteSpace: 'pre-line' }}>
        {message}
      </p>
      <PlanForm
        clients={clients}
        plans={plans}
        devices={devices}
        editing={editing}
        onEditEnd={() => setEditing(undefined)}
        onReply={onReply}
      />
      <QueueList
        clients={clients}
        items={queue}
        count={status.items_in_queue ?? queue.length}
        onEdit={setEditing}
        onReply={onReply}
      />
      <HistoryList
        clients={clients}
        items={history}
        count={status.items_in_history ?? history.length}
        onReply={onReply}
      />
      <h2 id="console-title">Console</h2>
      <pre
        role="log"
        aria-labelledby="console-title"
        data-testid="console"
        style={{ maxHeight: '20em', overflow: 'auto' }}
      >
        {consoleLines.join('\n')}
      </pre>
    </section>
  );
}
