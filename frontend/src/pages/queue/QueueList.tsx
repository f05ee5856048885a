import { useState } from 'react';
import type { Clients } from '../../api/clients.ts';
import { argumentsText, type Item, itemCopy, refusalOf } from './types.ts';

type Path = '/api/queue/item/move' | '/api/queue/item/remove' | '/api/queue/item/add';

/** One request button of a queued item: its text, accessible name and request. */
interface ItemRequest {
  text: string;
  aria: string;
  disabled: boolean;
  path: Path;
  body: object;
}

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
  const request = async (action: string, path: Path, body: object) =>
    onReply(action, await refusalOf(() => qs.POST(path, { body: body as Record<string, unknown> })));

  /** The buttons of one item that each send one request; the arrows are the keyboard's drag. */
  const requests = (item: Item, index: number): ItemRequest[] => {
    const label = `${item.name} (item ${index + 1})`;
    const first = index === 0;
    const last = index === items.length - 1;
    const move = (text: string, aria: string, disabled: boolean, pos_dest: number | string): ItemRequest => ({
      text,
      aria: `Move ${label} ${aria}`,
      disabled,
      path: '/api/queue/item/move',
      body: { uid: item.item_uid, pos_dest },
    });
    return [
      move('⤒', 'to the top', first, 'front'),
      move('↑', 'up', first, index - 1),
      move('↓', 'down', last, index + 1),
      move('⤓', 'to the bottom', last, 'back'),
      {
        text: 'Duplicate',
        aria: `Duplicate ${label}`,
        disabled: false,
        path: '/api/queue/item/add',
        body: { item: itemCopy(item), after_uid: item.item_uid },
      },
      {
        text: 'Remove',
        aria: `Remove ${label}`,
        disabled: false,
        path: '/api/queue/item/remove',
        body: { uid: item.item_uid },
      },
    ];
  };

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
              {requests(item, index).map(({ text, aria, disabled, path, body }) => (
                <button
                  key={text}
                  type="button"
                  aria-label={aria}
                  disabled={disabled}
                  onClick={() => request(`${aria.split(' (')[0]}`, path, body)}
                >
                  {text}
                </button>
              ))}{' '}
              <button type="button" aria-label={`Edit ${label}`} onClick={() => onEdit(item)}>
                Edit
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
