import type { ReactNode } from 'react';
import type { AxisRow, FieldKind, FieldValue, ParamDescription } from '../../planForm.ts';
import { isRequired } from '../../planForm.ts';

interface FieldProps {
  param: ParamDescription;
  kind: FieldKind;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
}

const HINTS: Record<FieldKind['type'], string> = {
  int: 'an integer',
  float: 'a number',
  bool: 'True or False',
  str: 'text',
  json: 'JSON',
  choice: 'a choice',
  axes: 'a device, then its values separated by commas (e.g. -1, 1)',
  kwargs: 'a JSON object of further keyword arguments',
};

/** One field per row: name, input, hint in aligned columns. */
const FIELD_ROW = {
  display: 'grid',
  gridTemplateColumns: '9em minmax(12em, max-content) 1fr',
  gap: '0.5em',
  alignItems: 'start',
  margin: '0.3em 0',
};

/** The `*args` editor: rows of a device picker and the values that follow it. */
function AxisRows({ param, kind, value, onChange }: FieldProps) {
  const rows = Array.isArray(value) && value.length ? (value as AxisRow[]) : [{ device: '', values: '' }];
  const choices = kind.type === 'axes' ? kind.choices : [];
  const setRow = (index: number, row: AxisRow) => onChange(rows.map((r, i) => (i === index ? row : r)));
  return (
    <fieldset
      aria-label={param.name}
      style={{ display: 'inline-block', border: 'none', padding: 0, margin: 0 }}
    >
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
        <div key={index}>
          <select
            aria-label={`${param.name} device ${index + 1}`}
            value={row.device}
            onChange={(e) => setRow(index, { ...row, device: e.target.value })}
          >
            <option value="">(no device)</option>
            {choices.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>{' '}
          <input
            aria-label={`${param.name} values ${index + 1}`}
            value={row.values}
            placeholder="-1, 1"
            onChange={(e) => setRow(index, { ...row, values: e.target.value })}
          />{' '}
          <button
            type="button"
            aria-label={`Remove ${param.name} row ${index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            ✕
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { device: '', values: '' }])}>
        Add {param.name} row
      </button>
    </fieldset>
  );
}

/** One plan parameter's input, chosen by its kind; the default shown, a required one marked. */
export function FieldInput(props: FieldProps) {
  const { param, kind, value, onChange } = props;
  const id = `plan-field-${param.name}`;
  const required = isRequired(param);
  const text = typeof value === 'string' ? value : '';
  const placeholder = param.default !== undefined ? `default ${param.default}` : required ? 'required' : '';
  const common = {
    id,
    'aria-required': required,
    'aria-describedby': `${id}-hint`,
  };
  let input: ReactNode;
  if (kind.type === 'axes') input = <AxisRows {...props} />;
  else if (kind.type === 'choice' && kind.multiple) {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    input = (
      <select
        {...common}
        multiple
        size={Math.min(6, Math.max(2, kind.choices.length))}
        value={chosen}
        onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}
      >
        {kind.choices.map((name) => (
          <option key={name}>{name}</option>
        ))}
      </select>
    );
    // The list scrolls: say what is chosen, as the chosen options may be out of sight.
    input = (
      <>
        {input}
        <br />
        <small>chosen: {chosen.join(', ') || 'none'}</small>
      </>
    );
  } else if (kind.type === 'choice' || kind.type === 'bool') {
    const choices = kind.type === 'choice' ? kind.choices : ['True', 'False'];
    input = (
      <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
        <option value="">{placeholder || '(none)'}</option>
        {choices.map((name) => (
          <option key={name}>{name}</option>
        ))}
      </select>
    );
  } else {
    const numeric = kind.type === 'int' || kind.type === 'float';
    input = (
      <input
        {...common}
        inputMode={kind.type === 'int' ? 'numeric' : numeric ? 'decimal' : undefined}
        value={text}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div style={FIELD_ROW}>
      <span>
        {kind.type === 'axes' ? (
          <span id={`${id}-label`}>{param.name}</span>
        ) : (
          <label htmlFor={id}>{param.name}</label>
        )}
        {required && (
          <span title="required" aria-hidden="true" style={{ color: 'crimson' }}>
            *
          </span>
        )}
      </span>
      <span>{input}</span>
      <small id={`${id}-hint`} style={{ color: '#555' }}>
        {HINTS[kind.type]}
        {param.description ? `: ${param.description}` : ''}
      </small>
    </div>
  );
}
