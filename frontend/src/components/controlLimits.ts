/** A PV's control limits as direct control reports them (both 0 or missing: no limits). */
export interface ControlLimits {
  lower_ctrl_limit?: number | null;
  upper_ctrl_limit?: number | null;
}

/** The usable [low, high] range, or undefined when the PV publishes none. */
export function limitRange(limits: ControlLimits): [number, number] | undefined {
  const { lower_ctrl_limit: low, upper_ctrl_limit: high } = limits;
  if (typeof low !== 'number' || typeof high !== 'number' || !(low < high)) return undefined;
  return [low, high];
}

/** Why `text` cannot be sent as a number within `range`, or undefined when it can. */
export function numericRefusal(text: string, range: [number, number] | undefined): string | undefined {
  if (text.trim() === '' || !Number.isFinite(Number(text))) return `"${text}" is not a number`;
  const value = Number(text);
  if (range && (value < range[0] || value > range[1])) {
    return `${value} is outside the control limits [${range[0]}, ${range[1]}]`;
  }
  return undefined;
}
