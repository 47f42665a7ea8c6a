// The key a client presents: `Authorization: Bearer <key>` (what every OpenAI SDK sends) or `x-api-key: <key>`.
import type { IncomingHttpHeaders } from 'node:http'

export function presentedKey (headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    if (match?.[1] !== undefined) return match[1]
  }
  const apiKey = headers['x-api-key']
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined
}
