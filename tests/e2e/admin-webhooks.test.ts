// An admin manages webhooks in a real browser: adds one (its secret shown once), sends a test that a
// real HTTP server of the test receives, signed with that secret, reads the delivery, switches the
// webhook off and removes it.
import { afterAll, describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { api, loginAdmin } from '../support/api'
import { restartedWith } from '../support/system'
import { adminSession, axe, closeBrowser, describeViolations, screenshot, withTab } from './browser'

const received: Array<{ path: string; headers: Headers; body: string }> = []
/** Paths the receiver answers 500 (a receiver that is down). */
const failing = new Set<string>()
const receiver = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  async fetch(request) {
    const path = new URL(request.url).pathname
    received.push({ path, headers: request.headers, body: await request.text() })
    return new Response('ok', { status: failing.has(path) ? 500 : 200 })
  },
})

// Deliveries given up within the test's patience: 2 tries, 100 ms apart.
restartedWith(['notifications', 'notifications-worker'], { WEBHOOK_RETRY_MS: '100', WEBHOOK_ATTEMPTS: '2' })

afterAll(async () => {
  // A run that failed half-way leaves nothing that later orders would keep trying to reach.
  const admin = await loginAdmin()
  for (const w of (await api('/webhooks', { token: admin.token })).body.items as Array<{ id: string; url: string }>)
    if (w.url.startsWith(`http://127.0.0.1:${receiver.port}/`)) await api(`/webhooks/${w.id}`, { method: 'DELETE', token: admin.token })
  receiver.stop(true)
  await closeBrowser()
}, 60_000)

describe('webhooks in the admin area', () => {
  test('add one, keep its secret, send a test, see it delivered, switch it off and remove it', async () => {
    const run = Math.random().toString(36).slice(2, 8)
    const url = `http://127.0.0.1:${receiver.port}/e2e-${run}`
    const name = `Door list ${run}`
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/admin/webhooks')
      await page.getByRole('link', { name: 'Webhooks' }).waitFor()
      const form = page.getByRole('form', { name: 'Add a webhook' })
      // Nothing ticked: the form says so and sends nothing.
      for (const ticked of ['An order is paid', 'An order is refunded']) await form.getByLabel(ticked).uncheck()
      await form.getByLabel('Address (URL)').fill(url)
      await form.getByRole('button', { name: 'Add webhook' }).click()
      await form.getByText('Choose at least one.').waitFor()
      await form.getByLabel('An order is paid').check()
      await form.getByLabel('Name (optional)').fill(name)
      await form.getByRole('button', { name: 'Add webhook' }).click()

      const secret = (await page.locator('[data-secret]').textContent())!.trim()
      expect(secret).toMatch(/^whsec_/)
      const row = page.locator('li[data-webhook]', { hasText: name })
      await row.getByText('Told when: An order is paid · every event', { exact: false }).waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'admin-webhooks')
      await page.getByRole('button', { name: 'I have kept it' }).click()
      expect(await page.locator('[data-secret]').count()).toBe(0)

      await row.getByRole('button', { name: `Send a test to ${name}` }).click()
      const webhookId = await row.getAttribute('data-webhook')
      const ping = await (async () => {
        for (let i = 0; i < 100; i++) {
          const hit = received.find((r) => r.headers.get('easypass-event') === 'webhook.ping' && JSON.parse(r.body).data.webhookId === webhookId)
          if (hit) return hit
          await Bun.sleep(100)
        }
        throw new Error('no test delivery arrived')
      })()
      const [t, v1] = ping.headers.get('easypass-signature')!.split(',').map((p) => p.split('=')[1])
      expect(createHmac('sha256', secret).update(`${t}.${ping.body}`).digest('hex')).toBe(v1!)
      // The deliveries opened with the test; a refresh shows it delivered.
      // (The test's own row: an order paid a moment before the webhook was added may be listed too, for the clocks' skew.)
      const deliveries = row.locator('.webhook-deliveries')
      const testDelivered = deliveries.getByRole('row').filter({ hasText: 'Test' }).filter({ hasText: 'Delivered' })
      for (let i = 0; i < 50 && !(await testDelivered.count()); i++) {
        await deliveries.getByRole('button', { name: 'Refresh' }).click()
        await Bun.sleep(200)
      }
      expect(await testDelivered.count()).toBe(1)

      await row.getByRole('button', { name: `Switch off ${name}` }).click()
      await row.getByText('Switched off', { exact: true }).waitFor()
      expect(await row.getByRole('button', { name: `Send a test to ${name}` }).count()).toBe(0)
      await row.getByRole('button', { name: `Remove ${name}` }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
      await row.waitFor({ state: 'detached' })
    })
    const admin = await loginAdmin()
    const left = (await api('/webhooks', { token: admin.token })).body.items as Array<{ url: string }>
    expect(left.some((w) => w.url === url)).toBe(false)
  }, 60_000)
  test('a delivery given up shows "Send again", which sends it once the receiver is back', async () => {
    const run = Math.random().toString(36).slice(2, 8)
    const path = `/down-${run}`
    const name = `Accounting ${run}`
    failing.add(path)
    const pings = () => received.filter((r) => r.path === path && r.headers.get('easypass-event') === 'webhook.ping')
    const admin = await loginAdmin()
    const created = await api('/webhooks', { token: admin.token, body: { url: `http://127.0.0.1:${receiver.port}${path}`, events: ['event.cancelled'], description: name } })
    expect(created.status).toBe(201)
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/admin/webhooks')
      const row = page.locator('li[data-webhook]', { hasText: name })
      await row.getByRole('button', { name: `Send a test to ${name}` }).click()
      const deliveries = row.locator('.webhook-deliveries')
      const again = deliveries.getByRole('row').filter({ hasText: 'Test' }).getByRole('button', { name: 'Send again' })
      for (let i = 0; i < 50 && !(await again.count()); i++) {
        await deliveries.getByRole('button', { name: 'Refresh' }).click()
        await Bun.sleep(200)
      }
      await deliveries.getByRole('row').filter({ hasText: 'Test' }).getByRole('cell', { name: /^Given up/ }).waitFor()
      expect(pings()).toHaveLength(2)
      failing.delete(path)
      await again.click()
      await page.locator('.toast', { hasText: 'Sent again.' }).waitFor()
      const testDelivered = deliveries.getByRole('row').filter({ hasText: 'Test' }).filter({ hasText: 'Delivered' })
      for (let i = 0; i < 50 && !(await testDelivered.count()); i++) {
        await deliveries.getByRole('button', { name: 'Refresh' }).click()
        await Bun.sleep(200)
      }
      expect(await testDelivered.count()).toBe(1)
      expect(await again.count()).toBe(0)
    })
    expect(pings()).toHaveLength(3)
  }, 60_000)
})
