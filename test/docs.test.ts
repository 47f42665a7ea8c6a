// The docs page at /docs, as a browser loads it: the HTML, every asset it refers to, and the document it shows.
import t from 'tap'
import { build, listen } from './helper.js'

const app = await build(t, { providers: [] })
const base = await listen(app)

t.test('the docs page loads with every asset it refers to', async (t) => {
  const page = await fetch(`${base}/docs`)
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /^text\/html/)
  const html = await page.text()
  const assets = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1] as string)
  t.ok(assets.some((url) => url.endsWith('/swagger-ui-bundle.js')), 'loads the swagger-ui bundle')
  for (const url of assets) {
    const res = await fetch(new URL(url, `${base}/docs`))
    t.equal(res.status, 200, url)
    t.match(res.headers.get('content-type'), /^(text\/css|application\/javascript|image\/png)/, url)
    t.ok((await res.arrayBuffer()).byteLength > 0, url)
  }
  const initializer = await (await fetch(`${base}/docs/static/swagger-initializer.js`)).text()
  t.match(initializer, /docExpansion/, 'the page is configured')
})

t.test('the page shows the same document as /openapi.json, as JSON and as YAML', async (t) => {
  const document = await (await fetch(`${base}/openapi.json`)).json() as { paths: Record<string, unknown> }
  t.same(await (await fetch(`${base}/docs/json`)).json(), document)
  const yaml = await fetch(`${base}/docs/yaml`)
  t.match(yaml.headers.get('content-type'), /yaml/)
  t.match(await yaml.text(), /\/v1\/chat\/completions:/)
})

t.test('assets are cached by the browser and can be asked for by HEAD or by range', async (t) => {
  const url = `${base}/docs/static/swagger-ui.css`
  const first = await fetch(url)
  const size = (await first.arrayBuffer()).byteLength
  const etag = first.headers.get('etag')
  t.ok(etag !== null, 'has an etag')
  t.equal((await fetch(url, { headers: { 'if-none-match': etag as string } })).status, 304)
  const head = await fetch(url, { method: 'HEAD' })
  t.equal(head.status, 200)
  t.equal(head.headers.get('content-length'), String(size))
  t.equal((await head.arrayBuffer()).byteLength, 0)
  const part = await fetch(url, { headers: { range: 'bytes=0-99' } })
  t.equal(part.status, 206)
  t.equal((await part.arrayBuffer()).byteLength, 100)
})

t.test('an unknown docs path is a 404 with an OpenAI error body', async (t) => {
  for (const path of ['/docs/static/nope.js', '/docs/nope', '/docs/static/..%2F..%2Fpackage.json']) {
    const res = await fetch(`${base}${path}`)
    t.equal(res.status, 404, path)
    t.match(await res.json(), { error: { type: 'invalid_request_error', code: 'unknown_route' } }, path)
  }
})
