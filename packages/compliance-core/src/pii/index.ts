export { CORPUS_TODAY, type CorpusOptions, generateCorpus, type Label, type LabelledDocument, prng } from './corpus.ts';
export { type Evaluation, evaluate, formatScores, type TypeScore } from './evaluate.ts';
export { PHI_TYPES, type PhiFinding, type PhiScanOptions, type PhiType, scanPhi } from './phi.ts';
export {
  type Finding,
  MAX_INPUT_BYTES,
  PII_TYPES,
  PiiInputTooLargeError,
  type PiiType,
  type RedactMode,
  type RedactOptions,
  redact,
  resolveOverlaps,
  type ScanOptions,
  scanPii,
} from './scanner.ts';
export * from './validators.ts';
