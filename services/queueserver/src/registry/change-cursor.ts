/**
 * The registry's change feed as the queue server follows it (spec §12): the version cursor is taken
 * when the environment opens (`GET /api/v1/devices/changes`), and before each plan the changes
 * since it are asked for; the cursor moves on once they are applied to the environment. A reset
 * registry or a new `service_epoch` is reported as such.
 */
import { type ConfigServiceClient, errorText, type InstantiationSpec } from './config-client.ts';

/** `since_version` that is past any version: the answer is the current version and no changes. */
const PAST_EVERY_VERSION = Number.MAX_SAFE_INTEGER;

interface ChangesBody {
  current_version: number;
  service_epoch: string;
  reset_occurred: boolean;
  changes: { device_name: string; op: 'upsert' | 'delete'; spec?: InstantiationSpec | null }[];
}

/** What changed in the registry since the cursor. */
export interface RegistryChanges {
  /** Added or updated devices with their specs (a disabled one among them: `active: false`). */
  upserted: Record<string, InstantiationSpec | null>;
  deleted: string[];
  /** The registry was reset, or its service_epoch changed: every device may differ. */
  reset: boolean;
}

/** Changes not yet applied: `commit` moves the cursor past them. */
export interface PendingChanges {
  changes: RegistryChanges;
  commit(): void;
}

/** Follows one registry's change feed. */
export class ChangeCursor {
  private readonly client: ConfigServiceClient;
  private version: number | null = null;
  private epoch: string | null = null;
  /** The registry answered that it keeps no change history (until the next reset). */
  private noHistory = false;

  constructor(client: ConfigServiceClient) {
    this.client = client;
  }

  /**
   * Takes the registry's current version. False when it keeps no change history (501: persistence
   * off), so there is nothing to follow; any other failure throws.
   */
  async capture(): Promise<boolean> {
    this.reset();
    const body = await this.changesSince(PAST_EVERY_VERSION);
    if (!body) return false;
    this.version = body.current_version;
    this.epoch = body.service_epoch;
    return true;
  }

  /**
   * The changes since the cursor, to be committed once applied. Without a cursor it is taken now
   * (null: nothing to compare with); null too when the registry keeps no history.
   */
  async pending(): Promise<PendingChanges | null> {
    if (this.noHistory) return null;
    if (this.version === null) {
      await this.capture();
      return null;
    }
    const body = await this.changesSince(this.version);
    if (!body) return null;
    const upserted: RegistryChanges['upserted'] = {};
    for (const change of body.changes)
      if (change.op === 'upsert') upserted[change.device_name] = change.spec ?? null;
    return {
      changes: {
        upserted,
        deleted: body.changes.filter((c) => c.op === 'delete').map((c) => c.device_name),
        reset: body.reset_occurred || body.service_epoch !== this.epoch,
      },
      commit: () => {
        this.version = body.current_version;
        this.epoch = body.service_epoch;
      },
    };
  }

  /** Forgets the cursor (the environment closed). */
  reset(): void {
    this.version = null;
    this.epoch = null;
    this.noHistory = false;
  }

  private async changesSince(version: number): Promise<ChangesBody | null> {
    const answer = await this.client.request<ChangesBody>(
      'GET',
      `/api/v1/devices/changes?since_version=${version}`,
    );
    if (answer.status === 501) {
      this.version = null;
      this.noHistory = true;
      return null;
    }
    if (answer.status !== 200) throw new Error(`the change feed was refused: ${errorText(answer)}`);
    return answer.body;
  }
}

/** A console line for registry changes, or null when there are none. */
export function describeChanges(changes: RegistryChanges): string | null {
  const parts: string[] = [];
  const upserted = Object.keys(changes.upserted);
  if (changes.reset) parts.push('the registry was reset');
  if (upserted.length) parts.push(`added or updated: ${upserted.join(', ')}`);
  if (changes.deleted.length) parts.push(`deleted: ${changes.deleted.join(', ')}`);
  if (!parts.length) return null;
  return `Registry devices changed (${parts.join('; ')}): the environment takes the registry's devices before the plan starts`;
}
