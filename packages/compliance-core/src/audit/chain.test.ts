import { describe, expect, it } from 'vitest';
import { type ChainedRow, canonicalEncoding, chainRow, GENESIS_HASH, rowHash, verifyChain } from './chain.ts';

function chainOf(count: number): ChainedRow[] {
  const rows: ChainedRow[] = [];
  for (let n = 1; n <= count; n++) {
    rows.push(
      chainRow(rows.at(-1), {
        actor: `dpo-${n % 2}`,
        action: 'request.completed',
        entity: { type: 'request', id: `r-${n}` },
        at: new Date(Date.UTC(2026, 0, n)),
      }),
    );
  }
  return rows;
}

describe('canonicalEncoding', () => {
  it('is the same for equal values however they were built', () => {
    expect(canonicalEncoding({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(canonicalEncoding({ a: 1, skipped: undefined })).toBe(canonicalEncoding({ a: 1 }));
    expect(canonicalEncoding({ at: new Date('2026-01-01T00:00:00Z') })).toBe('{"at":"2026-01-01T00:00:00.000Z"}');
    // Composed and decomposed é encode alike.
    expect(canonicalEncoding('caf\u00e9')).toBe(canonicalEncoding('cafe\u0301'));
    expect(canonicalEncoding({ 'a"b': '</script>' })).toBe('{"a\\"b":"</script>"}');
  });

  it('refuses what has no single encoding', () => {
    expect(() => canonicalEncoding(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalEncoding(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => canonicalEncoding(new Date('nope'))).toThrow(TypeError);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain, the empty one included', () => {
    const rows = chainOf(6);
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH);
    expect(rows[3]?.prevHash).toBe(rows[2]?.hash);
    expect(verifyChain(rows)).toEqual({ ok: true, checked: 6 });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0 });
  });

  it('finds an edited row: its content, its sequence number, or its hash recomputed without the next link', () => {
    const edited = chainOf(5);
    (edited[2] as ChainedRow).content = { ...edited[2]?.content, actor: 'someone-else' };
    expect(verifyChain(edited)).toMatchObject({ ok: false, checked: 2, firstBreak: { seq: 3, reason: 'edited' } });

    // Rewritten with a fresh hash: the row is self-consistent, the next one no longer links to it.
    const rehashed = chainOf(5);
    const third = rehashed[2] as ChainedRow;
    third.content = { ...third.content, actor: 'someone-else' };
    third.hash = rowHash(third.seq, third.content, third.prevHash);
    expect(verifyChain(rehashed)).toMatchObject({ ok: false, checked: 3, firstBreak: { seq: 4, reason: 'edited' } });

    const renumbered = chainOf(3);
    (renumbered[1] as ChainedRow).seq = 7;
    expect(verifyChain(renumbered).firstBreak).toMatchObject({ seq: 7, reason: 'edited' });
  });

  it('finds deleted rows, at the start, in the middle and several at once', () => {
    const rows = chainOf(6);
    expect(verifyChain(rows.slice(1)).firstBreak).toMatchObject({
      seq: 2,
      reason: 'deleted',
      detail: 'row 1 is missing',
    });
    expect(verifyChain([...rows.slice(0, 2), ...rows.slice(3)]).firstBreak).toMatchObject({
      seq: 4,
      reason: 'deleted',
    });
    expect(verifyChain([...rows.slice(0, 1), ...rows.slice(4)]).firstBreak).toMatchObject({
      seq: 5,
      detail: 'rows 2–4 are missing',
    });
  });

  it('finds rows out of order, and a row copied in twice', () => {
    const rows = chainOf(5);
    const swapped = [rows[0], rows[2], rows[1], rows[3], rows[4]] as ChainedRow[];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, checked: 1, firstBreak: { seq: 3, reason: 'reordered' } });
    const repeated = [...rows.slice(0, 3), rows[1], ...rows.slice(3)] as ChainedRow[];
    expect(verifyChain(repeated).firstBreak).toMatchObject({ seq: 2, reason: 'reordered' });
  });

  it('finds a chain whose tail was cut and rebuilt from a forged row', () => {
    const rows = chainOf(4);
    const forged = chainRow({ seq: 2, hash: 'f'.repeat(64) }, { actor: 'mallory', action: 'consent.withdrawn' });
    expect(verifyChain([...rows.slice(0, 2), forged]).firstBreak).toMatchObject({ seq: 3, reason: 'edited' });
  });
});
