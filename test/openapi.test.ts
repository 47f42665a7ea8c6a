// openapi/openapi.yaml is the committed contract: it must be exactly what the route schemas generate.
import t from 'tap'
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { OPENAPI_FILE, openapiYaml } from '../scripts/openapi-document.js'

const generated = await openapiYaml()

t.test('the committed openapi/openapi.yaml matches the route schemas', async (t) => {
  const committed = await readFile(OPENAPI_FILE, 'utf8').catch(() => '(missing)')
  t.equal(committed, generated, 'openapi/openapi.yaml is out of date: run `npm run openapi:write` and commit the result')
})

t.test('the document lists the /v1 routes and hides their unprefixed twins', async (t) => {
  const paths = Object.keys((parse(generated) as { paths: Record<string, unknown> }).paths)
  for (const path of ['/v1/chat/completions', '/v1/embeddings', '/v1/models', '/healthz', '/readyz']) t.ok(paths.includes(path), path)
  t.notOk(paths.includes('/chat/completions'))
  t.notOk(paths.includes('/openapi.json'))
})

t.test('every error response of the chat route refers to the OpenAI error body', async (t) => {
  const doc = parse(generated) as { paths: Record<string, { post: { responses: Record<string, { content: { 'application/json': { schema: unknown } } }> } }> }
  const responses = doc.paths['/v1/chat/completions']?.post.responses ?? {}
  const errors = Object.entries(responses).filter(([status]) => Number(status) >= 400)
  t.ok(errors.length > 0)
  for (const [status, response] of errors) t.same(response.content['application/json'].schema, { $ref: '#/components/schemas/ErrorResponse' }, status)
})
