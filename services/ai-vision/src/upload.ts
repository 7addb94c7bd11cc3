/**
 * Reading uploaded images from a request: a raw `image/*` body, or named file fields of a
 * multipart/form-data body. Every path is bounded by `maxBytes` per image, and a body
 * that is refused is drained (not buffered) so the connection can answer.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ImageRejection } from './rejection.ts';

export interface UploadLimits {
  /** Largest accepted image, in bytes. */
  maxBytes: number;
}

/** What kind of body a request carries, from its Content-Type. */
export function bodyKind(req: IncomingMessage): 'raw' | 'multipart' | 'empty' | 'other' {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('image/')) return 'raw';
  if (type === 'multipart/form-data') return 'multipart';
  if (!type && !hasBody(req)) return 'empty';
  return 'other';
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** Leaves an unread body to flow into nothing, so the response can still be written. */
export function discardBody(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}

/** The whole body of an `image/*` request, refused past `maxBytes`. */
export function readRawImage(req: IncomingMessage, limits: UploadLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limits.maxBytes) {
    discardBody(req);
    return Promise.reject(tooLarge(declared, limits.maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      discardBody(req);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) fail(tooLarge(size, limits.maxBytes, true));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (settled) return;
      settled = true;
      if (size === 0) reject(new ImageRejection('empty', 'the request body is empty; send the image bytes'));
      else resolve(Buffer.concat(chunks, size));
    });
    req.once('error', (error) => fail(new ImageRejection('aborted', `the upload failed: ${error.message}`)));
    req.once('close', () => {
      if (!req.complete) fail(new ImageRejection('aborted', 'the client closed the connection mid-upload'));
    });
  });
}

/**
 * The named file fields of a multipart/form-data body. Text fields are ignored; a file
 * under any other name, a field sent twice, an empty or oversized file, or a missing
 * field is refused with a message naming the field.
 */
export function readMultipartImages<F extends string>(
  req: IncomingMessage,
  fields: readonly F[],
  limits: UploadLimits,
): Promise<Record<F, Buffer>> {
  const expected = fields.map((name) => `\`${name}\``).join(' and ');
  // Room for every file at its limit plus the multipart framing and a few small text fields.
  const maxBody = fields.length * limits.maxBytes + 64 * 1024;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBody) {
    discardBody(req);
    return Promise.reject(
      new ImageRejection(
        'too_large',
        `the request body is ${declared} bytes; the limit is ${limits.maxBytes} bytes (MAX_IMAGE_BYTES) per image`,
      ),
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { fileSize: limits.maxBytes, files: fields.length, fields: 20, fieldSize: 4096, parts: 40 },
    });
  } catch (error) {
    discardBody(req);
    return Promise.reject(
      new ImageRejection('bad_multipart', `malformed multipart/form-data request: ${(error as Error).message}`),
    );
  }

  return new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    const pending = new Set<string>();
    let settled = false;
    const fail = (error: ImageRejection) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.removeAllListeners();
      // A late error from the parser must not go unhandled once we stop listening.
      parser.on('error', () => {});
      discardBody(req);
      reject(error);
    };

    parser.on('file', (name, stream, info) => {
      // A body that ends mid-file errors the file stream as well as the parser.
      stream.on('error', (error: Error) =>
        fail(new ImageRejection('bad_multipart', `malformed multipart/form-data body: ${error.message}`)),
      );
      if (!(fields as readonly string[]).includes(name)) {
        stream.resume();
        fail(new ImageRejection('bad_multipart', `unexpected file field \`${name}\`; send the image in ${expected}`));
        return;
      }
      if (files.has(name) || pending.has(name)) {
        stream.resume();
        fail(new ImageRejection('bad_multipart', `file field \`${name}\` was sent more than once`));
        return;
      }
      pending.add(name);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('limit', () =>
        fail(
          tooLarge(
            undefined,
            limits.maxBytes,
            true,
            `file \`${name}\`${info.filename ? ` (${info.filename})` : ''} is larger than`,
          ),
        ),
      );
      stream.once('end', () => {
        pending.delete(name);
        files.set(name, Buffer.concat(chunks));
      });
    });
    parser.once('filesLimit', () =>
      fail(new ImageRejection('bad_multipart', `too many files; send exactly one file in each of ${expected}`)),
    );
    parser.once('partsLimit', () => fail(new ImageRejection('bad_multipart', 'too many parts in the multipart body')));
    parser.once('fieldsLimit', () =>
      fail(new ImageRejection('bad_multipart', 'too many text fields in the multipart body')),
    );
    parser.once('error', (error: Error) =>
      fail(new ImageRejection('bad_multipart', `malformed multipart/form-data body: ${error.message}`)),
    );
    parser.once('close', () => {
      if (settled) return;
      for (const name of fields) {
        const file = files.get(name);
        if (!file) {
          fail(
            new ImageRejection(
              'missing_field',
              `multipart field \`${name}\` is missing; send the image in ${expected}`,
            ),
          );
          return;
        }
        if (file.length === 0) {
          fail(new ImageRejection('empty', `file field \`${name}\` is empty (0 bytes)`));
          return;
        }
      }
      settled = true;
      resolve(Object.fromEntries(files) as Record<F, Buffer>);
    });
    req.once('error', (error) => fail(new ImageRejection('aborted', `the upload failed: ${error.message}`)));
    req.once('close', () => {
      if (!req.complete) fail(new ImageRejection('aborted', 'the client closed the connection mid-upload'));
    });
    req.pipe(parser);
  });
}

function tooLarge(
  size: number | undefined,
  maxBytes: number,
  atLeast = false,
  subject = 'the image is',
): ImageRejection {
  const limit = `${maxBytes} bytes (MAX_IMAGE_BYTES)`;
  if (size === undefined) return new ImageRejection('too_large', `${subject} ${limit}`);
  return new ImageRejection('too_large', `${subject} ${atLeast ? 'over ' : ''}${size} bytes; the limit is ${limit}`);
}
