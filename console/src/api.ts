// The console's only way to the server: the admin API and /v1, same origin, authenticated by the session cookie.
export class ApiError extends Error {
  constructor (readonly status: number, message: string, readonly code: string | null) { super(message) }
}

interface ErrorBody { error?: { message?: string, code?: string | null } }

export async function call<T> (method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { accept: 'application/json', 'content-type': 'application/json' }
  }
  const res = await fetch(path, init)
  const text = await res.text()
  const parsed: unknown = text === '' ? {} : JSON.parse(text)
  if (!res.ok) {
    const error = (parsed as ErrorBody).error
    throw new ApiError(res.status, error?.message ?? res.statusText, error?.code ?? null)
  }
  return parsed as T
}

export const get = async <T>(path: string): Promise<T> => await call<T>('GET', path)

export function query (params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`
}
