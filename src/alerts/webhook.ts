// Alert delivery to `alerts.webhook`: one JSON POST per event, retried with backoff, never on a request's path.
// undici's whole index (its global dispatcher) is loaded on the first alert, not at start.

const DELAYS_MS = [500, 2_000, 8_000]
const TIMEOUT_MS = 5_000

export interface WebhookLog {
  warn: (fields: object, msg: string) => void
}

export function webhookSender (url: string, log: WebhookLog): (event: object) => void {
  return (event) => { void deliver(url, event, log) }
}

async function deliver (url: string, event: object, log: WebhookLog): Promise<void> {
  const body = JSON.stringify(event)
  const { request } = await import('undici')
  let problem = ''
  for (let attempt = 0; attempt <= DELAYS_MS.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, DELAYS_MS[attempt - 1]).unref())
    try {
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS })
      await res.body.dump()
      if (res.statusCode < 300) return
      problem = `status ${res.statusCode}`
      // A 4xx other than 408/429 will not change by retrying.
      if (res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) break
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err)
    }
  }
  log.warn({ webhook: new URL(url).origin, problem }, 'alert webhook failed')
}
