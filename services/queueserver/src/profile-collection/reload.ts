/**
 * `POST /api/profile_collection/reload`: pull the profile collection, then, if an environment is
 * open, close it and open it again so the worker loads the pulled code. The device registry is not
 * touched (the UI follows with the devices diff and sync).
 */
import { DomainError } from '@ophyd-service/service-kit';
import type { ProfileCollection, ProfilePull } from './profile-collection.ts';
import { EnvironmentRefused, type WorkerEnvironment } from './worker-environment.ts';

export interface ProfileReload {
  pull: ProfilePull;
  /** False when no environment was open: POST /api/environment/open loads the pulled code. */
  environment_recycled: boolean;
}

export async function reloadProfileCollection(
  collection: ProfileCollection,
  environment: WorkerEnvironment,
  /** The key of a locked environment (our addition: the reference's reload takes no body). */
  lockKey?: string,
): Promise<ProfileReload> {
  const pull = await collection.pull();
  if (!environment.exists()) return { pull, environment_recycled: false };
  const pulled = `The profile collection was pulled (${short(pull.commit_before)}..${short(pull.commit_after)})`;
  if (pull.pixi_toml_changed)
    throw new DomainError(
      'conflict',
      `${pulled}, but pixi.toml changed while an environment is open: recycling the worker cannot bring in a new pixi environment, so the service must be restarted on the host`,
    );
  try {
    await environment.close(lockKey);
  } catch (error) {
    if (error instanceof EnvironmentRefused)
      throw new DomainError('conflict', `${pulled}, but the environment was not recycled: ${error.message}`);
    throw error;
  }
  const reopen = 'Open it with POST /api/environment/open once the cause is fixed.';
  let opened: boolean;
  try {
    opened = await environment.open(lockKey);
  } catch (error) {
    if (error instanceof EnvironmentRefused)
      throw new DomainError(
        'failed',
        `${pulled} and the environment closed, but it was not opened again (it is closed now): ${error.message}. ${reopen}`,
      );
    throw error;
  }
  if (!opened)
    throw new DomainError(
      'failed',
      `${pulled} and the environment closed, but opening it again failed (it is closed now; the console output says why). ${reopen}`,
    );
  return { pull, environment_recycled: true };
}

function short(commit: string): string {
  return commit.slice(0, 12);
}
