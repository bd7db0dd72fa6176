// An admin gives back an amount of an order in a real browser: folded until asked for, checked before it
// is sent, confirmed before money moves; the order then says what went back, to the admin and to the
// buyer, and its tickets stay valid.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser } from '../support/api'
import { axe, buyThroughApi, canSell, closeBrowser, describeViolations, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('giving back an amount in the browser', () => {
  test('an admin refunds €12.50 of an order; the buyer sees it and no such form; the tickets stay valid', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 4500, capacity: 20 }])
    const buyer = await registerUser('goodwill-web')
    const order = await buyThroughApi(buyer, event, 2)
    const admin = await loginAdmin()
    await withTab({ session: admin }, async ({ page }) => {
      let refunds = 0
      page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/refund') && refunds++)
      await page.goto(`/orders/${order.id}`)
      await page.getByRole('button', { name: 'Refund an amount' }).click()
      const amount = page.getByLabel('Amount', { exact: true })
      await page.waitForFunction(() => document.activeElement?.id.endsWith('-amount'))
      await page.getByText('Up to €89.99; every ticket stays valid. To give back all of it, refund the order.').waitFor()

      // All the order cost (that is refunding it): said at the field, nothing sent.
      await amount.fill('90')
      await page.locator('form.give-back').getByRole('button', { name: 'Refund an amount' }).click()
      await page.getByText('Enter an amount from 0.01 to €89.99.').waitFor()
      expect(await amount.getAttribute('aria-invalid')).toBe('true')
      expect(refunds).toBe(0)

      await amount.fill('12,50')
      await page.getByLabel('Reason (the buyer is told)').fill('the show started an hour late')
      await page.locator('form.give-back').getByRole('button', { name: 'Refund an amount' }).click()
      const dialog = page.getByRole('dialog')
      await dialog.getByText("€12.50 goes back to the buyer's card; every ticket stays valid. This cannot be undone.").waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'order-give-back')
      await dialog.getByRole('button', { name: 'Refund' }).click()
      await page.getByText('€12.50 of it was refunded so far.').waitFor()
      expect(refunds).toBe(1)
      // The orders list says it on the order's row.
      await page.goto(`/admin/orders?eventId=${event.id}`)
      await page.locator(`tr[data-order="${order.id}"]`).getByText('€12.50 given back').waitFor()
    })
    const now = await api(`/orders/${order.id}`, { token: buyer.token })
    expect(now.body).toMatchObject({ status: 'paid', refundedCents: 1250 })
    const payment = (await api(`/payments/${(now.body as { paymentId: string }).paymentId}`, { token: buyer.token })).body as { refunds: Array<{ amountCents: number; reason?: string }> }
    expect(payment.refunds.map((r) => r.amountCents)).toEqual([1250])
    expect(((await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ status: string }>).map((t) => t.status)).toEqual(['valid', 'valid'])

    await withTab({ session: buyer }, async ({ page }) => {
      // In the buyer's list of orders too.
      await page.goto('/tickets')
      await page.locator(`article[data-order="${order.id}"]`).getByText('€12.50 of it was refunded so far.').waitFor()
      await page.goto(`/orders/${order.id}`)
      await page.getByText('€12.50 of it was refunded so far.').waitFor()
      expect(await page.getByRole('button', { name: 'Refund an amount' }).count()).toBe(0)
      // The buyer's own refund of the rest says the rest, not the total.
      await page.getByRole('button', { name: 'Refund this order' }).click()
      await page.getByRole('dialog').getByText(/^€77\.50 goes back to your card/).waitFor()
      await page.getByRole('dialog').getByRole('button', { name: 'Keep the order' }).click()
    })
  })
})
