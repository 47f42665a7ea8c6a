// The console in a real browser: sign in, create a key, use it with the openai SDK, see its usage, revoke it.
import t from 'tap'
import OpenAI from 'openai'
import { listen, openai, startFakes } from '../helper.js'
import { MASTER, gateway } from '../auth/setup.js'
import { buildConsole, launch, newPage, readableStorage, shot, signIn } from './browser.js'
import { screenshotAll } from './pages.js'

buildConsole()
const fakes = await startFakes(t)
const browser = await launch(t)

t.test('the console is served with long-lived caching for its hashed assets and none for the page', async (t) => {
  const app = await gateway(t, fakes, {})
  const page = await app.inject({ url: '/console' })
  t.equal(page.statusCode, 200)
  t.equal(page.headers['cache-control'], 'no-cache')
  t.match(String(page.headers['content-security-policy']), "default-src 'self'")
  const assets = [...page.body.matchAll(/\/console\/(app-[\w-]+\.(?:js|css))/g)].map((m) => m[1])
  t.equal(assets.length, 2, 'one script, one stylesheet, both local')
  t.notMatch(page.body, /https?:\/\//, 'nothing from another origin')
  for (const asset of assets) {
    const res = await app.inject({ url: `/console/${asset ?? ''}` })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable')
  }
})

t.test('a team lead signs in, creates a key, sees it used, revokes it; a member sees only their own key', async (t) => {
  const app = await gateway(t, fakes, {})
  const base = await listen(app)
  const { page } = await newPage(browser)

  await signIn(page, base, MASTER)
  await page.click('a[href="#/keys"]')
  await page.click('[data-test=new-key]')
  await page.fill('input[name=id]', 'carol')
  await page.fill('input[name=models]', 'deepseek/*')
  await page.fill('input[name=tokens]', '100000')
  await page.click('[data-test=save]')
  const secret = (await page.textContent('[data-test=secret]')) ?? ''
  t.match(secret, /^\S{20,}$/, 'the new key is shown once')
  await shot(page, 'keys-created-desktop')

  const sdk = openai(base, { apiKey: secret })
  const answer = await sdk.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hello' }] })
  t.ok(answer.choices[0]?.message.content, 'the new key works with the openai SDK')

  // Its spend appears on the page once the answer is recorded.
  let spend = ''
  for (let i = 0; i < 50 && !/[1-9]/.test(spend); i++) {
    await page.reload()
    spend = (await page.textContent('tr[data-key=carol] [data-test=spend]')) ?? ''
  }
  t.match(spend, /[1-9]/, `carol's tokens show in the list: ${spend}`)

  const storage = await readableStorage(page)
  t.notMatch(storage, MASTER, 'the master key is nowhere the page can read')
  t.notMatch(storage, secret, 'nor the new key')
  t.notMatch(storage, 'qiao_session', 'the session cookie is HttpOnly')

  const member = await newPage(browser, undefined, 'zh-CN')
  await signIn(member.page, base, secret)
  const own = (await member.page.textContent('[data-test=own-key]')) ?? ''
  t.match(own, 'carol')
  t.equal(await member.page.locator('[data-test=new-key]').count(), 0, 'no key list or create button for a member')
  t.match((await member.page.textContent('[data-test=models]')) ?? '', 'deepseek/deepseek-chat')
  t.notMatch((await member.page.textContent('[data-test=models]')) ?? '', 'glm-4.6', 'only the models the key may use')
  t.match((await member.page.textContent('nav')) ?? '', '密钥', 'Chinese for a Chinese browser')
  t.notMatch(await readableStorage(member.page), secret)
  await shot(member.page, 'member-key-desktop')
  await member.context.close()

  page.once('dialog', (dialog) => { void dialog.accept() })
  await page.click('tr[data-key=carol] [data-test=revoke]')
  await page.waitForSelector('tr[data-key=carol]', { state: 'detached' })
  const failure = await sdk.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'again' }] }).then(() => undefined, (err: unknown) => err)
  t.ok(failure instanceof OpenAI.AuthenticationError, 'the revoked key gets 401')

  await page.click('[data-test=sign-out]')
  await page.waitForSelector('[data-test=sign-in]')
  const after = await page.evaluate(async () => (await fetch('/admin/me')).status)
  t.equal(after, 401, 'signed out: the session no longer opens the admin API')
})

t.test('every page works for the master at desktop and phone widths; the playground streams; usage exports as CSV', async (t) => {
  const app = await gateway(t, fakes, { teams: [{ id: 'red', rpm: 100 }] })
  const base = await listen(app)
  const { page } = await newPage(browser)
  await signIn(page, base, MASTER)

  await page.goto(`${base}/console#/playground`)
  await page.waitForSelector('select[name=model] option', { state: 'attached' })
  await page.selectOption('select[name=model]', 'deepseek/deepseek-chat')
  await page.fill('textarea[name=prompt]', 'Say hello')
  await page.click('[data-test=send]')
  await page.waitForSelector('[data-test=call-facts]')
  t.ok(((await page.textContent('[data-test=answer]')) ?? '').length > 0, 'the streamed answer is shown')
  t.match((await page.textContent('[data-test=call-facts]')) ?? '', /deepseek/, 'with the provider that served it')
  t.match((await page.textContent('[data-test=cost]')) ?? '', /^\d+(\.\d+)?$/, 'and what the streamed call cost')

  await page.goto(`${base}/console#/providers`)
  await page.click('[data-provider=deepseek] [data-test=test]')
  t.match((await page.locator('[data-provider=deepseek] [data-test=test-result]').textContent()) ?? '', /deepseek/, 'a provider test answers')

  let totals = ''
  for (let i = 0; i < 30 && !/[1-9]/.test(totals); i++) {
    await page.goto(`${base}/console#/usage`)
    await page.reload()
    totals = (await page.textContent('[data-test=usage-totals]')) ?? ''
  }
  t.match(totals, /[1-9]/, 'the console\'s own calls appear in Usage')
  const csv = await page.evaluate('fetch(document.querySelector(\'[data-test=csv]\').href).then((r) => r.text())')
  t.match(String(csv), /^hour,key,model,requests/, 'CSV of the same query')

  const settings = await app.inject({ url: '/admin/config', headers: { authorization: `Bearer ${MASTER}` } })
  t.notMatch(settings.body, MASTER, 'Settings never carries the master key')

  const tooWide = await screenshotAll(browser, base, MASTER, '')
  t.same(tooWide, [], 'no page is wider than the screen')
})
