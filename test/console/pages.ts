// Visits every page of the console at desktop and phone widths and saves a screenshot of each.
import type { Browser } from 'playwright-core'
import { DESKTOP, PHONE, newPage, shot, signIn } from './browser.js'

/** Each page's name and an element that shows its data has arrived. */
const MASTER_PAGES = [
  ['overview', '[data-test=stats]'], ['keys', 'table[data-test=keys], .empty'], ['teams', 'table[data-test=teams], .empty'],
  ['usage', '[data-test=usage-totals]'], ['providers', '[data-provider]'], ['playground', '[data-test=send]'], ['settings', '[data-test=config-server]']
] as const

/** Screenshots of every page; returns the names of pages whose content scrolls sideways (too wide for the viewport). */
export async function screenshotAll (browser: Browser, base: string, key: string, prefix: string): Promise<string[]> {
  const tooWide: string[] = []
  for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    const { context, page } = await newPage(browser, viewport)
    await signIn(page, base, key)
    for (const [name, ready] of MASTER_PAGES) {
      await page.goto(`${base}/console#/${name}`)
      await page.waitForSelector(ready)
      await page.waitForTimeout(150)
      const wide = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1')
      if (wide === true) tooWide.push(`${name}@${width}`)
      await shot(page, `${prefix}${name}-${width}`)
    }
    await context.close()
  }
  return tooWide
}
