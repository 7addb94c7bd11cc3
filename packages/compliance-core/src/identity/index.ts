export {
  type IdentifierKind,
  identifierHash,
  identityConfigShape,
  Keyring,
  normalizeIdentifier,
  parseKeyring,
  SealError,
} from './keys.ts';
