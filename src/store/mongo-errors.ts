/** Server error codes this store reacts to (any MongoDB-wire server reports them alike). */
const DUPLICATE_KEY = 11000;
const CURSOR_NOT_FOUND = 43;
const NAMESPACE_NOT_FOUND = 26;
const NOT_IMPLEMENTED = 238;

function codeOf(err: unknown): unknown {
  return err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
}

export function isDuplicateKey(err: unknown): boolean {
  return codeOf(err) === DUPLICATE_KEY;
}

export function isCursorNotFound(err: unknown): boolean {
  return codeOf(err) === CURSOR_NOT_FOUND;
}

export function isNamespaceNotFound(err: unknown): boolean {
  return codeOf(err) === NAMESPACE_NOT_FOUND;
}

export function isNotImplemented(err: unknown): boolean {
  return codeOf(err) === NOT_IMPLEMENTED;
}
