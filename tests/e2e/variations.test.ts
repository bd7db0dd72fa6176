// Variations in a real browser: a product's ticket types (a T-shirt's sizes) are listed together under
// its name on the event page, each picked on its own at its own price and bought in one order; an admin
// names the product in the event editor, and clears it.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser } from '../support/api'
import { axe, canSell, closeBrowser, describeViolations, holdAndPay, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('variations in the browser', () => {
  test('a product’s types under its name, each picked at its own price; one order with all', async () => {
    const event = await seedEvent([
      { name: 'Day pass', priceCents: 6000, capacity: 20 },
      { name: 'T-shirt S', priceCents: 2000, capacity: 5, addOn: true, variationOf: 'T-shirt' },
      { name: 'Parking', priceCents: 800, capacity: 5, addOn: true },
      { name: 'T-shirt M', priceCents: 2200, capacity: 5, addOn: true, variationOf: 'T-shirt' },
    ])
    const buyer = await registerUser('variations-web')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByText('Live availability').waitFor()
      // Under Extras: the product where its first size stood, its sizes a level down by what sets them apart.
      const extras = page.locator('section.extras')
      expect(await extras.getByRole('heading').allTextContents()).toEqual(['Extras', 'T-shirt', 'S', 'M', 'Parking'])
      const sizes = extras.getByRole('list', { name: 'T-shirt' })
      expect(await sizes.getByRole('heading', { level: 5 }).allTextContents()).toEqual(['S', 'M'])
      expect(await sizes.locator('.offer-price').allTextContents()).toEqual(['€20.00', '€22.00'])

      const moreDays = page.getByRole('button', { name: 'One more Day pass' })
      await moreDays.click()
      await moreDays.click()
      await page.getByRole('button', { name: 'One more T-shirt M' }).click()
      await page.getByRole('button', { name: 'One more T-shirt S' }).click()
      expect(await page.getByLabel('Quantity of T-shirt M').inputValue()).toBe('1')
      expect(await page.locator('.buy-summary .total').textContent()).toBe('4 tickets€162.00')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'event-variations')

      const orderId = await holdAndPay(page, 'Buy tickets')
      const order = await api(`/orders/${orderId}`, { token: buyer.token })
      expect(order.body).toMatchObject({ status: 'paid', totalCents: 16_200 })
      expect(order.body.items.map((i: { name: string; quantity: number }) => [i.name, i.quantity])).toEqual([
        ['Day pass', 2],
        ['T-shirt S', 1],
        ['T-shirt M', 1],
      ])
    })
  })

  test('an admin names the product in the event editor, adds a size to it, and clears it', async () => {
    const event = await seedEvent([
      { name: 'Seat', priceCents: 3000, capacity: 10 },
      { name: 'T-shirt S', priceCents: 2000, capacity: 10, addOn: true },
    ])
    const admin = await loginAdmin()
    const shown = async () => ((await api(`/events/${event.id}`)).body.ticketTypes as Array<{ name: string; variationOf?: string }>).map((t) => [t.name, t.variationOf])
    await withTab({ session: admin }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const row = page.locator(`[data-ticket-type="${event.types[1]!.id}"]`)
      await row.getByLabel('Variation of (optional)').fill('T-shirt')
      await row.getByRole('button', { name: 'Save T-shirt S' }).click()
      await row.getByText('a variation of T-shirt').waitFor()

      // The new type's field offers the product already named.
      expect(await page.locator('#nt-variation-products option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['T-shirt'])
      await page.locator('#nt-name').fill('T-shirt M')
      await page.locator('#nt-price').fill('22.00')
      await page.locator('#nt-capacity').fill('10')
      await page.locator('#nt-addon').check()
      await page.locator('#nt-variation').fill('T-shirt')
      await page.getByRole('button', { name: 'Add ticket type' }).click()
      await page.getByRole('heading', { level: 3, name: 'T-shirt M' }).waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      expect(await shown()).toEqual([
        ['Seat', undefined],
        ['T-shirt S', 'T-shirt'],
        ['T-shirt M', 'T-shirt'],
      ])

      // Cleared: no longer a variation.
      await row.getByLabel('Variation of (optional)').fill('')
      await row.getByRole('button', { name: 'Save T-shirt S' }).click()
      await row.getByText('a variation of T-shirt').waitFor({ state: 'detached' })
    })
    expect(await shown()).toEqual([
      ['Seat', undefined],
      ['T-shirt S', undefined],
      ['T-shirt M', 'T-shirt'],
    ])
  })
})
