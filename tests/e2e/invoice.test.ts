// Invoices in a real browser: a buyer asks at checkout for the invoice in a company's name, gets it
// made out so, and finds the credit note of a ticket they give back on the order's page.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { pdfPages } from '../support/pdf'
import { restartedWith } from '../support/system'
import { canSell, CARDS, closeBrowser, payWith, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)
restartedWith(['orders'], { INVOICE_ISSUER_NAME: 'Browser Tickets Ltd', INVOICE_NUMBER_PREFIX: 'B-' })

const pdfOf = async (download: import('playwright-core').Download) => (await pdfPages(new Uint8Array(await Bun.file((await download.path())!).arrayBuffer())))[0]!

describe.skipIf(!canSell)('invoices', () => {
  test('invoice details at checkout: refused blank, then on the invoice; a ticket given back gets its credit note on the order page', async () => {
    const event = await seedEvent([{ name: 'Balcony', priceCents: 4000, capacity: 20 }])
    const buyer = await registerUser('invoice-web')
    const hold = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 2 }] } })
    expect(hold.status).toBe(201)
    const id = hold.body.id as string
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/checkout/${id}`)
      await page.getByLabel('I need an invoice made out to a name or a company').check()
      // Nothing is sent while the details are missing: no payment, no details.
      let requests = 0
      page.on('request', (r) => /\/(pay|billing)$/.test(r.url()) && requests++)
      await payWith(page, CARDS.approved)
      await page.getByText('Enter the name the invoice is made out to.').waitFor()
      await page.getByText('Enter the postal address.').waitFor()
      expect(requests).toBe(0)
      // The focus moves to the first field to mend (an effect after the errors are drawn: waited for).
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'billing-name', undefined, { timeout: 5_000 })
      await page.getByLabel('Name', { exact: true }).fill('Ada Lovelace')
      await page.getByLabel('Company (optional)').fill('Analytical Engines Ltd')
      await page.getByLabel('Postal address').fill('12 St James Square\nLondon SW1Y 4JH')
      await page.getByLabel('VAT or tax number (optional)').fill('GB123456789')
      await screenshot(page, 'checkout-invoice-details')
      await page.getByRole('button', { name: /^Pay / }).click()
      await page.waitForURL(/confirmed=1/)

      // The order page: the details it will be made out to, changeable until the invoice exists.
      await page.getByText('Invoice made out to Ada Lovelace, Analytical Engines Ltd, 12 St James Square, London SW1Y 4JH (tax number GB123456789).').waitFor()
      await page.getByRole('button', { name: 'Change the invoice details' }).waitFor()
      const [invoice] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the receipt (PDF)' }).click()])
      const number = /^easypass-invoice-(B-\d{6})\.pdf$/.exec(invoice.suggestedFilename())?.[1]
      expect(number).toBeDefined()
      const invoicePage = await pdfOf(invoice)
      for (const text of [`Invoice number ${number}`, 'Bill to Ada Lovelace, Analytical Engines Ltd', '12 St James Square, London SW1Y 4JH', 'Customer tax number GB123456789', 'Issued by Browser Tickets Ltd']) expect(invoicePage).toContain(text)
      // Issued: named on the button, and the details no longer change.
      await page.getByRole('button', { name: `Download invoice ${number} (PDF)` }).waitFor()
      await page.getByRole('button', { name: 'Change the invoice details' }).waitFor({ state: 'detached', timeout: 5_000 })

      // One ticket given back on this page: its credit note appears without a reload, and downloads.
      await page.getByRole('button', { name: 'Refund this ticket' }).first().click()
      await page.getByRole('dialog').getByRole('button', { name: 'Refund the ticket' }).click()
      const note = page.locator('[data-credit-note]')
      await note.getByText(/Credit note B-\d{6}: €40\.00 for 1 ticket/).waitFor()
      await screenshot(page, 'order-credit-note')
      const [credit] = await Promise.all([page.waitForEvent('download'), note.getByRole('button', { name: /^Download credit note B-\d{6} \(PDF\)$/ }).click()])
      expect(credit.suggestedFilename()).toMatch(/^easypass-credit-note-B-\d{6}\.pdf$/)
      const creditPage = await pdfOf(credit)
      expect(creditPage).toContain(`Cancels invoice ${number} in part`)
      expect(creditPage).toContain('Bill to Ada Lovelace, Analytical Engines Ltd')
    })
  }, 60_000)

  test('details added on the order page before the first download', async () => {
    const event = await seedEvent([{ name: 'Stalls', priceCents: 2500, capacity: 20 }])
    const buyer = await registerUser('invoice-later')
    const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 1 }], payment: { card: { number: CARDS.approved, expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' } } } })
    expect(order.body.status).toBe('paid')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/orders/${order.body.id}`)
      await page.getByRole('button', { name: 'Need the invoice in a name or a company? Add the details' }).click()
      await page.getByLabel('Name', { exact: true }).fill('Grace Hopper')
      await page.getByLabel('Postal address').fill('Arlington, Virginia')
      await page.getByRole('button', { name: 'Save the invoice details' }).click()
      await page.getByText('Invoice made out to Grace Hopper, Arlington, Virginia.').waitFor()
      const [invoice] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the receipt (PDF)' }).click()])
      expect(await pdfOf(invoice)).toContain('Bill to Grace Hopper')

      // The next order's checkout has them filled in; the account page forgets them.
      const next = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 1 }] } })
      await page.goto(`/checkout/${next.body.id}`)
      await page.getByLabel('I need an invoice made out to a name or a company').check()
      await page.waitForFunction(() => (document.querySelector('input[name="billing-name"]') as HTMLInputElement | null)?.value === 'Grace Hopper')
      expect(await page.getByLabel('Postal address').inputValue()).toBe('Arlington, Virginia')
      await page.goto('/account')
      await page.getByText('From your last order, to fill in the next: Grace Hopper, Arlington, Virginia.').waitFor()
      await page.getByRole('button', { name: 'Forget them' }).click()
      await page.locator('.toast', { hasText: 'Your invoice details are forgotten.' }).waitFor()
      expect((await api('/orders/billing-details', { token: buyer.token })).body).toEqual({ billing: null })
    })
  }, 60_000)
})
