// The waiting list in the browser: a buyer joins it on a sold-out event's page, and is told live when
// a ticket comes back (a hold cancelled); leaving it works too.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { axe, closeBrowser, describeViolations, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe('waiting list in the browser', () => {
  test('sold out: join the list, get told live when a ticket comes back, and see it on sale', async () => {
    const event = await seedEvent([{ name: 'Front row', priceCents: 9000, capacity: 1 }])
    const holder = await registerUser('wl-holder')
    const held = await api('/orders', { token: holder.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 1 }] } })
    expect(held.status).toBe(201)
    const buyer = await registerUser('wl-buyer')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByText('Sold out').waitFor()
      await page.getByRole('button', { name: 'Join the waiting list' }).click()
      await page.locator('[data-waitlist="waiting"]', { hasText: 'You are on the waiting list' }).waitFor()
      await screenshot(page, 'event-waitlist')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      // Still on it after a reload.
      await page.reload()
      await page.locator('[data-waitlist="waiting"]', { hasText: 'You are on the waiting list' }).waitFor()

      expect((await api(`/orders/${held.body.id}/cancel`, { token: holder.token, method: 'POST' })).status).toBe(200)
      await page.locator('.toast', { hasText: `Tickets are available for ${event.title}` }).waitFor({ timeout: 20_000 })
      await page.getByText('1 left').waitFor()
      await page.getByRole('button', { name: 'Buy tickets' }).waitFor()
      await page.goto('/notifications')
      await page.getByRole('link', { name: 'Get tickets' }).first().click()
      await page.getByRole('heading', { level: 1, name: event.title }).waitFor()
    })
  }, 60_000)

  test('leaving the list; a guest is asked to sign in first', async () => {
    const event = await seedEvent([{ name: 'Balcony', priceCents: 5000, capacity: 1 }])
    const holder = await registerUser('wl-holder2')
    await api('/orders', { token: holder.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 1 }] } })
    await withTab({}, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByText('to join the waiting list').waitFor()
    })
    const buyer = await registerUser('wl-leaver')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'Join the waiting list' }).click()
      await page.getByRole('button', { name: 'Leave the waiting list' }).click()
      await page.locator('.toast', { hasText: 'You left the waiting list.' }).waitFor()
      await page.getByRole('button', { name: 'Join the waiting list' }).waitFor()
      expect((await api(`/notifications/waitlist?eventId=${event.id}`, { token: buyer.token })).body.total).toBe(0)
    })
  }, 60_000)
})
