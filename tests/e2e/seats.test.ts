// Reserved seating in a real browser: an admin gives a ticket type numbered seats in the event editor;
// a buyer picks seats on the event page's map (taken ones cannot be picked, one taken meanwhile is let
// go live), pays, and sees the seats at checkout and on the tickets.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser, TEST_CARD } from '../support/api'
import { adminSession, canSell, CARDS, closeBrowser, payWith, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

const buySeats = async (eventId: string, ticketTypeId: string, seats: string[]) => {
  const r = await api('/orders', {
    token: (await registerUser('seat-other')).token,
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: { eventId, items: [{ ticketTypeId, quantity: seats.length, seats }], payment: { card: TEST_CARD } },
  })
  expect(r.status).toBe(201)
}

describe.skipIf(!canSell)('reserved seating', () => {
  test('a buyer picks seats on the map, a seat taken meanwhile is let go, and the tickets name their seats', async () => {
    const event = await seedEvent([{ name: 'Stalls', priceCents: 3000, capacity: 10, maxPerOrder: 4, seating: { rows: [{ label: 'A', seats: 5 }, { label: 'B', seats: 5 }] } }])
    const typeId = event.types[0]!.id
    await buySeats(event.id, typeId, ['A-3'])
    const buyer = await registerUser('seat-web')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      const map = page.getByRole('group', { name: 'Choose your Stalls seats' })
      await map.waitFor()
      const taken = map.getByRole('button', { name: 'Row A, seat 3, taken' })
      expect(await taken.getAttribute('aria-disabled')).toBe('true')
      await taken.click({ force: true })
      expect(await taken.getAttribute('aria-pressed')).toBe('false')
      for (const n of [1, 2, 4]) await map.getByRole('button', { name: `Row A, seat ${n}`, exact: true }).click()
      expect(await map.getByRole('button', { name: 'Row A, seat 4', exact: true }).getAttribute('aria-pressed')).toBe('true')
      expect(await page.getByLabel('Quantity of Stalls').inputValue()).toBe('3')
      await map.getByRole('status').getByText('Picked: A-1, A-2, A-4.').waitFor()
      await screenshot(page, 'seat-map')
      // One stop of the Tab key, the arrow keys within: down from A-1 is B-1, End is B-5.
      expect(await map.locator('button[tabindex="0"]').count()).toBe(1)
      await map.getByRole('button', { name: 'Row A, seat 1', exact: true }).focus()
      await page.keyboard.press('ArrowDown')
      await page.keyboard.press('End')
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-seat'))).toBe('B-5')
      expect(await map.locator('button[tabindex="0"]').getAttribute('data-seat')).toBe('B-5')

      // Someone else buys A-4 now: the page lets it go and says so.
      await buySeats(event.id, typeId, ['A-4'])
      await page.getByText('Availability changed: seat A-4 was just taken. We updated your selection.').waitFor()
      await map.getByRole('button', { name: 'Row A, seat 4, taken' }).waitFor()
      expect(await page.getByLabel('Quantity of Stalls').inputValue()).toBe('2')

      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
      await page.getByText('Seats A-1, A-2').waitFor()
      await payWith(page, CARDS.approved)
      await page.getByRole('heading', { level: 1, name: 'Payment confirmed' }).waitFor()
      await page.getByText('Stalls · Seat A-1').first().waitFor()
      await page.getByText('Stalls · Seat A-2').first().waitFor()
    })
    const seating = (await api(`/events/${event.id}/availability`)).body.ticketTypes[0].seating
    expect(seating.taken).toEqual(['A-1', 'A-2', 'A-3', 'A-4'])
  }, 90_000)

  test('an admin adds a ticket type with numbered seats; its capacity is their number', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 1500, capacity: 20 }])
    const admin = await adminSession()
    await withTab({ session: admin }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const form = page.locator('form.add-type')
      await form.getByLabel('Name').fill('Balcony')
      await form.getByLabel('Price').fill('40.00')
      await form.getByLabel('Numbered seats (optional)').fill('A:4, B-C:6')
      await form.getByRole('button', { name: 'Add ticket type' }).click()
      await page.getByText('Balcony added.').waitFor()
      const row = page.locator('li.type-row', { has: page.getByRole('heading', { name: 'Balcony' }) })
      expect(await row.getByLabel('Capacity').inputValue()).toBe('16')
      expect(await row.getByLabel('Numbered seats', { exact: true }).inputValue()).toBe('A:4, B:6, C:6')
    })
    const admin2 = await loginAdmin()
    const types = (await api(`/events/${event.id}/availability`, { token: admin2.token })).body.ticketTypes
    expect(types.find((t: { name: string }) => t.name === 'Balcony')).toMatchObject({ capacity: 16, seating: { rows: [{ label: 'A', seats: 4 }, { label: 'B', seats: 6 }, { label: 'C', seats: 6 }], taken: [] } })
  }, 60_000)
})
