import { connect } from 'node:net';
import { plugins } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';

const OP_MSG = 2013;

/**
 * Runs one database command over the MongoDB wire protocol (an OP_MSG) without a driver,
 * for probes and checks: `{ ping: 1 }`, `{ insert, documents }`, `{ find, filter }`.
 * The command's name is its first key, and it carries its database as `$db`. Resolves with
 * the reply document; rejects when the server cannot be reached, hangs up, does not answer
 * within `timeoutMs`, or answers `ok: 0` (with its `errmsg`).
 */
export function mongoCommand(
  host: string,
  port: number,
  command: Record<string, unknown>,
  timeoutMs = 2000,
): Promise<Record<string, unknown>> {
  const document = plugins.bson.serialize(command);
  const body = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), document]); // flag bits, section kind 0
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(1, 4);
  header.writeInt32LE(OP_MSG, 12);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let reply = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    socket.on('error', fail);
    // A peer that accepts and hangs up without a reply (a server shutting down, docker-proxy
    // while its container stops) sends no error and leaves the socket idle-free: without this
    // the promise would never settle.
    socket.on('close', () => fail(new Error(`${host}:${port} closed the connection without answering`)));
    socket.on('connect', () => socket.write(Buffer.concat([header, body])));
    socket.on('data', (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      if (reply.length < 4 || reply.length < reply.readInt32LE(0)) return;
      socket.destroy();
      if (reply.readInt32LE(12) !== OP_MSG) return reject(new Error(`not an OP_MSG reply from ${host}:${port}`));
      try {
        // header (16), flag bits (4), section kind 0 (1), then the reply document.
        const answer = plugins.bson.deserialize(reply.subarray(21, reply.readInt32LE(0)));
        if (Number(answer.ok) === 1) resolve(answer);
        else reject(new Error(`${Object.keys(command)[0]} failed: ${answer.errmsg ?? JSON.stringify(answer)}`));
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}
