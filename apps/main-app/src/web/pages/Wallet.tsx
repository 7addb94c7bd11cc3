import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import {
  type ApiError,
  api,
  asApiError,
  type MintAccount,
  type MintEntries,
  type MintEntry,
  type MintSupply,
} from '../api.ts';
import { formatAzr, parseAzr } from '../azr.ts';
import { ErrorMessage, Field, focusFirstInvalid, ServiceBanner, SignIn, Spinner } from '../components.tsx';
import { type Credential, type Identity, learnIdentity, useCredential } from '../credentials.ts';
import { type IdempotencyKeys, isInconclusive, useIdempotencyKeys } from '../hooks.ts';

const BASE = '/api/azora-mint';
const HISTORY_PAGE = 10;
const MEMO_MAX = 280;
const WALLET_ID = /^[0-9a-f]{24}$/i;
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

/** The service's detail as a sentence, so the console's advice can follow it. */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** A write to the ledger, with the Idempotency-Key the contract requires on every write. */
function write<T>(path: string, body: unknown, keys: IdempotencyKeys): Promise<T> {
  return api<T>(`${BASE}/${path}`, {
    method: 'POST',
    auth: true,
    json: body,
    headers: { 'idempotency-key': keys.keyFor({ path, body }) },
  });
}

/** A ledger refusal in words, with the service's own `detail`; null for the generic ones. */
function ledgerReason(error: ApiError): { title: string; advice?: string } | null {
  if (error.unavailable) return null;
  if (error.status === 422 && error.code === 'insufficient-funds') {
    return { title: 'Insufficient funds:', advice: 'The wallet holds less than this amount.' };
  }
  if (error.status === 422 && error.code === 'supply-cap') {
    return { title: 'Supply cap reached:', advice: 'Minting this much would pass the 1,000,000 AZR cap.' };
  }
  if (error.status === 404) return { title: 'Unknown wallet:', advice: 'Check the wallet id.' };
  if (error.status === 401) {
    return { title: 'Not signed in:', advice: 'Sign in again with a valid API key or token.' };
  }
  if (error.status === 403) return { title: 'Not allowed:' };
  if (error.status === 409 && error.code === 'idempotency-key-in-use') {
    return { title: 'Still in progress:', advice: 'Submit again in a moment to see how it ended.' };
  }
  return null;
}

/** A failed ledger call, worded for the person who made it. */
function LedgerError({ error, testId }: { error: ApiError | null; testId?: string }) {
  if (!error) return null;
  const reason = ledgerReason(error);
  const retry = isInconclusive(error)
    ? ' It may or may not have gone through: submitting the same again is safe, it is carried out at most once.'
    : '';
  if (!reason) {
    return (
      <div data-testid={testId}>
        <ErrorMessage error={error} />
        {retry ? <p className="muted small">{retry.trim()}</p> : null}
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert" data-testid={testId} data-code={error.code ?? error.status}>
      <strong>{reason.title}</strong> {sentence(error.message)}
      {reason.advice ? ` ${reason.advice}` : ''}
      {retry}
    </div>
  );
}

function shortId(id: string | null | undefined): string {
  if (!id) return '—';
  return id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}

/** A wallet id, shortened for the eye, whole for copying and screen readers. */
function WalletId({ id }: { id: string | null | undefined }) {
  if (!id) return <span>—</span>;
  return (
    <code title={id}>
      <span aria-hidden="true">{shortId(id)}</span>
      <span className="visually-hidden">{id}</span>
    </code>
  );
}

function Azr({ units, signed = false }: { units: string; signed?: boolean }) {
  const negative = units.trim().startsWith('-');
  return (
    <span className={`azr${signed ? (negative ? ' azr-out' : ' azr-in') : ''}`}>
      {formatAzr(units, { signed })} <span className="azr-unit">AZR</span>
    </span>
  );
}

function describeEntry(entry: MintEntry): ReactNode {
  const outgoing = entry.delta.trim().startsWith('-');
  switch (entry.type) {
    case 'mint':
      return 'Minted';
    case 'burn':
      return 'Burned';
    case 'reversal':
      return (
        <>
          Reversal of <WalletId id={entry.reverses} />
        </>
      );
    case 'transfer':
      return outgoing ? (
        <>
          To <WalletId id={entry.to} />
        </>
      ) : (
        <>
          From <WalletId id={entry.from} />
        </>
      );
    default:
      return entry.type;
  }
}

type FieldErrors = Partial<Record<'to' | 'amount' | 'memo', string>>;

function walletIdError(value: string, from?: string): string | undefined {
  const id = value.trim();
  if (!id) return 'Enter the id of the wallet to send to.';
  if (!WALLET_ID.test(id)) return 'A wallet id is 24 hexadecimal characters (0–9, a–f).';
  if (from && id.toLowerCase() === from.toLowerCase()) return 'That is this wallet; choose another one to send to.';
  return undefined;
}

function SupplyCard({ supply, error }: { supply: MintSupply | null; error: ApiError | null }) {
  return (
    <section className="card stack" aria-labelledby="supply-heading" data-testid="supply">
      <h2 id="supply-heading">AZR supply</h2>
      {supply ? (
        <dl className="supply">
          <div>
            <dt>Circulating</dt>
            <dd data-testid="supply-circulating">
              <Azr units={supply.circulating} />
            </dd>
          </div>
          <div>
            <dt>Minted</dt>
            <dd>
              <Azr units={supply.minted} />
            </dd>
          </div>
          <div>
            <dt>Burned</dt>
            <dd>
              <Azr units={supply.burned} />
            </dd>
          </div>
          <div>
            <dt>Cap</dt>
            <dd>
              <Azr units={supply.cap} />
            </dd>
          </div>
        </dl>
      ) : error ? null : (
        <p className="muted">Loading the supply…</p>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

function TransferForm({ from, onDone }: { from: MintAccount; onDone: () => Promise<void> }) {
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [memo, setMemo] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);
  const keys = useIdempotencyKeys();
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const parsed = parseAzr(amount);
    const errors: FieldErrors = {
      to: walletIdError(to, from.id),
      amount: parsed.ok ? undefined : parsed.error,
      memo: memo.length > MEMO_MAX ? `At most ${MEMO_MAX} characters.` : undefined,
    };
    setFieldErrors(errors);
    setResult('');
    if (!parsed.ok || errors.to || errors.memo) {
      // Let React mark the fields first.
      focusFirstInvalid(form.current);
      return;
    }
    const body = {
      from: from.id,
      to: to.trim().toLowerCase(),
      amount: parsed.units,
      ...(memo.trim() ? { memo: memo.trim() } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      await write<MintEntry>('transfers', body, keys);
      keys.settle();
      setResult(`Sent ${formatAzr(parsed.units)} AZR to ${shortId(body.to)}.`);
      setAmount('');
      setMemo('');
      await onDone();
    } catch (caught) {
      keys.settle(caught);
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      ref={form}
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby="transfer-heading"
      data-testid="transfer-form"
    >
      <h2 id="transfer-heading">Send AZR</h2>
      <p className="muted small">
        From wallet <WalletId id={from.id} />
      </p>
      <Field id="transfer-to" label="To wallet" error={fieldErrors.to} hint="The 24-character id of the wallet.">
        {(aria) => (
          <input
            id="transfer-to"
            value={to}
            onChange={(event) => setTo(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            {...aria}
          />
        )}
      </Field>
      <Field id="transfer-amount" label="Amount (AZR)" error={fieldErrors.amount} hint="Up to 18 decimals, e.g. 2.5.">
        {(aria) => (
          <input
            id="transfer-amount"
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            inputMode="decimal"
            autoComplete="off"
            maxLength={64}
            {...aria}
          />
        )}
      </Field>
      <Field id="transfer-memo" label="Memo (optional)" error={fieldErrors.memo}>
        {(aria) => (
          <input
            id="transfer-memo"
            value={memo}
            onChange={(event) => setMemo(event.target.value)}
            autoComplete="off"
            maxLength={MEMO_MAX}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Send
        </button>
        {busy ? <Spinner label="Sending…" /> : null}
      </div>
      <p className="result" aria-live="polite" data-testid="transfer-result">
        {result}
      </p>
      <LedgerError error={error} testId="transfer-error" />
    </form>
  );
}

function MintForm({ onDone }: { onDone: () => Promise<void> }) {
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);
  const keys = useIdempotencyKeys();
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const parsed = parseAzr(amount);
    const errors: FieldErrors = { to: walletIdError(to), amount: parsed.ok ? undefined : parsed.error };
    setFieldErrors(errors);
    setResult('');
    if (!parsed.ok || errors.to) {
      focusFirstInvalid(form.current);
      return;
    }
    const body = { to: to.trim().toLowerCase(), amount: parsed.units };
    setBusy(true);
    setError(null);
    try {
      await write<MintEntry>('mint', body, keys);
      keys.settle();
      setResult(`Minted ${formatAzr(parsed.units)} AZR to ${shortId(body.to)}.`);
      setAmount('');
      await onDone();
    } catch (caught) {
      keys.settle(caught);
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="stack" onSubmit={submit} noValidate data-testid="mint-form" aria-label="Mint AZR">
      <Field id="mint-to" label="To wallet" error={fieldErrors.to} hint="The 24-character id of the wallet.">
        {(aria) => (
          <input
            id="mint-to"
            value={to}
            onChange={(event) => setTo(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            {...aria}
          />
        )}
      </Field>
      <Field id="mint-amount" label="Amount to mint (AZR)" error={fieldErrors.amount}>
        {(aria) => (
          <input
            id="mint-amount"
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            inputMode="decimal"
            autoComplete="off"
            maxLength={64}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Mint
        </button>
        {busy ? <Spinner label="Minting…" /> : null}
      </div>
      <p className="result" aria-live="polite" data-testid="mint-result">
        {result}
      </p>
      <LedgerError error={error} testId="mint-error" />
    </form>
  );
}

function History({ account, version }: { account: MintAccount; version: number }) {
  const [entries, setEntries] = useState<MintEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);
  const end = useRef<HTMLSpanElement>(null);
  const focusEnd = useRef(false);

  useEffect(() => {
    if (focusEnd.current && end.current) {
      focusEnd.current = false;
      end.current.focus();
    }
  });

  const page = useCallback(
    (after: string | null) => {
      const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
      if (after) query.set('cursor', after);
      return api<MintEntries>(`${BASE}/accounts/${encodeURIComponent(account.id)}/entries?${query}`, { auth: true });
    },
    [account.id],
  );

  // The newest page, again whenever the wallet changes (a transfer, a mint, Refresh).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    page(null).then(
      (answer) => {
        if (mine !== generation.current) return;
        setEntries(answer.entries);
        setCursor(answer.nextCursor);
        setError(null);
        setLoading(false);
      },
      (caught: unknown) => {
        if (mine !== generation.current) return;
        setError(asApiError(caught));
        setLoading(false);
      },
    );
  }, [page, version]);

  const more = async () => {
    if (!cursor || loading) return;
    const mine = generation.current;
    setLoading(true);
    try {
      const answer = await page(cursor);
      if (mine !== generation.current) return;
      setEntries((current) => [...(current ?? []), ...answer.entries]);
      setCursor(answer.nextCursor);
      setError(null);
      // The button goes away with the last page: focus goes to what replaces it, once rendered.
      if (!answer.nextCursor) focusEnd.current = true;
    } catch (caught) {
      if (mine === generation.current) setError(asApiError(caught));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  };

  return (
    <section className="stack" aria-labelledby="history-heading" data-testid="history">
      <h3 id="history-heading">History</h3>
      {entries === null ? (
        loading ? (
          <Spinner label="Loading history…" />
        ) : null
      ) : entries.length === 0 ? (
        <p className="muted">No entries yet: mints and transfers to this wallet appear here.</p>
      ) : (
        <div className="table-wrap">
          <table className="history-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col" className="col-optional">
                  Type
                </th>
                <th scope="col">Details</th>
                <th scope="col" className="col-optional">
                  Memo
                </th>
                <th scope="col" className="num">
                  Change
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} data-type={entry.type} data-status={entry.status}>
                  <td>{WHEN.format(new Date(entry.createdAt))}</td>
                  <td className="col-optional">
                    <span className={`entry-type entry-${entry.type}`}>{entry.type}</span>
                  </td>
                  <td className="entry-details">
                    {describeEntry(entry)}
                    {entry.status === 'posted' ? null : <span className="muted small"> ({entry.status})</span>}
                    {entry.memo ? <span className="mobile-detail memo">{entry.memo}</span> : null}
                  </td>
                  <td className="col-optional memo">{entry.memo ?? ''}</td>
                  <td className="num">
                    <Azr units={entry.delta} signed />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row">
        {cursor ? (
          <button type="button" className="secondary" onClick={() => void more()} disabled={loading}>
            Load more
          </button>
        ) : entries && entries.length > 0 ? (
          <span className="muted small" ref={end} tabIndex={-1}>
            That is the whole history.
          </span>
        ) : null}
        {loading && entries !== null ? <Spinner label="Loading…" /> : null}
      </div>
      <ErrorMessage error={error} />
    </section>
  );
}

/**
 * Everything behind sign-in, once the ledger has said who the credential is for (`GET /me`,
 * asked again on each mount: after signing in and on load); remounted for each credential,
 * so one person's state never shows for another.
 */
function Ledger({ credential, refreshSupply }: { credential: Credential; refreshSupply: () => Promise<void> }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry signal
  useEffect(() => {
    let live = true;
    setError(null);
    api<Identity>(`${BASE}/me`, { auth: true }).then(
      (identity) => {
        if (live) learnIdentity(credential.value, identity);
      },
      (caught: unknown) => {
        if (live) setError(asApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [credential.value, attempt]);

  if (credential.identity) return <Wallets roles={credential.identity.roles} refreshSupply={refreshSupply} />;
  return (
    <section className="card stack" aria-labelledby="wallets-heading" data-testid="wallets">
      <h2 id="wallets-heading">My wallets</h2>
      {error ? null : <Spinner label="Checking your credential…" />}
      <LedgerError error={error} />
      {error && error.status !== 401 ? (
        <div className="row">
          <button type="button" className="secondary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** The caller's wallets, the selected one's balance and history, and the forms their roles allow. */
function Wallets({ roles, refreshSupply }: { roles: string[]; refreshSupply: () => Promise<void> }) {
  const [accounts, setAccounts] = useState<MintAccount[] | null>(null);
  const [listError, setListError] = useState<ApiError | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState('');
  const [copied, setCopied] = useState(false);
  const createKeys = useIdempotencyKeys();
  const canMint = roles.includes('minter') || roles.includes('admin');

  const loadAccounts = useCallback(async () => {
    try {
      const answer = await api<{ accounts: MintAccount[] }>(`${BASE}/accounts`, { auth: true });
      setAccounts(answer.accounts);
      setListError(null);
      setSelectedId((current) =>
        current && answer.accounts.some((a) => a.id === current) ? current : (answer.accounts[0]?.id ?? null),
      );
    } catch (caught) {
      setListError(asApiError(caught));
    }
  }, []);

  useEffect(() => {
    void loadAccounts();
  }, [loadAccounts]);

  const refresh = useCallback(async () => {
    await Promise.all([loadAccounts(), refreshSupply()]);
    setVersion((v) => v + 1);
  }, [loadAccounts, refreshSupply]);

  const create = async () => {
    if (creating) return;
    setCreating(true);
    setCreateError(null);
    setCreated('');
    try {
      const account = await write<MintAccount>('accounts', {}, createKeys);
      createKeys.settle();
      setCreated(`Created wallet ${account.id}.`);
      setSelectedId(account.id);
      await loadAccounts();
    } catch (caught) {
      createKeys.settle(caught);
      setCreateError(asApiError(caught));
    } finally {
      setCreating(false);
    }
  };

  const copy = (id: string) => {
    setCopied(false);
    navigator.clipboard?.writeText(id).then(
      () => setCopied(true),
      () => undefined,
    );
  };

  const selected = accounts?.find((account) => account.id === selectedId) ?? null;
  const manyOwners = new Set(accounts?.map((account) => account.owner)).size > 1;
  // A role without wallets (a minter, say) is refused the list; that is not an error to them.
  const noWallets = listError?.status === 403;

  return (
    <>
      <section className="card stack" aria-labelledby="wallets-heading" data-testid="wallets">
        <div className="row spread">
          <h2 id="wallets-heading">My wallets</h2>
          <div className="row">
            <button type="button" className="secondary" onClick={() => void refresh()}>
              Refresh
            </button>
            <button type="button" onClick={() => void create()} disabled={creating}>
              Create wallet
            </button>
          </div>
        </div>
        {creating ? <Spinner label="Creating a wallet…" /> : null}
        <p className="result" aria-live="polite" data-testid="create-result">
          {created}
        </p>
        <LedgerError error={createError} testId="create-error" />
        {accounts === null && !listError ? <Spinner label="Loading your wallets…" /> : null}
        {noWallets ? (
          <p className="muted" data-testid="no-wallets">
            This identity holds no wallets: {listError.message}
          </p>
        ) : (
          <LedgerError error={listError} />
        )}
        {accounts && accounts.length === 0 ? (
          <p className="muted">You have no wallet yet. Create one to receive AZR.</p>
        ) : null}
        {accounts && accounts.length > 0 ? (
          <div className="table-wrap">
            <table className="wallet-table">
              <thead>
                <tr>
                  <th scope="col">Wallet</th>
                  {manyOwners ? <th scope="col">Owner</th> : null}
                  <th scope="col" className="num">
                    Balance
                  </th>
                  <th scope="col" className="col-optional">
                    Created
                  </th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((account) => (
                  <tr key={account.id} data-wallet={account.id}>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        aria-pressed={account.id === selectedId}
                        onClick={() => {
                          setSelectedId(account.id);
                          setCopied(false);
                        }}
                      >
                        <code>{account.id}</code>
                      </button>
                    </td>
                    {manyOwners ? <td>{account.owner}</td> : null}
                    <td className="num">
                      <Azr units={account.balance} />
                    </td>
                    <td className="col-optional">{new Date(account.createdAt).toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      {selected ? (
        <section className="card stack" aria-labelledby="selected-heading" data-testid="selected-wallet">
          <h2 id="selected-heading">
            Wallet <WalletId id={selected.id} />
          </h2>
          <p className="balance" data-testid="balance">
            <span className="muted small">Balance</span>
            <Azr units={selected.balance} />
          </p>
          <div className="row">
            <span className="muted small">Wallet id</span>
            <code className="wrap" data-testid="wallet-id">
              {selected.id}
            </code>
            {navigator.clipboard ? (
              <button type="button" className="secondary small-button" onClick={() => copy(selected.id)}>
                Copy id
              </button>
            ) : null}
            <span className="muted small" aria-live="polite">
              {copied ? 'Copied.' : ''}
            </span>
          </div>
          <History account={selected} version={version} />
        </section>
      ) : null}

      <div className="wallet-forms">
        {selected ? <TransferForm key={selected.id} from={selected} onDone={refresh} /> : null}
        {canMint ? (
          <section className="card stack" aria-labelledby="mint-heading">
            <h2 id="mint-heading">Mint AZR</h2>
            <MintForm onDone={refresh} />
          </section>
        ) : null}
      </div>
    </>
  );
}

export function WalletPage() {
  const credential = useCredential();
  const [supply, setSupply] = useState<MintSupply | null>(null);
  const [supplyError, setSupplyError] = useState<ApiError | null>(null);

  const refreshSupply = useCallback(async () => {
    try {
      setSupply(await api<MintSupply>(`${BASE}/supply`));
      setSupplyError(null);
    } catch (caught) {
      setSupplyError(asApiError(caught));
    }
  }, []);

  useEffect(() => {
    void refreshSupply();
  }, [refreshSupply]);

  return (
    <div className="stack">
      <ServiceBanner service="azora-mint" />
      <SignIn hint="Your wallets need your credential." />
      <SupplyCard supply={supply} error={supplyError} />
      {credential ? (
        <Ledger key={credential.value} credential={credential} refreshSupply={refreshSupply} />
      ) : (
        <p className="muted">Sign in to see your wallets, send AZR and, as a minter, mint it.</p>
      )}
    </div>
  );
}
