/**
 * The acceptance suite of spec §6.2 again, on PostgreSQL: TEST_DATABASE_URL, or the local server
 * that scripts/provision.sh sets up. Each service start gets freshly dropped tables. Without a
 * server the file fails at once, naming the script that provides one.
 */
import { POSTGRES_URL, requirePostgres } from '../postgres.ts';

await requirePostgres(POSTGRES_URL);
process.env.TEST_DATABASE_URL_OVERRIDE = POSTGRES_URL;
await import('../acceptance.test.ts');
