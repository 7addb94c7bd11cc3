/** A problem the person running `pnpm dev` can fix: printed as its message alone, no stack. */
export class DevError extends Error {
  override name = 'DevError';
}
