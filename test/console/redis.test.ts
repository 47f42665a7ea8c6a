// The Providers page's Redis card in a real browser: how Redis is run and each node's state, or that there is none.
import t from 'tap'
import type { Page } from 'playwright-core'
import { listen, startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { MASTER, gateway } from '../auth/setup.js'
import { PHONE, buildConsole, launch, newPage, shot, signIn } from './browser.js'

buildConsole()
const fakes = await startFakes(t)
const redis = await startRedis(t)
const browser = await launch(t)

async function redisCard (page: Page, base: string): Promise<string> {
  await page.goto(`${base}/console#/providers`)
  await page.waitForSelector('[data-test=redis]')
  return (await page.textContent('[data-test=redis]')) ?? ''
}

/** The cells of a node's row as shown (without the phone layout's labels, which are CSS). */
const cells = async (page: Page, address: string) => (await page.locator(`[data-test=redis] tr[data-node="${address}"] td`).allInnerTexts()).map((text) => text.trim())

const tooWide = async (page: Page) => await page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1')

t.test('with one Redis server, Providers shows it as one server and its node as up, in English and Chinese', async (t) => {
  const app = await gateway(t, fakes, { redisUrl: redis.url })
  const base = await listen(app)
  const address = `127.0.0.1:${redis.port}`

  const { page } = await newPage(browser)
  await signIn(page, base, MASTER)
  const card = await redisCard(page, base)
  t.match(card, 'One server', 'the topology in words')
  t.same(await cells(page, address), [address, 'master', 'up'], 'the node\'s address, role and state')
  await shot(page, 'providers-redis-desktop')

  const zh = await newPage(browser, PHONE, 'zh-CN')
  await signIn(zh.page, base, MASTER)
  const zhCard = await redisCard(zh.page, base)
  t.match(zhCard, '单机')
  t.same(await cells(zh.page, address), [address, '主节点', '正常'], 'master, up, in Chinese')
  t.equal(await tooWide(zh.page), false, 'not wider than a phone')
  await shot(zh.page, 'providers-redis-phone-zh')
  await zh.context.close()
})

t.test('without Redis, Providers says so and that state is kept per process', async (t) => {
  const app = await gateway(t, fakes, {})
  const base = await listen(app)
  const { page, context } = await newPage(browser, PHONE)
  await signIn(page, base, MASTER)
  const card = await redisCard(page, base)
  t.match(card, 'Redis is not configured')
  t.match(card, 'kept in each process')
  t.equal(await tooWide(page), false, 'not wider than a phone')
  await context.close()
})
