// Extras in a real browser: the event page lists them under their own heading, lets a buyer pick them
// only with tickets (one per ticket), lowers them when tickets are taken off, and the order is paid at
// the server's total; an admin makes a ticket type an extra in the event editor.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser } from '../support/api'
import { axe, canSell, CARDS, closeBrowser, describeViolations, holdAndPay, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('extras in the browser', () => {
  test('picked only with tickets, one per ticket, lowered with them; paid at the server’s total', async () => {
    const event = await seedEvent([
      { name: 'Day pass', priceCents: 6000, capacity: 20 },
      { name: 'Parking', priceCents: 800, capacity: 5, addOn: true },
    ])
    const buyer = await registerUser('extras-web')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByText('Live availability').waitFor()
      await page.getByRole('heading', { level: 3, name: 'Extras' }).waitFor()
      // The price from (a link shown on phones) is the day pass's, not the parking space's.
      expect(await page.locator('.jump-to-tickets a').textContent()).toBe('Get tickets · from €60.00')
      const moreParking = page.getByRole('button', { name: 'One more Parking' })
      expect(await moreParking.getAttribute('aria-disabled')).toBe('true')
      await page.getByText('Pick a ticket first.').waitFor()
      // Pressed all the same (Playwright waits for an aria-disabled button unless forced): nothing.
      await moreParking.click({ force: true })
      expect(await page.getByLabel('Quantity of Parking').inputValue()).toBe('0')

      const moreDays = page.getByRole('button', { name: 'One more Day pass' })
      await moreDays.click()
      await moreDays.click()
      await page.getByText('Pick a ticket first.').waitFor({ state: 'detached' })
      await moreParking.click()
      await moreParking.click()
      expect(await moreParking.getAttribute('aria-disabled')).toBe('true')
      await moreParking.click({ force: true })
      expect(await page.getByLabel('Quantity of Parking').inputValue()).toBe('2')
      expect(await page.locator('.buy-summary .total').textContent()).toBe('4 tickets€136.00')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'event-extras')

      // One day pass fewer: one parking space fewer, and the buyer is told.
      await page.getByRole('button', { name: 'One fewer Day pass' }).click()
      await page.getByText('Parking: at most 1 now, one per ticket picked.').waitFor()
      expect(await page.getByLabel('Quantity of Parking').inputValue()).toBe('1')
      expect(await page.locator('.buy-summary .total').textContent()).toBe('2 tickets€68.00')

      const orderId = await holdAndPay(page, 'Buy tickets')
      const order = await api(`/orders/${orderId}`, { token: buyer.token })
      expect(order.body).toMatchObject({ status: 'paid', totalCents: 6800 })
      expect(order.body.items.map((i: { name: string; quantity: number; addOn?: true }) => [i.name, i.quantity, !!i.addOn])).toEqual([
        ['Day pass', 1, false],
        ['Parking', 1, true],
      ])
    })
  })

  test('added later to a paid order: up to one per ticket counting those held, held and paid as an order of its own', async () => {
    const event = await seedEvent([
      { name: 'Day pass', priceCents: 6000, capacity: 20 },
      { name: 'Parking', priceCents: 800, capacity: 5, addOn: true },
    ])
    const buyer = await registerUser('extras-later-web')
    const card = { number: CARDS.approved, expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }
    const paid = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 2 }, { ticketTypeId: event.types[1]!.id, quantity: 1 }], payment: { card } } })
    expect(paid.body.status).toBe('paid')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/orders/${paid.body.id}`)
      await page.getByRole('heading', { name: 'Add extras' }).waitFor()
      await page.getByText('at most one of each per ticket of this order (2 tickets)').waitFor()
      // Two day passes and one parking space already: one more at most.
      await page.getByText('up to 1 more').waitFor()
      const more = page.getByRole('button', { name: 'One “Parking” more' })
      await more.click()
      expect(await more.getAttribute('aria-disabled')).toBe('true')
      await more.click({ force: true })
      expect(await page.getByRole('spinbutton', { name: 'Parking' }).inputValue()).toBe('1')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'order-add-extras')
      const extraId = await holdAndPay(page, 'Add to my order and pay')
      await page.getByText('Extras for your order.').waitFor()
      // The extras' order offers no more extras; the first one has as many as tickets now.
      expect(await page.getByRole('heading', { name: 'Add extras' }).count()).toBe(0)
      await page.getByRole('link', { name: 'your order' }).click()
      await page.waitForURL(`**/orders/${paid.body.id}`)
      await page.getByText('you have as many as your tickets').waitFor()
      // The first order lists what was added to it, with a link there.
      const added = page.getByRole('region', { name: 'Extras added to this order' })
      await added.getByRole('link', { name: '1 × Parking' }).waitFor()
      expect(await added.locator(`[data-order="${extraId}"]`).textContent()).toContain('€8.00')
    })
    const extra = (await api(`/orders?eventId=${event.id}`, { token: buyer.token })).body.items.find((o: { addOnTo?: string }) => o.addOnTo === paid.body.id)
    expect(extra).toMatchObject({ status: 'paid', totalCents: 800, items: [expect.objectContaining({ name: 'Parking', quantity: 1, addOn: true })] })
  })

  test('the door tells an extra from admission: EXTRA · CHECKED, not ADMITTED', async () => {
    const event = await seedEvent([
      { name: 'Day pass', priceCents: 6000, capacity: 20 },
      { name: 'Parking', priceCents: 800, capacity: 5, addOn: true },
    ])
    const buyer = await registerUser('extras-door')
    const paid = await api('/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': crypto.randomUUID() },
      body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 1 }, { ticketTypeId: event.types[1]!.id, quantity: 1 }], payment: { card: { number: CARDS.approved, expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' } } },
    })
    expect(paid.status).toBe(201)
    const [day, parking] = (await api(`/orders/${paid.body.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>
    await withTab({ session: await loginAdmin() }, async ({ page }) => {
      await page.goto('/admin/checkin')
      await page.waitForFunction(() => document.activeElement?.id === 'checkin-code', undefined, { timeout: 5_000 })
      await page.keyboard.type(parking!.code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="admitted"]').waitFor()
      expect(await page.locator('.verdict-headline').textContent()).toBe('EXTRA · CHECKED')
      expect(await page.locator('.verdict-advice').textContent()).toContain('not admission')
      expect(await page.locator('.verdict-detail').textContent()).toContain('Extra: Parking')
      await page.keyboard.type(day!.code)
      await page.keyboard.press('Enter')
      await page.locator('.verdict-headline', { hasText: /^ADMITTED$/ }).waitFor()
    })
  })

  test('an admin makes a ticket type an extra, and adds one, in the event editor', async () => {
    const event = await seedEvent([{ name: 'Seat', priceCents: 3000, capacity: 10 }, { name: 'Programme', priceCents: 500, capacity: 10 }])
    const admin = await loginAdmin()
    await withTab({ session: admin }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const row = page.locator(`[data-ticket-type="${event.types[1]!.id}"]`)
      await row.getByLabel('An extra, sold only with tickets').check()
      await row.getByRole('button', { name: 'Save Programme' }).click()
      await row.getByText('an extra, sold with tickets').waitFor()

      await page.locator('#nt-name').fill('T-shirt')
      await page.locator('#nt-price').fill('20.00')
      await page.locator('#nt-capacity').fill('30')
      await page.locator('#nt-addon').check()
      await page.getByRole('button', { name: 'Add ticket type' }).click()
      await page.getByRole('heading', { level: 3, name: 'T-shirt' }).waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
    })
    const types = (await api(`/events/${event.id}`)).body.ticketTypes as Array<{ name: string; addOn?: true }>
    expect(types.map((t) => [t.name, !!t.addOn])).toEqual([
      ['Seat', false],
      ['Programme', true],
      ['T-shirt', true],
    ])
  })
})
