// New gateway keys: 32 random bytes as url-safe base64 (43 characters) after a recognisable prefix.
import { randomBytes } from 'node:crypto'

export const KEY_PREFIX = 'sk-qiao-'

export function generateKey (): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`
}

/** An id for a key created without one; matches the config's key id pattern. */
export function generateKeyId (): string {
  return `key-${randomBytes(6).toString('hex')}`
}
