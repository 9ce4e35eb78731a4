import { existsSync } from 'node:fs'
import puppeteer from 'puppeteer-core'
import type { Browser } from 'puppeteer-core'
import { tempDir } from './cli.js'

/** Debian's chromium; CI installs it (.ci/run) */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

/**
 * Flags that keep the browser to loopback: no background fetches, component
 * updates, sync, default apps, first-run pages, error reporting or safe
 * browsing, and every host name but 127.0.0.1 failing to resolve, so a page
 * that tried to load anything from elsewhere would fail, not reach out.
 */
export const LOOPBACK_ONLY = [
  '--no-sandbox', // CI runs as root, where the sandbox cannot start
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--no-first-run',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'
]

/** A headless chromium with its own temporary profile; `close` stops it and removes the profile */
export async function startBrowser (): Promise<{ browser: Browser, close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM to its path`)
  const profile = await tempDir('dcx-chromium-')
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile.path,
    args: LOOPBACK_ONLY,
    defaultViewport: { width: 1000, height: 700 }
  })
  return {
    browser,
    close: async () => {
      await browser.close()
      await profile.cleanup()
    }
  }
}
