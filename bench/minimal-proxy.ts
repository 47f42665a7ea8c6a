// The floor of what any Node gateway can do on this machine: node:http in, an undici Pool out (keep-alive,
// sized like qiao's per-provider pool), bodies streamed through untouched, nothing parsed, nothing logged.
// BENCH_UPSTREAM_URL is the origin to forward to; prints {"port":N} on stdout.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { announce, onStop } from './lib/child.js'

const upstream = process.env['BENCH_UPSTREAM_URL']
if (upstream === undefined || upstream === '') {
  process.stderr.write('bench/minimal-proxy: BENCH_UPSTREAM_URL is required\n')
  process.exit(2)
}
const pool = new Pool(upstream, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 })
// Connection-level headers belong to each hop (undici refuses some of them outright).
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host'])

function forwardable (headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP.has(name)) out[name] = value
  return out
}

const server = createServer((req, res) => {
  const method = req.method === 'GET' || req.method === 'HEAD' ? req.method : 'POST'
  pool.stream({
    method,
    path: req.url ?? '/',
    headers: forwardable(req.headers),
    body: method === 'POST' ? req : null
  }, ({ statusCode, headers }) => {
    res.writeHead(statusCode, forwardable(headers))
    // Each upstream chunk is written to the client as it arrives: streams pass through unbuffered.
    return res
  }).catch(() => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' })
      res.end('{"error":{"message":"upstream unreachable","type":"upstream_error"}}')
    } else res.destroy()
  })
})
server.keepAliveTimeout = 65_000

onStop(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  await pool.close()
})
server.listen(0, '127.0.0.1', () => { announce({ port: (server.address() as AddressInfo).port }) })
