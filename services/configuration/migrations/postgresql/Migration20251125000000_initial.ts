import { Migration } from '@mikro-orm/migrations';

/**
 * The registry schema of spec §3.2 on PostgreSQL. `if not exists` adopts a database the Python service
 * created (same tables and columns); the audit id comes from a sequence (bigserial), so ids are never reused.
 */
export class Migration20251125000000_initial extends Migration {
  override name = 'Migration20251125000000_initial';

  override up(): void {
    this.addSql(
      'create table if not exists "device_registry" (' +
        '"name" text not null primary key, ' +
        '"device_metadata" text not null, ' +
        '"instantiation_spec" text null, ' +
        '"created_at" double precision not null, ' +
        '"updated_at" double precision not null)',
    );
    this.addSql(
      'create table if not exists "device_audit_log" (' +
        '"id" bigserial primary key, ' +
        '"device_name" text not null, ' +
        '"operation" text not null, ' +
        '"timestamp" double precision not null, ' +
        '"details" text null)',
    );
    this.addSql(
      'create index if not exists "device_audit_log_device_name_id_index" ' +
        'on "device_audit_log" ("device_name", "id")',
    );
    this.addSql(
      'create table if not exists "registry_metadata" ("key" text not null primary key, "value" text null)',
    );
    this.addSql(
      'create table if not exists "standalone_pvs" (' +
        '"pv_name" text not null primary key, ' +
        '"description" text null, ' +
        `"protocol" text not null default 'ca', ` +
        `"access_mode" text not null default 'read-only', ` +
        `"labels" text not null default '[]', ` +
        `"source" text not null default 'runtime', ` +
        '"created_by" text null, ' +
        '"created_at" double precision not null, ' +
        '"updated_at" double precision not null)',
    );
  }

  override down(): void {
    for (const table of ['standalone_pvs', 'registry_metadata', 'device_audit_log', 'device_registry']) {
      this.addSql(`drop table if exists "${table}"`);
    }
  }
}
