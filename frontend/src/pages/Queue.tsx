import { useCallback, useEffect, useState } from 'react';
import type { Clients } from '../api/clients.ts';
import type { UiConfig } from '../config.ts';

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
}

/** The queue server: status, queue, history; open the environment, add `count`, start the queue. */
export function QueuePage({ clients }: { clients: Clients; config: UiConfig }) {
  const qs = clients.queueServer;
  const [status, setStatus] = useState<Status>({});
  const [queue, setQueue] = useState<Item[]>([]);
  const [history, setHistory] = useState<Item[]>([]);
  const [message, setMessage] = useState('');
  const [detectors, setDetectors] = useState('det1');
  const [num, setNum] = useState('3');

  const refresh = useCallback(async () => {
    const [s, q, h] = await Promise.all([
      qs.GET('/api/status'),
      qs.GET('/api/queue/get'),
      qs.GET('/api/history/get'),
    ]);
    setStatus((s.data ?? {}) as Status);
    setQueue(((q.data as { items?: Item[] } | undefined)?.items ?? []) as Item[]);
    setHistory(((h.data as { items?: Item[] } | undefined)?.items ?? []) as Item[]);
  }, [qs]);

  // The status socket needs the key in a header the browser cannot set, so the page polls.
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh().catch(() => {}), 1000);
    return () => clearInterval(timer);
  }, [refresh]);

  const act = async (call: () => Promise<{ data?: unknown; error?: unknown }>) => {
    const { data, error } = await call();
    const reply = (data ?? error) as { success?: boolean; msg?: string } | undefined;
    setMessage(reply?.success === false || error ? `Refused: ${reply?.msg ?? JSON.stringify(error)}` : 'OK');
    await refresh();
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
        <dd>{status.re_state ?? '-'}</dd>
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
    </section>
  );
}
