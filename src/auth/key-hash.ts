// Gateway keys are stored and compared only as `sha256:<hex>`: the config file and Redis never hold a secret.
import { createHash, timingSafeEqual } from 'node:crypto'

export function hashKey (key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`
}

/** Constant-time comparison of two hashes (equal length by construction; unequal lengths are simply unequal). */
export function sameHash (a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}
