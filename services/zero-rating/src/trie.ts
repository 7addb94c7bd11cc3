// A binary prefix trie for longest-prefix match: one node per bit of every stored prefix,
// kept in typed arrays (two child indices and a value per node) so that 50,000 prefixes
// cost a few megabytes and no garbage, and a lookup is at most 32 (IPv4) or 128 (IPv6)
// array reads, whatever the number of prefixes.

const NONE = -1;

export class BitTrie {
  /** children[2n] and children[2n + 1]: node n's 0 and 1 child (0 = none; the root is node 0). */
  private children: Int32Array;
  /** values[n]: the value stored at node n, or NONE. */
  private values: Int32Array;
  private nodes = 1;
  private stored = 0;

  constructor(initialNodes = 1024) {
    this.children = new Int32Array(initialNodes * 2);
    this.values = new Int32Array(initialNodes).fill(NONE);
  }

  /** Prefixes stored. */
  get size(): number {
    return this.stored;
  }

  /** Nodes allocated (the memory the trie holds is about 12 bytes per node). */
  get nodeCount(): number {
    return this.nodes;
  }

  /** Bytes held by the node arrays. */
  get bytes(): number {
    return this.children.byteLength + this.values.byteLength;
  }

  private grow(): void {
    const children = new Int32Array(this.children.length * 2);
    children.set(this.children);
    this.children = children;
    const values = new Int32Array(this.values.length * 2).fill(NONE);
    values.set(this.values);
    this.values = values;
  }

  /**
   * Stores `value` (a non-negative integer, e.g. an index into the caller's table) under the
   * first `length` bits of `words`; returns the value it replaced, or -1.
   */
  insert(words: readonly number[], length: number, value: number): number {
    let node = 0;
    for (let bit = 0; bit < length; bit++) {
      const side = ((words[bit >>> 5] as number) >>> (31 - (bit & 31))) & 1;
      const slot = node * 2 + side;
      let next = this.children[slot] as number;
      if (next === 0) {
        if (this.nodes === this.values.length) this.grow();
        next = this.nodes++;
        this.children[slot] = next;
      }
      node = next;
    }
    const previous = this.values[node] as number;
    if (previous === NONE) this.stored++;
    this.values[node] = value;
    return previous;
  }

  /** The value of the longest stored prefix of the `bits`-bit key `words`, or -1. */
  lookup(words: readonly number[], bits: number): number {
    const { children, values } = this;
    let node = 0;
    let best = values[0] as number;
    for (let bit = 0; bit < bits; bit++) {
      node = children[node * 2 + (((words[bit >>> 5] as number) >>> (31 - (bit & 31))) & 1)] as number;
      if (node === 0) break;
      const value = values[node] as number;
      if (value !== NONE) best = value;
    }
    return best;
  }
}
