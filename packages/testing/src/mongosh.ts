/**
 * `mongosh` in MongoDB's stand-in image, for healthchecks only: the compose files check
 * the official image with `mongosh --quiet --norc --eval "…db.adminCommand('ping')…"`, and
 * this answers the same way — it sends `{ ping: 1 }` to the server in the container
 * (127.0.0.1, MONGO_PORT or 27017), prints 1 and exits 0 when it answers `ok: 1`, exits 1
 * otherwise. Any other script is refused (exit 2): this is no shell.
 */
import { mongoCommand } from './mongo-wire.ts';

const args = process.argv.slice(2);
const evalIndex = args.indexOf('--eval');
const script = evalIndex >= 0 ? (args[evalIndex + 1] ?? '') : '';
if (!/\bping\b/.test(script)) {
  console.error(`the stand-in mongosh only runs a ping (--eval "db.adminCommand('ping')"), not: ${script}`);
  process.exit(2);
}
const port = Number(process.env.MONGO_PORT ?? 27017);
const ok = await mongoCommand('127.0.0.1', port, { ping: 1, $db: 'admin' }).then(
  () => true,
  (error: Error) => {
    console.error(error.message);
    return false;
  },
);
if (ok) console.log(1);
process.exit(ok ? 0 : 1);
