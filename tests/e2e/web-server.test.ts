// The `web` process behind the gateway: deep links answered with the app, long-cached hashed assets,
// gzip, security headers, health, and the first page's weight within its budget.
import { describe, expect, test } from 'bun:test'
import { system } from '../support/system'

const BUDGET_GZIP_BYTES = 150 * 1024

async function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${system().gatewayUrl}${path}`, { headers, decompress: false } as RequestInit)
}

/** The files index.html makes the browser load before the first page shows. */
function initialAssets(html: string) {
  return [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)
}

describe('the web app through the gateway', () => {
  test('every app path, deep links included, answers index.html with the security headers', async () => {
    for (const path of ['/', '/events/665f1c2b9d3e4a0012345678', '/tickets', '/admin/events/new', '/no/such/page?x=1']) {
      const r = await get(path)
      expect(r.status).toBe(200)
      expect(r.headers.get('content-type')).toStartWith('text/html')
      expect(r.headers.get('cache-control')).toBe('no-cache')
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'")
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      const html = await r.text()
      expect(html).toContain('<div id="app">')
      expect(initialAssets(html).length).toBeGreaterThanOrEqual(2)
    }
  })

  test('hashed assets are cached for a year and sent gzipped; an unknown asset is a 404, never the page', async () => {
    const html = await (await get('/')).text()
    for (const path of initialAssets(html)) {
      expect(path).toMatch(/-[a-z0-9]{6,}\.(js|css)$/)
      const r = await get(path, { 'accept-encoding': 'gzip' })
      expect(r.status).toBe(200)
      expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(r.headers.get('content-encoding')).toBe('gzip')
      expect(r.headers.get('content-type')).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/)
      const plain = await get(path)
      expect(plain.headers.get('content-encoding')).toBeNull()
    }
    const missing = await get('/assets/main-doesnotexist.js')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toStartWith('application/json')
  })

  test(`the first page loads less than ${BUDGET_GZIP_BYTES / 1024} KB of gzipped JavaScript`, async () => {
    const html = await (await get('/')).text()
    let js = 0
    let css = 0
    for (const path of initialAssets(html)) {
      const r = await get(path, { 'accept-encoding': 'gzip' })
      const size = (await r.arrayBuffer()).byteLength
      if (path.endsWith('.js')) js += size
      else css += size
    }
    console.log(`first page: ${js} B of JavaScript and ${css} B of CSS, gzipped`)
    expect(js).toBeGreaterThan(1000)
    expect(js).toBeLessThan(BUDGET_GZIP_BYTES)
  })

  test('the web process answers its own health check, and an unknown /api path is not the app', async () => {
    const health = await fetch(`${system().urls.web}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'web' })
    const api = await get('/api/no-such-thing')
    expect(api.status).toBe(404)
    expect((await api.json()).error.code).toBe('NOT_FOUND')
    const post = await fetch(`${system().urls.web}/anything`, { method: 'POST' })
    expect(post.status).toBe(405)
  })

  test('stopping with SHUTDOWN_DRAIN_MS: /live turns 503 while the app is still served, then the process stops', async () => {
    const s = system()
    await s.stop('web')
    await s.start('web', { SHUTDOWN_DRAIN_MS: '1500' })
    try {
      const url = s.urls.web!
      expect((await fetch(`${url}/live`)).status).toBe(200)
      const stopping = s.stop('web')
      await Bun.sleep(200)
      expect((await fetch(`${url}/live`)).status).toBe(503)
      const page = await fetch(`${url}/events`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<div id="app"')
      await stopping
      expect(await fetch(`${url}/live`).then((r) => r.status, () => 'refused')).toBe('refused')
    } finally {
      await s.stop('web')
      await s.start('web')
    }
  }, 30_000)
})
