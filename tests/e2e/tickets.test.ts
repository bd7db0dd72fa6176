// "My tickets" in a real browser: QR tickets, a refund with its confirmation, and the notifications
// that arrive live while the page is open.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { availabilityOf, buyThroughApi, canSell, closeBrowser, withTab, screenshot, seedEvent } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('my tickets', () => {
  test('a refund from "My tickets": confirm, the order turns refunded, stock returns, a notification arrives live', async () => {
    const event = await seedEvent([{ name: 'Stalls', priceCents: 2750, capacity: 30 }])
    const buyer = await registerUser('refund')
    await withTab({ session: buyer }, async ({ page }) => {
      // The page is open before the purchase: the confirmation arrives through the notifications stream.
      const streaming = page.waitForResponse((r) => r.url().endsWith('/api/notifications/stream'))
      await page.goto('/tickets')
      await page.getByText('You have no tickets yet.').waitFor()
      await streaming // a notification made before the stream is open would only show in the list
      const order = await buyThroughApi(buyer, event, 2)
      await page.locator('.toast', { hasText: `Your tickets for ${event.title}` }).waitFor()
      await page.reload()
      const card = page.locator(`[data-order="${order.id}"]`)
      await card.getByRole('img', { name: /^QR code of ticket / }).nth(1).waitFor()
      await screenshot(page, 'my-tickets-paid')

      // Cancelling the dialog changes nothing: no refund request leaves the page.
      let refundRequests = 0
      page.on('request', (r) => r.url().endsWith('/refund') && refundRequests++)
      await card.getByRole('button', { name: 'Refund this order' }).click()
      const dialog = page.getByRole('dialog')
      await dialog.getByText('€55.00 goes back to your card and your 2 tickets stop working.', { exact: false }).waitFor()
      await dialog.getByRole('button', { name: 'Keep the order' }).click()
      await dialog.waitFor({ state: 'hidden' })
      expect(refundRequests).toBe(0)
      expect((await api(`/orders/${order.id}`, { token: buyer.token })).body.status).toBe('paid')

      await card.getByRole('button', { name: 'Refund this order' }).click()
      await dialog.getByRole('button', { name: 'Refund' }).click()
      await card.getByText('Refunded', { exact: true }).first().waitFor()
      expect(refundRequests).toBe(1)
      await card.getByText('Refunded', { exact: true }).nth(2).waitFor() // the order and both tickets
      expect(await card.getByRole('button', { name: 'Refund this order' }).count()).toBe(0)
      expect((await api(`/orders/${order.id}`, { token: buyer.token })).body.status).toBe('refunded')
      expect((await availabilityOf(event.id)).ticketTypes[0]).toMatchObject({ sold: 0, available: 30 })

      // The refund's notification, live, and then in the list.
      await page.locator('.toast', { hasText: `Refund for ${event.title}` }).waitFor()
      await page.getByRole('link', { name: /Notifications/ }).click()
      await page.getByRole('heading', { level: 2, name: `Refund for ${event.title}` }).waitFor()
      await page.getByRole('heading', { level: 2, name: `Your tickets for ${event.title}` }).waitFor()
      await screenshot(page, 'notifications')
    })
  }, 120_000)
})
