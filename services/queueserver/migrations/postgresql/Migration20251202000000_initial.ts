import { Migration } from '@mikro-orm/migrations';

/**
 * The queue store's schema on PostgreSQL (see src/store/queue-store.ts for the layout). Items are
 * `text`, not `jsonb`: jsonb would reorder their keys.
 */
export class Migration20251202000000_initial extends Migration {
  override name = 'Migration20251202000000_initial';

  override up(): void {
    this.addSql(
      'create table if not exists "qs_queue" (' +
        '"item_uid" text not null primary key, ' +
        '"position" double precision not null, ' +
        '"item" text not null)',
    );
    this.addSql('create index if not exists "qs_queue_position_index" on "qs_queue" ("position")');
    this.addSql(
      'create table if not exists "qs_history" ("seq" bigint not null primary key, "item" text not null)',
    );
    this.addSql(
      'create table if not exists "qs_state" ("key" text not null primary key, "value" text not null)',
    );
  }

  override down(): void {
    for (const table of ['qs_state', 'qs_history', 'qs_queue'])
      this.addSql(`drop table if exists "${table}"`);
  }
}
