/** The profile-collection routes (spec §10.3, [FORK]): each calls its use case in profile-collection/. */
import type { Binding, Handler } from '@ophyd-service/service-kit';
import type { ProfileCollection } from '../profile-collection/profile-collection.ts';
import { reloadProfileCollection } from '../profile-collection/reload.ts';
import type { WorkerEnvironment } from '../profile-collection/worker-environment.ts';

type Bind = (operationId: string, handle: Handler<never>) => Binding<never>;

export function profileCollectionBindings(
  collection: ProfileCollection,
  environment: WorkerEnvironment,
  bind: Bind,
) {
  return {
    profile_collection_status_handler_api_profile_collection_status_get: bind(
      'profile_collection_status_handler_api_profile_collection_status_get',
      (() => collection.status()) as never,
    ),
    profile_collection_pull_handler_api_profile_collection_pull_post: bind(
      'profile_collection_pull_handler_api_profile_collection_pull_post',
      (() => collection.pull()) as never,
    ),
    profile_collection_reload_handler_api_profile_collection_reload_post: bind(
      'profile_collection_reload_handler_api_profile_collection_reload_post',
      (({ body }: { body?: { lock_key?: string | null } }) =>
        reloadProfileCollection(collection, environment, body?.lock_key ?? undefined)) as never,
    ),
  };
}
