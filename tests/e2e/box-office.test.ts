// Selling at the door in a real browser: door staff pick the door's event, sell two tickets for cash
// (past the per-order limit, after online sales closed), see what to take, get the tickets on screen with
// their QR codes, and the first of them is admitted at the same door.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser } from '../support/api'
import { axe, canSell, closeBrowser, describeViolations, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

const ENGLISH = { find: 'Find an event', admits: 'This door admits to', sell: 'Sell tickets at the door' }

/** The door's page set to the event, its sale form open (`words`: the page's, in the browser's language). */
async function openDoorSale(page: import('playwright-core').Page, event: { id: string; title: string }, words = ENGLISH) {
  await page.goto('/admin/checkin')
  await page.getByLabel(words.find).fill(event.title)
  await page.locator(`#f-door option[value="${event.id}"]`).waitFor({ state: 'attached' })
  await page.getByLabel(words.admits).selectOption(event.id)
  await page.getByText(words.sell).click()
  const form = page.getByRole('form', { name: words.sell })
  // The event's ticket types come from the API after the form opens: read them once they are there.
  await form.locator('#door-type option').first().waitFor({ state: 'attached' })
  return form
}

describe.skipIf(!canSell)('selling at the door', () => {
  test('door staff sell two tickets for cash, show them, and admit the first', async () => {
    const event = await seedEvent([{ name: 'Evening', priceCents: 1800, capacity: 10, maxPerOrder: 1 }], { title: `Box office ${Date.now()}` })
    const admin = await loginAdmin()
    // Online sales of the type closed an hour ago: the door still sells.
    expect((await api(`/events/${event.id}/ticket-types/${event.types[0]!.id}`, { method: 'PATCH', token: admin.token, body: { salesEnd: new Date(Date.now() - 3_600_000).toISOString() } })).status).toBe(200)
    const worker = await registerUser('box-office-e2e')
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)
    const refreshed = (await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })).body
    const staff = { token: refreshed.accessToken, refreshToken: refreshed.refreshToken, user: refreshed.user }

    await withTab({ session: staff }, async ({ page }) => {
      const form = await openDoorSale(page, event)
      await form.getByLabel('How many').fill('0')
      await form.getByRole('button', { name: /^Sell/ }).click()
      await form.getByText('Enter how many, at least 1.').waitFor()
      await form.getByLabel('How many').fill('2')
      // What to take, before selling: the server prices it, the page shows it.
      await form.getByRole('button', { name: 'Sell · take €36.00' }).click()
      const sale = page.locator('[data-door-sale]')
      await sale.getByRole('heading', { name: 'Sold: 2 tickets, €36.00 in cash' }).waitFor()
      const qrs = sale.getByRole('img', { name: /^QR code of ticket / })
      await qrs.nth(1).waitFor()
      await sale.getByRole('button', { name: 'Print the tickets (PDF)' }).waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'door-sale')

      const orderId = (await sale.getAttribute('data-door-sale'))!
      const order = await api(`/orders/${orderId}`, { token: staff.token })
      expect(order.body).toMatchObject({ status: 'paid', totalCents: 3600, boxOffice: { paidWith: 'cash' } })
      const code = ((await api(`/orders/${orderId}/tickets`, { token: staff.token })).body as Array<{ code: string }>)[0]!.code
      await page.getByLabel('Ticket code').fill(code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="admitted"]').waitFor()
    })
  }, 60_000)

  test('an extra sold with the tickets: at most one per ticket, priced on the button, one order', async () => {
    const event = await seedEvent(
      [
        { name: 'Evening', priceCents: 1800, capacity: 10 },
        { name: 'Parking', priceCents: 800, capacity: 10, addOn: true },
      ],
      { title: `Door extras ${Date.now()}` },
    )
    await withTab({ session: await loginAdmin() }, async ({ page }) => {
      const form = await openDoorSale(page, event)
      // The extra is not a ticket type of its own here, but a line beside the tickets.
      expect(await form.locator('#door-type option').allTextContents()).toEqual(['Evening · €18.00 · 10 left'])
      await form.getByLabel('How many').fill('2')
      const parking = form.getByLabel('Parking · €8.00 · 10 left')
      await parking.fill('3')
      await form.getByRole('button', { name: /^Sell/ }).click()
      await form.getByText('At most one per ticket: 2 with 2 tickets.').waitFor()
      await parking.fill('2')
      await form.getByRole('button', { name: 'Sell · take €52.00' }).click()
      const sale = page.locator('[data-door-sale]')
      await sale.getByRole('heading', { name: 'Sold: 4 tickets, €52.00 in cash' }).waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      const orderId = (await sale.getAttribute('data-door-sale'))!
      const order = await api(`/orders/${orderId}`, { token: (await loginAdmin()).token })
      expect(order.body.items.map((i: { name: string; quantity: number; addOn?: true }) => [i.name, i.quantity, !!i.addOn])).toEqual([
        ['Evening', 2, false],
        ['Parking', 2, true],
      ])
    })
  }, 60_000)

  test('the door in German: the door worker’s browser speaks German, and so do the sale and the verdicts', async () => {
    const event = await seedEvent([{ name: 'Abend', priceCents: 1800, capacity: 10 }], { title: `Abendkasse ${Date.now()}` })
    const admin = await loginAdmin()
    const worker = await registerUser('door-de-e2e')
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)
    const refreshed = (await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })).body
    const staff = { token: refreshed.accessToken, refreshToken: refreshed.refreshToken, user: refreshed.user }

    await withTab({ session: staff, locale: 'de-DE' }, async ({ page }) => {
      const form = await openDoorSale(page, event, { find: 'Veranstaltung suchen', admits: 'Einlass an diesem Eingang für', sell: 'Tickets an der Abendkasse verkaufen' })
      await page.getByRole('heading', { name: 'Einlass', exact: true }).waitFor()
      await page.getByRole('navigation', { name: 'Verwaltung' }).getByRole('link', { name: 'Einlass' }).waitFor()
      expect(await form.locator('#door-type option').allTextContents()).toEqual([expect.stringMatching(/^Abend · 18,00\s€ · noch 10$/)])
      await form.getByLabel('Anzahl').fill('0')
      await form.getByRole('button', { name: /^Verkaufen/ }).click()
      await form.getByText('Geben Sie die Anzahl ein, mindestens 1.').waitFor()
      await form.getByLabel('Anzahl').fill('1')
      await form.getByRole('button', { name: /^Verkaufen · 18,00\s€ kassieren$/ }).click()
      const sale = page.locator('[data-door-sale]')
      await sale.getByRole('heading', { name: /^Verkauft: 1 Ticket, 18,00\s€ in bar$/ }).waitFor()
      await sale.getByRole('button', { name: 'Tickets drucken (PDF)' }).waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')

      const orderId = (await sale.getAttribute('data-door-sale'))!
      const code = ((await api(`/orders/${orderId}/tickets`, { token: staff.token })).body as Array<{ code: string }>)[0]!.code
      const verdict = page.locator('[data-verdict]')
      await page.getByLabel('Ticketcode').fill(code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="admitted"]').waitFor()
      expect(await verdict.locator('.verdict-headline').textContent()).toBe('EINLASS')
      expect(await verdict.locator('.verdict-advice').textContent()).toBe('Einlassen.')
      // A second read after the first one's moment: the same ticket again, refused in German.
      await Bun.sleep(1_600)
      await page.getByLabel('Ticketcode').fill(code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="used"]').waitFor()
      expect(await verdict.locator('.verdict-headline').textContent()).toBe('BEREITS BENUTZT')
      expect(await verdict.locator('.verdict-detail').textContent()).toContain('Zuerst gescannt am ')
      await page.getByRole('heading', { name: 'Letzte Scans' }).waitFor()
      await screenshot(page, 'door-de')
    })
  }, 60_000)
})
