import { useState } from 'react';
import type { Clients } from '../api/clients.ts';
import { type ControlLimits, limitRange, numericRefusal } from './controlLimits.ts';
import { refusalText } from './serviceRefusal.ts';
import type { WriteAccess } from './useWriteAccess.ts';

/** What the pv-socket told us about a PV that decides its control. */
export interface PvMetadata extends ControlLimits {
  value?: unknown;
  enum_strs?: string[] | null;
  write_access?: boolean;
  connected?: boolean;
}

type Outcome = { kind: 'sending' | 'done' | 'refused'; text: string };

/** Why `pv` cannot be written now, or undefined when it can. */
function disabledReason(meta: PvMetadata, access: WriteAccess): string | undefined {
  if (access.allowed === undefined) return 'asking the service whether writes are on';
  if (!access.allowed) return access.reason;
  if (meta.connected === false) return 'disconnected';
  if (meta.write_access === false) return 'the IOC does not allow writes to this PV';
  return undefined;
}

/** A set-point for one PV: a number box within its limits, a choice for enums, text for strings. */
export function SetpointControl(props: {
  pv: string;
  meta: PvMetadata;
  access: WriteAccess;
  clients: Clients;
}) {
  const { pv, meta, access, clients } = props;
  const [text, setText] = useState('');
  const [choice, setChoice] = useState<number | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const choices = meta.enum_strs && meta.enum_strs.length > 0 ? meta.enum_strs : undefined;
  const numeric = !choices && typeof meta.value === 'number';
  const range = numeric ? limitRange(meta) : undefined;
  const blocked = disabledReason(meta, access);

  async function write(value: unknown): Promise<void> {
    setOutcome({ kind: 'sending', text: 'sending…' });
    try {
      const { data, error, response } = await clients.directControl.POST('/api/v1/pv/set', {
        body: { pv_name: pv, value, wait: false, use_complete: false },
      });
      if (data)
        setOutcome({ kind: 'done', text: data.message ?? `set to ${JSON.stringify(data.value_set)}` });
      else setOutcome({ kind: 'refused', text: refusalText(error, response.status) });
    } catch (err) {
      setOutcome({ kind: 'refused', text: `no answer from direct control: ${String(err)}` });
    }
  }

  function submit(): void {
    if (choices) {
      void write(choice ?? Number(meta.value));
    } else if (numeric) {
      // Refused here, before anything is sent: the page knows the PV's limits.
      const refusal = numericRefusal(text, range);
      if (refusal) setOutcome({ kind: 'refused', text: refusal });
      else void write(Number(text));
    } else {
      void write(text);
    }
  }

  const current = choice ?? (typeof meta.value === 'number' ? meta.value : 0);
  return (
    <form
      className="setpoint"
      // The page checks limits itself and says why; the browser's own bubble would hide that.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {choices ? (
        <select
          aria-label={`Choice for ${pv}`}
          value={current}
          disabled={blocked !== undefined}
          onChange={(e) => setChoice(Number(e.target.value))}
        >
          {choices.map((name, index) => (
            <option key={name} value={index}>
              {name}
            </option>
          ))}
        </select>
      ) : (
        <input
          aria-label={`Set-point for ${pv}`}
          type={numeric ? 'number' : 'text'}
          // Limits as hints only: the page refuses out-of-range input itself, with a message.
          min={range?.[0]}
          max={range?.[1]}
          step="any"
          placeholder={range ? `${range[0]} … ${range[1]}` : ''}
          value={text}
          disabled={blocked !== undefined}
          onChange={(e) => setText(e.target.value)}
          style={{ width: '8em' }}
        />
      )}{' '}
      <button type="submit" aria-label={`Set ${pv}`} disabled={blocked !== undefined}>
        Set
      </button>{' '}
      <output
        aria-label={`Write result for ${pv}`}
        data-outcome={blocked ? 'disabled' : outcome?.kind}
        style={{ color: blocked || outcome?.kind === 'refused' ? '#a00' : 'inherit' }}
      >
        {blocked ?? (outcome ? `${outcome.kind === 'refused' ? 'Refused: ' : ''}${outcome.text}` : '')}
      </output>
    </form>
  );
}
