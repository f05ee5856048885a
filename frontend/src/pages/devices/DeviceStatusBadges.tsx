import type { DeviceStatus } from './useDeviceStatuses.ts';

/** A lock's holder as one line: the plan, the queue item, since when and until when. */
export function lockText(status: DeviceStatus): string {
  if (status.lock_status !== 'locked') return 'unlocked';
  const since = status.locked_at ? ` since ${new Date(status.locked_at).toLocaleString()}` : '';
  const until = status.locked_until ? `, until ${new Date(status.locked_until).toLocaleString()}` : '';
  const item = status.locked_by_item ? ` (item ${status.locked_by_item})` : '';
  return `locked by plan '${status.locked_by_plan ?? '?'}'${item}${since}${until}`;
}

/** A lock stands out as an amber tag (text, not an icon: no emoji font is needed). */
const LOCK_MARK = { marginLeft: '0.5em', padding: '0 0.3em', background: '#ffd27a', borderRadius: '3px' };

/** The list's short marks for a device: "disabled" and a lock with its plan (nothing when free). */
export function DeviceStatusBadges({ name, status }: { name: string; status?: DeviceStatus }) {
  if (!status) return null;
  return (
    <>
      {!status.enabled && (
        <span data-testid={`enabled-${name}`} style={{ marginLeft: '0.5em', fontStyle: 'italic' }}>
          disabled
        </span>
      )}
      {status.lock_status === 'locked' && (
        <span data-testid={`lock-${name}`} title={lockText(status)} style={LOCK_MARK}>
          locked by {status.locked_by_plan ?? '?'}
        </span>
      )}
    </>
  );
}
