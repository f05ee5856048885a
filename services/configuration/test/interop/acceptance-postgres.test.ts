/**
 * The acceptance suite of spec §6.2 again, on PostgreSQL: TEST_DATABASE_URL, or the local server
 * that scripts/provision.sh sets up. Each service start gets freshly dropped tables.
 */
const url = process.env.TEST_DATABASE_URL || 'postgresql://ophyd:ophyd@127.0.0.1:5432/ophyd_test';
process.env.TEST_DATABASE_URL_OVERRIDE = url;
await import('../acceptance.test.ts');
