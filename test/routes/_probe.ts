import { build } from '../helper.js'
const tds: Array<() => unknown> = []
const t = { teardown: (fn: () => unknown) => { tds.push(fn) } }
const app = await build(t, { providers: [] })
const r = await app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }) })
console.log(r.statusCode, r.body)
for (const fn of tds.reverse()) await fn()
