import type { Clients } from '../../api/clients.ts';
import { argumentsText, type Item, itemCopy, refusalOf } from './types.ts';

/** The colour of each exit status: green done, red failed, amber stopped by the user. */
const STATUS_COLOURS: Record<string, string> = {
  completed: 'green',
  failed: 'crimson',
  stopped: 'darkorange',
  aborted: 'darkorange',
  halted: 'darkorange',
};

function timeText(seconds: number | undefined): string {
  return seconds === undefined ? '?' : new Date(seconds * 1000).toLocaleTimeString();
}

interface HistoryListProps {
  clients: Clients;
  items: Item[];
  count: number;
  onReply: (action: string, refusal: string | undefined) => void;
}

/** The history, newest first: each item's exit status (coloured), message, run uids and times. */
export function HistoryList({ clients, items, count, onReply }: HistoryListProps) {
  const qs = clients.queueServer;
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">
        History ({count}){' '}
        <button
          type="button"
          disabled={items.length === 0}
          onClick={async () =>
            onReply('Clear history', await refusalOf(() => qs.POST('/api/history/clear', { body: {} })))
          }
        >
          Clear history
        </button>
      </h2>
      <ol aria-label="History items" reversed>
        {[...items].reverse().map((item, newest) => {
          const result = item.result ?? {};
          const status = result.exit_status ?? 'unknown';
          const seconds =
            result.time_start !== undefined && result.time_stop !== undefined
              ? ` (${(result.time_stop - result.time_start).toFixed(1)} s)`
              : '';
          return (
            <li key={item.item_uid} data-exit-status={status}>
              <strong>{item.name}</strong> <code>{argumentsText(item)}</code>:{' '}
              <span style={{ color: STATUS_COLOURS[status] ?? 'gray', fontWeight: 'bold' }}>{status}</span>{' '}
              <small>
                {timeText(result.time_start)} to {timeText(result.time_stop)}
                {seconds}
                {result.run_uids?.length
                  ? `; runs ${result.run_uids.map((uid) => uid.slice(0, 8)).join(', ')}`
                  : ''}
              </small>{' '}
              <button
                type="button"
                aria-label={`Copy ${item.name} (history item ${items.length - newest}) to the queue`}
                onClick={async () =>
                  onReply(
                    `Copy ${item.name} to the queue`,
                    await refusalOf(() => qs.POST('/api/queue/item/add', { body: { item: itemCopy(item) } })),
                  )
                }
              >
                Copy to queue
              </button>
              {result.msg && <div style={{ color: STATUS_COLOURS[status] ?? 'gray' }}>{result.msg}</div>}
              {result.traceback && (
                <details>
                  <summary>Traceback</summary>
                  <pre style={{ whiteSpace: 'pre-wrap' }}>{result.traceback}</pre>
                </details>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
