// Vouchers in a real browser: the buyer applies an event's discount code on its page, sees the
// estimate, and pays the total the server decided; an unknown code is refused at the field; an
// applied code comes along through a sign-in and a change of tickets.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser } from '../support/api'
import { axe, canSell, CARDS, closeBrowser, describeViolations, payWith, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

/** A published event with one ticket type at €45.00 and the voucher EARLYBIRD (20% off, 5 uses), made by the admin. */
async function eventWithVoucher() {
  const event = await seedEvent([{ name: 'Standing', priceCents: 4500, capacity: 20 }])
  const admin = await loginAdmin()
  const created = await api(`/events/${event.id}/vouchers`, { token: admin.token, body: { code: 'EARLYBIRD', percentOff: 20, maxUses: 5 } })
  expect(created.status).toBe(201)
  return event
}

describe.skipIf(!canSell)('vouchers in the browser', () => {
  test('an unknown code is refused at the field; EARLYBIRD typed in lower case takes 20% off two €45.00 tickets, and the order is paid at €72.00', async () => {
    const event = await eventWithVoucher()
    const buyer = await registerUser('voucher')
    await withTab({ session: buyer }, async ({ page }) => {
      let purchases = 0
      page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/orders') && purchases++)
      await page.goto(`/events/${event.id}`)
      await page.getByText('Live availability').waitFor()
      const more = page.getByRole('button', { name: 'One more Standing' })
      await more.click()
      await more.click()
      await page.getByText('€90.00').waitFor()

      await page.getByRole('button', { name: 'Have a voucher code?' }).click()
      const code = page.getByLabel('Voucher code', { exact: true })
      await page.waitForFunction(() => document.activeElement?.id === 'voucher-code')
      await code.fill('NOPE123')
      await page.getByRole('button', { name: 'Apply' }).click()
      const refusal = page.getByRole('alert').filter({ hasText: 'voucher' })
      await refusal.waitFor()
      expect(await refusal.textContent()).toBe('There is no voucher NOPE123 for this event.')
      expect(await code.getAttribute('aria-invalid')).toBe('true')
      expect(await page.getByRole('button', { name: /^Remove voucher/ }).count()).toBe(0)
      expect(await page.locator('.buy-summary .total').textContent()).toBe('2 tickets€90.00')

      // Enter in the field applies the code (it does not buy); the server's answer names it in capitals.
      await code.fill('earlybird')
      await refusal.waitFor({ state: 'detached' })
      await code.press('Enter')
      await page.getByText('EARLYBIRD: 20% off').waitFor()
      expect(await code.inputValue()).toBe('EARLYBIRD')
      expect(purchases).toBe(0)
      await page.getByText('€36.00 with EARLYBIRD').waitFor()
      expect(await page.locator('.buy-summary .subtotal').allTextContents()).toEqual(['2 tickets€90.00', 'Voucher EARLYBIRD−€18.00'])
      expect(await page.locator('.buy-summary .total').textContent()).toBe('Estimated total€72.00')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'event-voucher')

      // Another code is not the applied one: the estimate goes until it is applied again.
      await code.fill('EARLYBIRD2')
      await page.getByText('EARLYBIRD: 20% off').waitFor({ state: 'detached' })
      expect(await page.locator('.buy-summary .total').textContent()).toBe('2 tickets€90.00')
      // …and a typed code that was not applied stops the purchase, rather than buying at the full price.
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await refusal.filter({ hasText: 'Apply the voucher code first' }).waitFor()
      expect(purchases).toBe(0)
      await code.fill('earlybird')
      await page.getByRole('button', { name: 'Apply' }).click()
      await page.getByText('Estimated total').waitFor()

      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
      const orderId = page.url().split('/').pop()!
      // Checkout: the order's own total, with the voucher's line above it.
      await page.getByRole('rowheader', { name: 'Voucher EARLYBIRD' }).waitFor()
      await page.getByRole('cell', { name: '−€18.00' }).waitFor()
      await page.getByRole('button', { name: 'Pay €72.00' }).waitFor()
      await payWith(page, CARDS.approved)

      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      await page.getByRole('heading', { level: 1, name: 'Payment confirmed' }).waitFor()
      const card = page.locator(`[data-order="${orderId}"]`)
      await card.getByText('Voucher EARLYBIRD −€18.00').waitFor()
      await card.getByText('€72.00', { exact: true }).waitFor()
      await screenshot(page, 'order-voucher')

      const order = await api(`/orders/${orderId}`, { token: buyer.token })
      expect(order.body).toMatchObject({ status: 'paid', totalCents: 7200, voucher: { code: 'EARLYBIRD', discountCents: 1800 } })
      expect(order.body.items).toEqual([expect.objectContaining({ quantity: 2, unitPriceCents: 4500 })])
      const payment = await api(`/payments/${order.body.paymentId}`, { token: buyer.token })
      expect(payment.body).toMatchObject({ status: 'succeeded', amountCents: 7200 })
    })
  }, 120_000)

  test('an applied code comes along through "Sign in or buy as a guest" and through "Change tickets" at checkout', async () => {
    const event = await eventWithVoucher()
    const buyer = await registerUser('voucher-guest')
    await withTab({}, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'One more Standing' }).click()
      await page.getByRole('button', { name: 'Have a voucher code?' }).click()
      await page.getByLabel('Voucher code', { exact: true }).fill('earlybird')
      await page.getByRole('button', { name: 'Apply' }).click()
      await page.getByText('EARLYBIRD: 20% off').waitFor()
      await page.getByRole('button', { name: 'Sign in or buy as a guest' }).click()

      await page.waitForURL(/\/signin\?next=/)
      await page.getByLabel('Email').fill(buyer.user.email)
      await page.getByLabel('Password').fill('correct horse 1')
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()

      // Back with the pick and the code, checked again.
      await page.waitForURL(`**/events/${event.id}`)
      await page.getByText('Signed in as').waitFor()
      await page.getByText('EARLYBIRD: 20% off').waitFor()
      expect(await page.getByLabel('Quantity of Standing').inputValue()).toBe('1')
      expect(await page.locator('.buy-summary .total').textContent()).toBe('Estimated total€36.00')
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
      const first = page.url().split('/').pop()!
      await page.getByRole('button', { name: 'Pay €36.00' }).waitFor()

      // Changing the tickets releases the hold and keeps the code with the pick.
      await page.getByRole('button', { name: 'Change tickets' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Release and change' }).click()
      await page.waitForURL(new RegExp(`/events/${event.id}$`))
      await page.getByText('EARLYBIRD: 20% off').waitFor()
      await page.getByRole('button', { name: 'One more Standing' }).click()
      await page.locator('.buy-summary .total', { hasText: '€72.00' }).waitFor()
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL((url) => /\/checkout\/[0-9a-f]{24}$/.test(url.pathname) && !url.pathname.endsWith(first))
      await page.getByRole('button', { name: 'Pay €72.00' }).waitFor()
      const second = page.url().split('/').pop()!
      expect((await api(`/orders/${first}`, { token: buyer.token })).body.status).toBe('cancelled')
      expect((await api(`/orders/${second}`, { token: buyer.token })).body).toMatchObject({ totalCents: 7200, voucher: { code: 'EARLYBIRD', discountCents: 1800 } })
    })
  }, 120_000)

  test('a voucher that takes everything off: checkout asks for no card, and the tickets are the buyer\'s', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 4500, capacity: 20 }])
    const admin = await loginAdmin()
    expect((await api(`/events/${event.id}/vouchers`, { token: admin.token, body: { code: 'GUESTLIST', percentOff: 100, maxUses: 5 } })).status).toBe(201)
    const buyer = await registerUser('guestlist')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'One more Standing' }).click()
      await page.getByRole('button', { name: 'Have a voucher code?' }).click()
      await page.getByLabel('Voucher code', { exact: true }).fill('guestlist')
      await page.getByRole('button', { name: 'Apply' }).click()
      await page.locator('.buy-summary .total', { hasText: '€0.00' }).waitFor()
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
      const orderId = page.url().split('/').pop()!
      await page.getByText('These tickets cost nothing: no card is needed.').waitFor()
      expect(await page.getByLabel('Card number').count()).toBe(0)
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await page.getByRole('button', { name: 'Get the tickets' }).click()
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      await page.getByRole('heading', { level: 1, name: 'Order confirmed' }).waitFor()
      const order = await api(`/orders/${orderId}`, { token: buyer.token })
      expect(order.body).toMatchObject({ status: 'paid', totalCents: 0, voucher: { code: 'GUESTLIST', discountCents: 4500 } })
      expect((await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body).toHaveLength(1)
    })
  }, 120_000)
})
