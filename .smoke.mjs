import puppeteer from 'puppeteer-core'
const url = process.argv[2]
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'], defaultViewport: { width: 1000, height: 700 } })
const page = await browser.newPage()
page.on('response', r => { if (r.status() >= 400) console.log(r.status(), r.url()) })
page.on('pageerror', e => console.log('pageerror:', e.message))
page.on('requestfailed', r => console.log('failed:', r.url(), r.failure()?.errorText))
for (const [name, hash, width] of process.argv.slice(3).map(a => a.split(','))) {
  await page.setViewport({ width: Number(width ?? 1000), height: 700 })
  await page.goto(`${url}/webui#${hash}`)
  await new Promise(r => setTimeout(r, 1500))
  await page.screenshot({ path: `/tmp/shot-${name}.png`, fullPage: true })
}
await browser.close()
