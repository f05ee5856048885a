import { useMemo, useState } from 'react';
import type { Clients } from '../../api/clients.ts';
import {
  buildItem,
  type DeviceDescription,
  type FieldKind,
  type FieldValue,
  fieldKind,
  type PlanDescription,
} from '../../planForm.ts';
import { itemToValues } from '../../planItemValues.ts';
import { FieldInput } from './FieldInput.tsx';
import { type Item, refusalOf } from './types.ts';

interface PlanFormProps {
  clients: Clients;
  plans: Record<string, PlanDescription>;
  devices: Record<string, DeviceDescription>;
  /** The queued item being edited, or undefined to add a new one. */
  editing?: Item;
  onEditEnd: () => void;
  /** Reports the outcome of a request: undefined when accepted, else the server's message. */
  onReply: (action: string, refusal: string | undefined) => void;
}

/** A plan's form generated from its description: add it to the queue, or save an edited item. */
export function PlanForm({ clients, plans, devices, editing, onEditEnd, onReply }: PlanFormProps) {
  const names = useMemo(() => Object.keys(plans).sort(), [plans]);
  const [planName, setPlanName] = useState('');
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [errors, setErrors] = useState<string[]>([]);
  const chosen = planName || (names.includes('count') ? 'count' : (names[0] ?? ''));
  const plan = plans[chosen];
  const kinds = useMemo<Record<string, FieldKind>>(
    () => Object.fromEntries((plan?.parameters ?? []).map((p) => [p.name, fieldKind(p, devices)])),
    [plan, devices],
  );

  // Editing an item fills the form with its plan and arguments, once per item: lists fetched
  // again later (the environment opened) must not overwrite what the user has typed since.
  const [filledFor, setFilledFor] = useState<Item>();
  const description = editing?.name ? plans[editing.name] : undefined;
  if (editing && description && editing !== filledFor) {
    const editKinds = Object.fromEntries(description.parameters.map((p) => [p.name, fieldKind(p, devices)]));
    setFilledFor(editing);
    setPlanName(description.name);
    setValues(itemToValues(description, editKinds, editing));
    setErrors([]);
  }
  if (!editing && filledFor) setFilledFor(undefined);

  const choosePlan = (name: string) => {
    setPlanName(name);
    setValues({});
    setErrors([]);
    if (editing) onEditEnd();
  };

  const submit = async () => {
    if (!plan) return;
    const built = buildItem(plan, kinds, values);
    setErrors(built.errors);
    if (!('item' in built)) return;
    const qs = clients.queueServer;
    if (editing?.item_uid) {
      const item = { ...built.item, item_uid: editing.item_uid };
      const refusal = await refusalOf(() => qs.POST('/api/queue/item/update', { body: { item } }));
      onReply(`Save ${item.name}`, refusal);
      if (!refusal) onEditEnd();
    } else {
      const refusal = await refusalOf(() => qs.POST('/api/queue/item/add', { body: { item: built.item } }));
      onReply(`Add ${built.item.name}`, refusal);
    }
  };

  return (
    <form
      aria-label="Plan form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      style={{ border: '1px solid #ccc', padding: '0.5em', margin: '0.5em 0' }}
    >
      <h2 style={{ marginTop: 0 }}>{editing ? `Edit queued ${editing.name}` : 'Add a plan'}</h2>
      <label htmlFor="plan-name">Plan</label>{' '}
      <select id="plan-name" value={chosen} onChange={(e) => choosePlan(e.target.value)}>
        {names.map((name) => (
          <option key={name}>{name}</option>
        ))}
      </select>{' '}
      {plan?.description && <small>{plan.description}</small>}
      {(plan?.parameters ?? []).map((param) => (
        <FieldInput
          key={`${chosen}.${param.name}`}
          param={param}
          kind={kinds[param.name] ?? { type: 'json', expect: 'any' }}
          value={values[param.name]}
          onChange={(value) => setValues((old) => ({ ...old, [param.name]: value }))}
        />
      ))}
      {errors.length > 0 && (
        <ul role="alert" aria-label="Form errors" style={{ color: 'crimson' }}>
          {errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
      <button type="submit" disabled={!plan}>
        {editing ? 'Save item' : 'Add to queue'}
      </button>{' '}
      {editing && (
        <button
          type="button"
          onClick={() => {
            setValues({});
            onEditEnd();
          }}
        >
          Cancel edit
        </button>
      )}
    </form>
  );
}
