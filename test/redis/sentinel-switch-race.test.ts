// The sentinels' +switch-master arriving while qiao is already reconnecting (its master died) and is waiting
// for a sentinel to name the new master: the client must still reach the new master. A scripted sentinel
// makes the timing exact: it publishes +switch-master and answers the question only a moment later.
import t from 'tap'
import { createServer, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import { startRedis } from '../fixtures/redis-server.js'
import { connectRedis } from '../../src/redis/connect.js'

const NAME = 'qiao-race'
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

interface ScriptedSentinel {
  url: string
  /** Connections subscribed to +switch-master (ioredis' failover detector). */
  subscribers: Set<Socket>
  /** The next get-master-addr-by-name publishes +switch-master to `port`, then answers `port` after `delayMs`. */
  switchWhileAsked: (port: number, delayMs: number) => void
}

async function scriptedSentinel (masterPort: number): Promise<ScriptedSentinel & { server: Server }> {
  let master = masterPort
  let armed: { port: number, delayMs: number } | undefined
  const subscribers = new Set<Socket>()
  const server = createServer((socket) => {
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('error', () => {})
    socket.on('close', () => { subscribers.delete(socket) })
    socket.on('data', (chunk: string) => {
      const { commands, rest } = parse(buffer + chunk)
      buffer = rest
      for (const [command = '', ...args] of commands) {
        const [sub = ''] = args
        if (command.toLowerCase() === 'subscribe') {
          subscribers.add(socket)
          socket.write(`*3\r\n${bulk('subscribe')}${bulk(sub)}:1\r\n`)
        } else if (command.toLowerCase() === 'sentinel' && sub.toLowerCase() === 'get-master-addr-by-name') {
          if (armed === undefined) {
            socket.write(array(['127.0.0.1', String(master)]))
            continue
          }
          const { port, delayMs } = armed
          armed = undefined
          const old = master
          master = port
          for (const subscriber of subscribers) subscriber.write(array(['message', '+switch-master', `${NAME} 127.0.0.1 ${old} 127.0.0.1 ${port}`]))
          setTimeout(() => { if (!socket.destroyed) socket.write(array(['127.0.0.1', String(port)])) }, delayMs)
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
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    server,
    url: `redis://127.0.0.1:${address.port}`,
    subscribers,
    switchWhileAsked: (port, delayMs) => { armed = { port, delayMs } }
  }
}

async function until (ms: number, check: () => boolean): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(20)) if (check()) return true
  return check()
}

t.test('a +switch-master that arrives while the client asks a sentinel for the master does not end the client', async (t) => {
  const oldMaster = await startRedis(t)
  const newMaster = await startRedis(t)
  const sentinel = await scriptedSentinel(oldMaster.port)
  t.teardown(() => { sentinel.server.close(); for (const socket of sentinel.subscribers) socket.destroy() })

  const connected = await connectRedis({ sentinel: { name: NAME, nodes: [sentinel.url] }, keyPrefix: 'race:' })
  if (connected === undefined) throw new Error('no client')
  const client = connected.client as Redis
  client.on('error', () => {})
  const statuses: string[] = []
  client.on('end', () => { statuses.push('end') })
  t.teardown(() => { client.disconnect() })
  t.ok(await until(5_000, () => client.status === 'ready' && sentinel.subscribers.size > 0), 'connected, the failover detector subscribed')
  await client.set('k', 'on the old master')

  // The old master dies; the reconnecting client asks the sentinel, which announces the switch before it answers.
  sentinel.switchWhileAsked(newMaster.port, 300)
  const lost = once(client, 'close')
  await oldMaster.stop()
  await lost
  t.ok(await until(10_000, () => client.status === 'ready'), `reconnected (status ${client.status})`)
  t.same(statuses, [], 'the client never gave up (status end)')
  t.equal(client.stream.remotePort, newMaster.port, 'on the new master')
  await client.set('k', 'on the new master')
  t.equal(await client.get('k'), 'on the new master')
})
