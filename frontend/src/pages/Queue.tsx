import { useCallback, useEffect, useRef, useState } from 'react';
import type { Clients } from '../api/clients.ts';
import type { UiConfig } from '../config.ts';
import { appendConsole, queueSocketUrl } from '../queueSockets.ts';
import { type SocketState, sharedSocket } from '../socket.ts';

interface Item {
  item_uid?: string;
  name?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  result?: { exit_status?: string };
}

interface Status {
  manager_state?: string;
  worker_environment_exists?: boolean;
  re_state?: string | null;
  items_in_queue?: number;
  items_in_history?: number;
  running_item_uid?: string | null;
  plan_queue_uid?: string;
  plan_history_uid?: string;
}

/** The queue server: pushed status, queue, history, console; open the environment, add `count`, start. */
export function QueuePage({ clients, config }: { clients: Clients; config: UiConfig }) {
  const qs = clients.queueServer;
  const [status, setStatus] = useState<Status>({});
  const [socketState, setSocketState] = useState<SocketState>('connecting');
  const [queue, setQueue] = useState<Item[]>([]);
  const [history, setHistory] = useState<Item[]>([]);
  const [consoleLines, setConsoleLines] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const [detectors, setDetectors] = useState('det1');
  const [num, setNum] = useState('3');
  const seenUids = useRef<{ queue?: string; history?: string }>({});

  const refreshQueue = useCallback(async () => {
    const { data } = await qs.GET('/api/queue/get');
    setQueue(((data as { items?: Item[] } | undefined)?.items ?? []) as Item[]);
  }, [qs]);
  const refreshHistory = useCallback(async () => {
    const { data } = await qs.GET('/api/history/get');
    setHistory(((data as { items?: Item[] } | undefined)?.items ?? []) as Item[]);
  }, [qs]);

  // Status is pushed (~1 Hz and on every change); the queue and history are fetched only when
  // their UIDs say they changed.
  useEffect(() => {
    const socket = sharedSocket(queueSocketUrl(config, '/api/status/ws'));
    setSocketState(socket.state);
    const offState = socket.onState(setSocketState);
    const offMessage = socket.onMessage((frame) => {
      const next = (frame.msg as { status?: Status } | undefined)?.status;
      if (!next) return;
      setStatus(next);
      const seen = seenUids.current;
      if (next.plan_queue_uid !== seen.queue) void refreshQueue().catch(() => {});
      if (next.plan_history_uid !== seen.history) void refreshHistory().catch(() => {});
      seenUids.current = { queue: next.plan_queue_uid, history: next.plan_history_uid };
    });
    return () => {
      offState();
      offMessage();
    };
  }, [config, refreshQueue, refreshHistory]);

  useEffect(() => {
    const socket = sharedSocket(queueSocketUrl(config, '/api/console_output/ws'));
    return socket.onMessage((frame) => {
      if (typeof frame.msg === 'string')
        setConsoleLines((lines) => appendConsole(lines, frame.msg as string));
    });
  }, [config]);

  const act = async (call: () => Promise<{ data?: unknown; error?: unknown }>) => {
    const { data, error } = await call();
    const reply = (data ?? error) as { success?: boolean; msg?: string } | undefined;
    setMessage(reply?.success === false || error ? `Refused: ${reply?.msg ?? JSON.stringify(error)}` : 'OK');
  };

  const addCount = () => {
    const item = {
      item_type: 'plan',
      name: 'count',
      args: [
        detectors
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean),
      ],
      kwargs: { num: Number(num) },
    };
    return act(() => qs.POST('/api/queue/item/add', { body: { item } as never }));
  };

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Queue</h1>
      <dl aria-label="Status">
        <dt>Manager</dt>
        <dd data-testid="manager-state">{status.manager_state ?? '?'}</dd>
        <dt>Environment</dt>
        <dd data-testid="environment">{status.worker_environment_exists ? 'open' : 'closed'}</dd>
        <dt>RunEngine</dt>
        <dd data-testid="re-state">{status.re_state ?? '-'}</dd>
        <dt>Running item</dt>
        <dd data-testid="running-item">{status.running_item_uid ?? '-'}</dd>
        <dt>Status socket</dt>
        <dd>
          <output aria-label="Status socket state">{socketState}</output>
        </dd>
      </dl>
      <button
        type="button"
        onClick={() => act(() => qs.POST('/api/environment/open', { body: {} as never }))}
      >
        Open environment
      </button>{' '}
      <button type="button" onClick={() => act(() => qs.POST('/api/queue/start', { body: {} as never }))}>
        Start queue
      </button>
      <form
        aria-label="Add count plan"
        onSubmit={(e) => {
          e.preventDefault();
          void addCount();
        }}
      >
        <label>
          Detectors <input value={detectors} onChange={(e) => setDetectors(e.target.value)} />
        </label>{' '}
        <label>
          num <input type="number" min="1" value={num} onChange={(e) => setNum(e.target.value)} />
        </label>{' '}
        <button type="submit">Add count</button>
      </form>
      {message && <p role="status">{message}</p>}
      <h2>Queue ({status.items_in_queue ?? queue.length})</h2>
      <ol aria-label="Queue items">
        {queue.map((item) => (
          <li key={item.item_uid}>
            {item.name} {JSON.stringify(item.args)} {JSON.stringify(item.kwargs)}
          </li>
        ))}
      </ol>
      <h2>History ({status.items_in_history ?? history.length})</h2>
      <ol aria-label="History items">
        {history.map((item) => (
          <li key={item.item_uid}>
            {item.name} {JSON.stringify(item.args)}: {item.result?.exit_status ?? ''}
          </li>
        ))}
      </ol>
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
