import fp from 'fastify-plugin'
import { durationMs } from '../src/config/duration.js'
import { GatewayShuttingDownError } from '../src/errors/gateway-error.js'
import { InFlightList } from '../src/in-flight-list.js'

export interface Lifecycle {
  readonly shuttingDown: boolean
  /** Called when the shutdown deadline passes with the request still running; returns an unregister function. */
  onDeadline: (stop: (reason: GatewayShuttingDownError) => void) => () => void
}

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: Lifecycle
  }
}

const OPEN_DURING_SHUTDOWN = new Set(['/healthz', '/readyz'])

/**
 * Graceful shutdown: once closing starts, new requests get an OpenAI-style 503 while in-flight requests and
 * streams finish; those still running at `server.shutdownTimeout` are stopped (streams end with an error
 * event, never a silent truncation).
 */
export default fp(async (app) => {
  const deadlines = new InFlightList<(reason: GatewayShuttingDownError) => void>()
  let shuttingDown = false
  let timer: NodeJS.Timeout | undefined
  app.decorate('lifecycle', {
    get shuttingDown () { return shuttingDown },
    onDeadline: (stop) => deadlines.add(stop)
  })
  // Callback-style hooks: every request passes them, and only during shutdown do they do anything.
  app.addHook('onRequest', (request, reply, done) => {
    if (!shuttingDown || OPEN_DURING_SHUTDOWN.has(request.url.split('?')[0] ?? '')) {
      done()
      return
    }
    const error = new GatewayShuttingDownError()
    request.qiao.failure = error.failure
    // Answering from a callback-style hook ends the request here: `done` is not called.
    void reply.code(error.statusCode).headers({ ...error.headers, connection: 'close', 'x-qiao-error': error.failure }).send(error.toBody())
  })
  // Connections kept alive would hold the close open long after their last answer: end each one with it.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (shuttingDown) void reply.header('connection', 'close')
    done(null, payload)
  })
  app.addHook('onResponse', (_request, _reply, done) => {
    if (shuttingDown) app.server.closeIdleConnections()
    done()
  })
  app.addHook('preClose', async () => {
    shuttingDown = true
    const ms = durationMs(app.config.server.shutdownTimeout)
    app.log.info({ shutdownTimeoutMs: ms, inFlight: deadlines.size }, 'draining in-flight requests')
    timer = setTimeout(() => {
      for (const stop of deadlines.values()) stop(new GatewayShuttingDownError('The gateway shut down before the answer was complete'))
    }, ms)
    timer.unref()
  })
  app.addHook('onClose', async () => { clearTimeout(timer) })
}, { name: 'lifecycle', dependencies: ['config', 'request-context'], fastify: '5.x' })
