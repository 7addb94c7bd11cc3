import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create('/tmp/exp/d1');
await db.exec('CREATE TABLE IF NOT EXISTS k (v int)'); await db.exec('INSERT INTO k VALUES (1)');
console.log((await db.query('select count(*)::int n from k')).rows);
if (process.argv[2] === 'kill') process.kill(process.pid, 'SIGKILL');
await db.close();
