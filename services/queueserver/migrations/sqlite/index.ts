import type { MigrationObject } from '@mikro-orm/core';
import { Migration20251202000000_initial } from './Migration20251202000000_initial.ts';

/** Every migration of this dialect, oldest first (listed, not discovered: no glob over .ts files). */
export const migrations: MigrationObject[] = [
  { name: 'Migration20251202000000_initial', class: Migration20251202000000_initial },
];
