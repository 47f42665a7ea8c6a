// A real browser for the console tests: Debian's chromium (installed by .ci/run) driven by playwright-core,
// with a fresh profile and no background connections (the test network is closed).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Teardown } from '../helper.js'

export const CHROMIUM = '/usr/bin/chromium'
export const SHOTS = '.tap/console-screenshots'
export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

/** The console as `npm run build` makes it, built again so the test sees the current sources. */
export function buildConsole (): void {
  execFileSync(process.execPath, ['console/build.mjs'], { stdio: 'ignore' })
}

export async function launch (t: Teardown): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(async () => { await browser.close() })
  mkdirSync(SHOTS, { recursive: true })
  return browser
}

export async function newPage (browser: Browser, viewport = DESKTOP, locale = 'en-US'): Promise<{ context: BrowserContext, page: Page }> {
  const context = await browser.newContext({ viewport, locale })
  const page = await context.newPage()
  // Two test files run at once on two cores: a fresh context's first page can wait seconds for a renderer.
  page.setDefaultTimeout(30_000)
  return { context, page }
}

export async function signIn (page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/console`)
  await page.fill('[data-test=key]', key)
  await page.click('[data-test=sign-in]')
  await page.waitForSelector('[data-test=sign-out]')
}

/** Everything script on the page can read: both storages and the non-HttpOnly cookies. */
export async function readableStorage (page: Page): Promise<string> {
  // A string expression: it runs in the page, whose DOM types the test's (Node) tsconfig does not include.
  return String(await page.evaluate('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie, url: location.href })'))
}

export async function shot (page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
}
