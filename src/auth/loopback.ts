// Running without any key is only safe when nothing but this machine can connect.
import { isIP } from 'node:net'

export function isLoopbackHost (host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '')
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h
  return isIP(v4) === 4 && v4.startsWith('127.')
}

export interface OpenModeSettings {
  host: string
  keys: number
  masterKey: boolean
  allowAnonymous: boolean
}

/** Throws when the gateway would serve anyone who can reach a non-loopback address without a key. */
export function assertOpenModeAllowed ({ host, keys, masterKey, allowAnonymous }: OpenModeSettings): void {
  if (keys > 0 || masterKey || allowAnonymous || isLoopbackHost(host)) return
  throw new Error(`refusing to listen on ${host} without authentication: configure keys or auth.masterKey (QIAO_MASTER_KEY), ` +
    'listen on a loopback host such as 127.0.0.1, or set auth.allowAnonymous: true')
}
