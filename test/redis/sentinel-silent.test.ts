// A sentinel that accepts connections but never answers (a hung process, a proxy in front of a dead one) comes
// first in the list: the client must give up on it and reach the master through the next sentinel. The silent
// sentinel is a bare socket server; the next one is scripted (as in sentinel-switch-race.test.ts) and names a
// real redis-server.
import t from 'tap'
import { createServer, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import { startRedis } from '../fixtures/redis-server.js'
import { connectRedis } from '../../src/redis/connect.js'

const NAME = 'qiao-silent'
const bulk = (text: string): string => `$${Buffer.byteLength(text)}\r\n${text}\r\n`
const array = (items: string[]): string => `*${items.length}\r\n${items.map(bulk).join('')}`

/** Commands (arrays of bulk strings) in `buffer`; the unread rest is returned too. */
function parse (buffer: string): { commands: string[][], rest: string } {
  const commands: string[][] = []
  let at = 0
  for (;;) {
    const header = buffer.indexOf('\r\n', at)
    if (header === -1 || buffer[at] !== '*') break
    const count = Number(buffer.slice(at + 1, header))
    let cursor = header + 2
    const args: string[] = []
    for (let i = 0; i < count; i++) {
      const lengthEnd = buffer.indexOf('\r\n', cursor)
      if (lengthEnd === -1) return { commands, rest: buffer.slice(at) }
      const length = Number(buffer.slice(cursor + 1, lengthEnd))
      if (buffer.length < lengthEnd + 2 + length + 2) return { commands, rest: buffer.slice(at) }
      args.push(buffer.slice(lengthEnd + 2, lengthEnd + 2 + length))
      cursor = lengthEnd + 2 + length + 2
    }
    commands.push(args)
    at = cursor
  }
  return { commands, rest: buffer.slice(at) }
}

interface FakeSentinel { server: Server, url: string, sockets: Set<Socket>, close: () => void }

/** A socket server on a free loopback port; `onSocket` gets each accepted connection. */
async function listen (onSocket: (socket: Socket) => void): Promise<FakeSentinel> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => { sockets.delete(socket) })
    onSocket(socket)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    server,
    url: `redis://127.0.0.1:${address.port}`,
    sockets,
    close: () => { server.close(); for (const socket of sockets) socket.destroy() }
  }
}

/** Reads every command and answers none. */
async function silentSentinel (): Promise<FakeSentinel & { accepted: () => number }> {
  let accepted = 0
  const sentinel = await listen((socket) => { accepted++; socket.resume() })
  return { ...sentinel, accepted: () => accepted }
}

/** Names `masterPort` as the master, knows no other sentinels and takes subscriptions. */
async function scriptedSentinel (masterPort: number): Promise<FakeSentinel> {
  return await listen((socket) => {
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      const { commands, rest } = parse(buffer + chunk)
      buffer = rest
      for (const [command = '', ...args] of commands) {
        const [sub = ''] = args
        if (command.toLowerCase() === 'subscribe') {
          socket.write(`*3\r\n${bulk('subscribe')}${bulk(sub)}:1\r\n`)
        } else if (command.toLowerCase() === 'sentinel' && sub.toLowerCase() === 'get-master-addr-by-name') {
          socket.write(array(['127.0.0.1', String(masterPort)]))
        } else if (command.toLowerCase() === 'sentinel' && sub.toLowerCase() === 'sentinels') {
          socket.write('*0\r\n')
        } else if (command.toLowerCase() === 'client') {
          socket.write('+OK\r\n')
        } else {
          socket.write(`-ERR unknown command '${command}'\r\n`)
        }
      }
    })
  })
}

async function until (ms: number, check: () => boolean): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(20)) if (check()) return true
  return check()
}

t.test('a sentinel that never answers does not keep the client from the master the next sentinel names', async (t) => {
  const master = await startRedis(t)
  const silent = await silentSentinel()
  const answering = await scriptedSentinel(master.port)
  t.teardown(() => { silent.close(); answering.close() })

  const started = Date.now()
  const connected = await connectRedis({ sentinel: { name: NAME, nodes: [silent.url, answering.url] }, keyPrefix: 'silent:' })
  if (connected === undefined) throw new Error('no client')
  const client = connected.client as Redis
  client.on('error', () => {})
  t.teardown(() => { client.disconnect() })

  const ready = await until(10_000, () => client.status === 'ready')
  t.ok(ready, `ready within 10 s (status ${client.status} after ${Date.now() - started} ms)`)
  t.ok(silent.accepted() > 0, 'the silent sentinel was asked first')
  if (!ready) return
  t.equal(client.stream.remotePort, master.port, 'on the master the answering sentinel names')
  await client.set('k', 'through the second sentinel')
  t.equal(await client.get('k'), 'through the second sentinel')
})
