export {
  type Canonical,
  type ChainBreak,
  type ChainedRow,
  type ChainReport,
  canonicalEncoding,
  chainRow,
  GENESIS_HASH,
  rowHash,
  verifyChain,
} from './chain.ts';
