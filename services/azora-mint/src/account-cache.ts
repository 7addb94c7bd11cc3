/**
 * What this process knows about accounts, so the common case costs one write per leg:
 *   - a per-account queue: legs on one account from this process run one at a time, so
 *     a hot wallet does not make its writers lose compare-and-sets to each other;
 *   - the last state this process wrote or read (version, balance), tried as the
 *     compare-and-set's expectation before reading again; another replica's write only
 *     makes that first attempt miss;
 *   - owner and kind, which never change.
 */
import type { AccountDoc, AccountKind } from './store.ts';

export type AccountState = Pick<AccountDoc, '_id' | 'version' | 'balance' | 'minted' | 'burned' | 'kind'>;
export interface AccountMeta {
  owner: string | null;
  kind: AccountKind;
}

const MAX_REMEMBERED = 50_000;

export class AccountCache {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #states = new Map<string, AccountState>();
  readonly #meta = new Map<string, AccountMeta>();

  /** Runs `work` after every earlier `exclusive` call for the same account has finished. */
  async exclusive<T>(account: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(account) ?? Promise.resolve();
    let release = () => {};
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.#tails.set(account, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.#tails.get(account) === tail) this.#tails.delete(account);
    }
  }

  state(account: string): AccountState | undefined {
    return this.#states.get(account);
  }

  /** Records a state read or written; an older version never replaces a newer one. */
  remember(state: AccountState): void {
    const id = state._id.toHexString();
    const known = this.#states.get(id);
    if (known && known.version > state.version) return;
    if (this.#states.size >= MAX_REMEMBERED) this.#states.clear();
    this.#states.set(id, state);
    if (!this.#meta.has(id) && 'owner' in state) {
      if (this.#meta.size >= MAX_REMEMBERED) this.#meta.clear();
      this.#meta.set(id, { owner: (state as AccountDoc).owner, kind: state.kind });
    }
  }

  forget(account: string): void {
    this.#states.delete(account);
  }

  meta(account: string): AccountMeta | undefined {
    return this.#meta.get(account);
  }
}
