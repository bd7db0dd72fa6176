// A door that loses its network: it goes on admitting against the offline list it downloaded (tickets
// known by a hash of their codes), says ALREADY USED for a second scan, UNKNOWN for a code not in the
// list, and sends what it admitted once the network is back; one another door admitted meanwhile is
// shown as refused after the fact.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser } from '../support/api'
import { system } from '../support/system'
import { adminSession, buyThroughApi, canSell, closeBrowser, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('check-in without a network', () => {
  test('admits against the offline list, refuses a repeat and an unknown code, and sends the scans when back online', async () => {
    const event = await seedEvent([{ name: 'Floor', priceCents: 1500, capacity: 10 }], { title: `Offline door ${Date.now()}` })
    const buyer = await registerUser('door-offline')
    const order = await buyThroughApi(buyer, event, 3)
    const codes = ((await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>).map((t) => t.code)
    const admin = await loginAdmin()
    let offlineAt = 0
    await withTab({ session: await adminSession() }, async ({ page, context }) => {
      await page.goto('/admin/checkin')
      await page.getByLabel('Find an event').fill(event.title)
      await page.locator(`#f-door option[value="${event.id}"]`).waitFor({ state: 'attached' })
      await page.getByLabel('This door admits to').selectOption(event.id)
      await page.locator('[data-offline-list="3"]').waitFor()

      // Another door admits the third ticket after the list was downloaded.
      expect((await api('/checkins', { token: admin.token, body: { code: codes[2] } })).status).toBe(200)

      await context.setOffline(true)
      const scan = async (code: string) => {
        await page.getByLabel('Ticket code').fill(code)
        await page.keyboard.press('Enter')
      }
      await scan(codes[0]!.toLowerCase())
      await page.locator('[data-verdict="offline"]').waitFor()
      expect(await page.locator('.verdict-headline').textContent()).toBe('ADMITTED · OFFLINE')
      await page.locator('[data-pending="1"]').waitFor()
      await screenshot(page, 'door-offline')
      await Bun.sleep(1_600)
      await scan(codes[0]!)
      await page.locator('[data-verdict="used"]').waitFor()
      await scan('ZZZZZZZZZZZZZZZZZZZZZZZZZZ')
      await page.locator('[data-verdict="unlisted"]').waitFor()
      expect(await page.locator('.verdict-headline').textContent()).toBe('NOT IN THE LIST')
      await scan(codes[2]!)
      await page.locator('[data-verdict="offline"]').waitFor()
      await page.locator('[data-pending="2"]').waitFor()
      // Nothing reached the server yet.
      expect((await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body[0].status).toBe('valid')

      offlineAt = Date.now()
      await context.setOffline(false)
      await page.locator('[data-pending="0"]').waitFor({ state: 'attached', timeout: 20_000 })
      await page.locator(`[data-conflict="${codes[2]}"]`).getByText('ALREADY USED').waitFor()
      // The list of the reload survives it: the scans were sent, none is waiting.
      await page.reload()
      await page.locator('[data-offline-list="3"]').waitFor()
      await page.locator('[data-pending="0"]').waitFor({ state: 'attached' })
      // Offline again after the reload, with the list not downloaded since: a copy of a code let in is still refused.
      await context.setOffline(true)
      await scan(codes[0]!)
      await page.locator('[data-verdict="used"]').waitFor()
      await context.setOffline(false)
      await page.locator('[data-pending="0"]').waitFor({ state: 'attached', timeout: 20_000 })
      // Signed out (a door device is often shared): the list, with its attendees, and what it admitted go
      // with the session (nothing is waiting to be sent); the next sign-in downloads them again.
      const doorKeys = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('easypass.door-')))
      expect((await doorKeys()).length).toBeGreaterThan(0)
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL((url) => url.pathname === '/')
      expect(await doorKeys()).toEqual([])
    })
    const after = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ status: string; checkedInAt?: string }>
    expect(after.map((t) => t.status)).toEqual(['checked_in', 'valid', 'checked_in'])
    // Recorded at the time of the offline scan, not when it was sent.
    expect(Date.parse(after[0]!.checkedInAt!)).toBeLessThan(offlineAt)
    // The list knows codes by their hash only, and only for door staff and admins.
    const list = await api(`/events/${event.id}/door-list`, { token: admin.token })
    expect(list.status).toBe(200)
    expect(list.body.tickets).toHaveLength(3)
    expect(JSON.stringify(list.body)).not.toContain(codes[1]!)
    expect((await api(`/events/${event.id}/door-list`, { token: buyer.token })).status).toBe(403)
  }, 90_000)

  test('orders away (the gateway answers 503 naming it): the list decides; a list over 6 hours old decides nothing', async () => {
    const event = await seedEvent([{ name: 'Floor', priceCents: 1500, capacity: 10 }], { title: `Door without orders ${Date.now()}` })
    const buyer = await registerUser('door-orders-away')
    const order = await buyThroughApi(buyer, event, 2)
    const codes = ((await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>).map((t) => t.code)
    await withTab({ session: await adminSession() }, async ({ page }) => {
      // The page's clock, to be moved on 7 hours below (it runs on as the real one until then).
      await page.clock.install()
      await page.goto('/admin/checkin')
      await page.getByLabel('Find an event').fill(event.title)
      await page.locator(`#f-door option[value="${event.id}"]`).waitFor({ state: 'attached' })
      await page.getByLabel('This door admits to').selectOption(event.id)
      await page.locator('[data-offline-list="2"]').waitFor()
      const scan = async (code: string) => {
        await page.getByLabel('Ticket code').fill(code)
        await page.keyboard.press('Enter')
      }
      await system().stop('orders')
      try {
        // The network is up; the gateway cannot reach orders and says so (503 with the upstream's name).
        await scan(codes[0]!)
        await page.locator('[data-verdict="offline"]').waitFor({ timeout: 15_000 })
        await page.locator('[data-pending="1"]').waitFor()
        // Seven hours on (past the 6 hours, less 10 minutes for a browser's clock behind), still without orders: buyers may have refunded or passed tickets on since, so the list decides nothing.
        await page.clock.fastForward('07:00:00')
        await scan(codes[1]!)
        await page.locator('[data-verdict="error"]').waitFor({ timeout: 15_000 })
        expect(await page.getByText('is more than 6 hours old').count()).toBe(1)
      } finally {
        await system().start('orders')
      }
    })
  }, 90_000)

  test('a scan the server does not answer in time is not let in on the list (its order may be busy with a refund); a second one without an answer is', async () => {
    const event = await seedEvent([{ name: 'Floor', priceCents: 1500, capacity: 10 }], { title: `Slow door ${Date.now()}` })
    const buyer = await registerUser('door-slow')
    const order = await buyThroughApi(buyer, event, 1)
    const [code] = ((await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>).map((t) => t.code)
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/admin/checkin')
      await page.getByLabel('Find an event').fill(event.title)
      await page.locator(`#f-door option[value="${event.id}"]`).waitFor({ state: 'attached' })
      await page.getByLabel('This door admits to').selectOption(event.id)
      await page.locator('[data-offline-list="1"]').waitFor()
      // The network is up, but scans get no answer.
      await page.route('**/api/checkins', () => {})
      const scan = async () => {
        await page.getByLabel('Ticket code').fill(code!)
        await page.keyboard.press('Enter')
      }
      await scan()
      await page.locator('[data-verdict="error"]').waitFor({ timeout: 10_000 })
      expect(await page.getByText('No answer from the server yet: scan again').count()).toBe(1)
      await page.locator('[data-pending="0"]').waitFor({ state: 'attached' })
      await scan()
      await page.locator('[data-verdict="offline"]').waitFor({ timeout: 10_000 })
      await page.locator('[data-pending="1"]').waitFor()
      await page.unroute('**/api/checkins')
      await page.locator('[data-pending="0"]').waitFor({ state: 'attached', timeout: 20_000 })
    })
    expect(((await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ status: string }>).map((t) => t.status)).toEqual(['checked_in'])
  }, 90_000)
})
