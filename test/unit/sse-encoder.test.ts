import t from 'tap'
import { SSE_DONE, encodeSseData, encodeSseError } from '../../src/streaming/sse-encoder.js'
import { SseDecoder } from '../../src/streaming/sse-decoder.js'

t.test('encodeSseData frames the JSON payload as one data line ending in a blank line', async (t) => {
  t.equal(encodeSseData({ id: 'x', choices: [] }), 'data: {"id":"x","choices":[]}\n\n')
})

t.test('encodeSseData escapes newlines so the frame stays a single data line', async (t) => {
  const frame = encodeSseData({ content: 'a\nb\r\nc' })
  t.equal(frame, 'data: {"content":"a\\nb\\r\\nc"}\n\n')
  t.equal(frame.slice(0, -2).includes('\n'), false)
})

t.test('encodeSseData keeps non-ASCII text as is', async (t) => {
  t.equal(encodeSseData({ c: '你好🚀' }), 'data: {"c":"你好🚀"}\n\n')
})

t.test('encodeSseData rejects payloads that have no JSON form', async (t) => {
  t.throws(() => encodeSseData(undefined), TypeError)
})

t.test('SSE_DONE is the OpenAI end-of-stream sentinel frame', async (t) => {
  t.equal(SSE_DONE, 'data: [DONE]\n\n')
})

t.test('encodeSseError wraps the error object under an error key', async (t) => {
  t.equal(
    encodeSseError({ message: 'upstream failed', type: 'server_error', param: null, code: 'upstream_error' }),
    'data: {"error":{"message":"upstream failed","type":"server_error","param":null,"code":"upstream_error"}}\n\n'
  )
})

t.test('encodeSseError emits only the four OpenAI error fields in a fixed order', async (t) => {
  const input = { code: null, param: 'model', extra: 'secret', type: 'invalid_request_error', message: 'm' }
  t.equal(
    encodeSseError(input),
    'data: {"error":{"message":"m","type":"invalid_request_error","param":"model","code":null}}\n\n'
  )
})

t.test('encoded frames round-trip through the SSE decoder', async (t) => {
  const decoder = new SseDecoder()
  const payload = { choices: [{ delta: { content: 'x\ny' } }] }
  const lines = encodeSseData(payload).split('\n')
  let event = null
  for (const line of lines) event = decoder.decode(line) ?? event
  t.not(event, null)
  t.same(JSON.parse(event?.data ?? ''), payload)
})
