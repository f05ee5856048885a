import { useState } from 'react';
import type { Clients } from '../../api/clients.ts';
import { argumentsText, type Item, refusalOf } from './types.ts';

interface QueueListProps {
  clients: Clients;
  items: Item[];
  count: number;
  onEdit: (item: Item) => void;
  onReply: (action: string, refusal: string | undefined) => void;
}

/** The queue: each item with its arguments and user; move (buttons or drag), edit, remove, clear. */
export function QueueList({ clients, items, count, onEdit, onReply }: QueueListProps) {
  const qs = clients.queueServer;
  const [dragged, setDragged] = useState<string>();
  const request = async (
    action: string,
    path: '/api/queue/item/move' | '/api/queue/item/remove',
    body: object,
  ) => onReply(action, await refusalOf(() => qs.POST(path, { body: body as Record<string, unknown> })));

  // Dropped on a later item it goes after it, on an earlier one before it: where the user let go.
  const drop = (target: Item, targetIndex: number, uid: string) => {
    const from = items.findIndex((i) => i.item_uid === uid);
    setDragged(undefined);
    if (from < 0 || from === targetIndex) return;
    const where = from < targetIndex ? { after_uid: target.item_uid } : { before_uid: target.item_uid };
    void request(`Move ${items[from]?.name}`, '/api/queue/item/move', { uid, ...where });
  };

  return (
    <section aria-labelledby="queue-list-title">
      <h2 id="queue-list-title">
        Queue ({count}){' '}
        <button
          type="button"
          disabled={items.length === 0}
          onClick={async () =>
            onReply('Clear queue', await refusalOf(() => qs.POST('/api/queue/clear', { body: {} })))
          }
        >
          Clear queue
        </button>
      </h2>
      <ol aria-label="Queue items">
        {items.map((item, index) => {
          const label = `${item.name} (item ${index + 1})`;
          return (
            <li
              key={item.item_uid}
              data-uid={item.item_uid}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData('text/plain', item.item_uid ?? '');
                e.dataTransfer.effectAllowed = 'move';
                setDragged(item.item_uid);
              }}
              onDragOver={(e) => e.preventDefault()}
              onDragEnd={() => setDragged(undefined)}
              onDrop={(e) => {
                e.preventDefault();
                drop(item, index, e.dataTransfer.getData('text/plain'));
              }}
              style={{ cursor: 'grab', padding: '0.2em', opacity: dragged === item.item_uid ? 0.5 : 1 }}
            >
              <strong>{item.name}</strong> <code>{argumentsText(item)}</code>{' '}
              <small>by {item.user ?? '?'}</small>{' '}
              <button
                type="button"
                aria-label={`Move ${label} up`}
                disabled={index === 0}
                onClick={() =>
                  request(`Move ${item.name}`, '/api/queue/item/move', {
                    uid: item.item_uid,
                    pos_dest: index - 1,
                  })
                }
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${label} down`}
                disabled={index === items.length - 1}
                onClick={() =>
                  request(`Move ${item.name}`, '/api/queue/item/move', {
                    uid: item.item_uid,
                    pos_dest: index + 1,
                  })
                }
              >
                ↓
              </button>{' '}
              <button type="button" aria-label={`Edit ${label}`} onClick={() => onEdit(item)}>
                Edit
              </button>{' '}
              <button
                type="button"
                aria-label={`Remove ${label}`}
                onClick={() =>
                  request(`Remove ${item.name}`, '/api/queue/item/remove', { uid: item.item_uid })
                }
              >
                Remove
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
