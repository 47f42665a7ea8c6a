// Redis is never required to serve: callers fall back (fail open, stale data) and report failures here.
// One outage is one warning, whichever user notices it first, and one info line when it is over:
// operators alert on warnings.

/** What a store's user reports: `source` names the user (connection, embedding cache, rate limits…). */
export interface OutageReporter {
  failed: (source: string, err: unknown) => void
  ok: () => void
}

// ioredis' wording when a command meets a closed connection; the connection's own error says why.
// A Cluster's redirections during a failover say no more than that.
const OFFLINE = /Stream isn't writeable|Connection is closed|^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN) |Failed to refresh slots cache/

export interface OutageLogger {
  warn: (fields: object, msg: string) => void
  info: (msg: string) => void
}

/**
 * A success ends the outage only once no failure has been seen for `quietMs`: while one shard of a Redis
 * Cluster is lost (or a failover is under way) commands to the others still succeed, and that is still
 * one outage, not a warning per failed command. The default outlasts the embedding cache's cooldown (5 s),
 * during which the cache does not try Redis and so reports nothing.
 */
export class OutageLog implements OutageReporter {
  private down = false
  private lastCause: string | undefined
  private lastFailureAt = 0
  private confirm: NodeJS.Timeout | undefined

  /** `what`: the dependency's name in the log lines ("redis", "embedding cache store"). */
  constructor (private readonly log: OutageLogger, private readonly what = 'redis', private readonly quietMs = 6_000) {}

  get isDown (): boolean { return this.down }

  /** The connection's latest error, used as the cause when a command only says the connection is closed. */
  noteCause (err: unknown): void {
    this.lastCause = messageOf(err)
  }

  failed (source: string, err: unknown): void {
    this.lastFailureAt = Date.now()
    if (this.down) return
    this.down = true
    let cause = messageOf(err)
    if (OFFLINE.test(cause)) cause = this.lastCause ?? 'connection lost'
    this.log.warn({ noticedBy: source, cause }, `${this.what} unavailable: ${cause}`)
  }

  ok (): void {
    if (!this.down || this.confirm !== undefined) return
    const quietFor = Date.now() - this.lastFailureAt
    if (quietFor >= this.quietMs) {
      this.recovered()
      return
    }
    // Confirmed when the quiet period is over, unless another failure comes first (then the next success retries).
    this.confirm = setTimeout(() => {
      this.confirm = undefined
      if (this.down && Date.now() - this.lastFailureAt >= this.quietMs) this.recovered()
    }, this.quietMs - quietFor)
    this.confirm.unref()
  }

  private recovered (): void {
    this.down = false
    this.log.info(`${this.what} reachable again`)
  }
}

function messageOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Rejects after `ms`: a Redis that hangs must not hold a request longer than a Redis that is down. */
export async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`redis did not answer within ${ms} ms`)) }, ms)
    timer.unref()
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
