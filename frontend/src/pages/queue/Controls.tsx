import type { Clients } from '../../api/clients.ts';
import { type Call, refusalOf, type Status } from './types.ts';

type Qs = Clients['queueServer'];

interface Control {
  label: string;
  /** Whether the server accepts it in this status (spec §3.5-3.7), so the button is enabled. */
  allowed: (s: Status) => boolean;
  call: (qs: Qs) => ReturnType<Call>;
}

const idle = (s: Status) => s.manager_state === 'idle';
const paused = (s: Status) => s.manager_state === 'paused';
const queueRunning = (s: Status) =>
  s.manager_state === 'starting_queue' || s.manager_state === 'executing_queue';

const GROUPS: Record<string, Control[]> = {
  Environment: [
    {
      label: 'Open environment',
      allowed: (s) => idle(s) && !s.worker_environment_exists,
      call: (qs) => qs.POST('/api/environment/open', { body: {} }),
    },
    {
      label: 'Close environment',
      allowed: (s) => idle(s) && !!s.worker_environment_exists,
      call: (qs) => qs.POST('/api/environment/close', { body: {} }),
    },
    {
      label: 'Destroy environment',
      allowed: (s) => !!s.worker_environment_exists || s.manager_state === 'creating_environment',
      call: (qs) => qs.POST('/api/environment/destroy', { body: {} }),
    },
  ],
  Queue: [
    {
      label: 'Start queue',
      allowed: (s) => idle(s) && !!s.worker_environment_exists,
      call: (qs) => qs.POST('/api/queue/start', { body: {} }),
    },
    {
      label: 'Stop queue',
      allowed: (s) => queueRunning(s) && !s.queue_stop_pending,
      call: (qs) => qs.POST('/api/queue/stop', { body: {} }),
    },
    {
      label: 'Cancel stop',
      allowed: (s) => !!s.queue_stop_pending,
      call: (qs) => qs.POST('/api/queue/stop/cancel', { body: {} }),
    },
  ],
  RunEngine: [
    {
      label: 'Pause (deferred)',
      allowed: (s) => s.re_state === 'running' && !s.pause_pending,
      call: (qs) => qs.POST('/api/re/pause', { body: { option: 'deferred' } }),
    },
    {
      label: 'Pause (immediate)',
      allowed: (s) => s.re_state === 'running',
      call: (qs) => qs.POST('/api/re/pause', { body: { option: 'immediate' } }),
    },
    { label: 'Resume', allowed: paused, call: (qs) => qs.POST('/api/re/resume', { body: {} }) },
    { label: 'Stop', allowed: paused, call: (qs) => qs.POST('/api/re/stop', { body: {} }) },
    { label: 'Abort', allowed: paused, call: (qs) => qs.POST('/api/re/abort', { body: {} }) },
    { label: 'Halt', allowed: paused, call: (qs) => qs.POST('/api/re/halt', { body: {} }) },
  ],
};

/** Environment, queue and RunEngine buttons, each enabled only where the server accepts it. */
export function Controls({
  clients,
  status,
  onReply,
}: {
  clients: Clients;
  status: Status;
  onReply: (action: string, refusal: string | undefined) => void;
}) {
  return (
    <div style={{ display: 'flex', gap: '1em', flexWrap: 'wrap' }}>
      {Object.entries(GROUPS).map(([group, controls]) => (
        <fieldset key={group}>
          <legend>{group}</legend>
          {controls.map(({ label, allowed, call }) => (
            <button
              key={label}
              type="button"
              disabled={!allowed(status)}
              onClick={async () => onReply(label, await refusalOf(() => call(clients.queueServer)))}
              style={{ marginRight: '0.3em' }}
            >
              {label}
            </button>
          ))}
        </fieldset>
      ))}
    </div>
  );
}
