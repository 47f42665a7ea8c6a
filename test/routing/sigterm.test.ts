// SIGTERM against the real process (src/server.ts under tsx): a stream in flight completes, then the
// process exits 0. Its own file because starting the process takes a few seconds.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startFakeOllama } from '../fixtures/fake-upstreams/index.js'
import { chats, contentOf, LONG_TEXT, postChat, sseData } from './support.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..')

t.test('SIGTERM during a stream: the stream completes and the process exits 0', async (t) => {
  const slow = await startFakeOllama({ chunkDelayMs: 40 })
  t.teardown(async () => { await slow.close() })
  const dir = mkdtempSync(join(tmpdir(), 'qiao-shutdown-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const configFile = join(dir, 'qiao.yaml')
  writeFileSync(configFile, [
    'server:',
    '  host: 127.0.0.1',
    '  port: 0',
    '  shutdownTimeout: 20s',
    'log:',
    '  level: info',
    'providers:',
    '  - id: ollama',
    '    type: ollama',
    `    baseUrl: ${slow.baseUrl}`,
    '    retries: 0',
    ''
  ].join('\n'))
  // A clean environment: no provider keys or QIAO_* settings of the machine running the tests.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', '--config', configFile], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const exited = new Promise<{ code: number | null, signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => { resolve({ code, signal }) })
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  const logs: Array<Record<string, unknown>> = []
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: Record<string, unknown>
      try {
        entry = JSON.parse(line)
      } catch {
        return
      }
      logs.push(entry)
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(entry['msg']))
      if (match?.[1] !== undefined) resolve(match[1])
    })
    void exited.then(({ code }) => { reject(new Error(`qiao exited (${String(code)}) before listening: ${stderr}`)) })
  })
  const base = await listening

  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const response = await postChat(base, { model: 'ollama/llama3.2', stream: true })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['x-qiao-attempts'], '1')
  let text = ''
  let signalled = false
  for await (const piece of response) {
    text += String(piece)
    // SIGTERM once the answer is visibly under way.
    if (!signalled && text.includes('word1')) {
      signalled = true
      t.ok(child.kill('SIGTERM'), 'SIGTERM sent mid-stream')
    }
  }
  t.ok(signalled)
  const data = sseData(t, text)
  t.equal(data.at(-1), '[DONE]', 'the stream completed')
  t.equal(contentOf(data.slice(0, -1).map((d) => JSON.parse(d))), LONG_TEXT, 'with the whole answer')
  t.same(await exited, { code: 0, signal: null }, 'the process exited 0 after draining')
  t.ok(logs.some((entry) => entry['signal'] === 'SIGTERM'), 'the shutdown was logged with its signal')
  t.equal(chats(slow).length, 1)
  t.equal(slow.closedConnections, 0, 'the upstream stream was not cut')
})
