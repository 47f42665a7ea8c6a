// A real browser for the console tests: Debian's chromium (installed by .ci/run) driven by playwright-core,
// with a fresh profile and no background connections (the test network is closed).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Teardown } from '../helper.js'

export const CHROMIUM = '/usr/bin/chromium'
export const SHOTS = '.tap/console-screenshots'
export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

/** The newest modification time under `dir` (ms), 0 when it does not exist. */
function newest (dir: string): number {
  if (!existsSync(dir)) return 0
  let at = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) at = Math.max(at, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return at
}

/**
 * The console as `npm run build` makes it, built again when its sources are newer, so the test sees the
 * current sources. Only then: the build empties dist/console/ first, and test files running at the same
 * time would find no console in between.
 */
export function buildConsole (): void {
  const built = existsSync('dist/console/index.html') ? statSync('dist/console/index.html').mtimeMs : 0
  if (built > Math.max(newest('console/src'), statSync('console/build.mjs').mtimeMs)) return
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
