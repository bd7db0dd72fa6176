// "My tickets" in a real browser: QR tickets, a refund with its confirmation, and the notifications
// that arrive live while the page is open.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser } from '../support/api'
import { pdfPages } from '../support/pdf'
import { system } from '../support/system'
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

  test('one ticket of an order refunded from "My tickets": it turns refunded, the others stay valid, its seat returns; the last one left is the order\'s refund', async () => {
    const event = await seedEvent([{ name: 'Circle', priceCents: 3000, capacity: 30 }])
    const buyer = await registerUser('refund-one')
    const order = await buyThroughApi(buyer, event, 3)
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      const card = page.locator(`[data-order="${order.id}"]`)
      await card.getByRole('img', { name: /^QR code of ticket / }).nth(2).waitFor()
      await card.getByRole('button', { name: 'Refund this ticket' }).first().click()
      const dialog = page.getByRole('dialog')
      await dialog.getByText('The other tickets of the order stay valid.', { exact: false }).waitFor()
      await dialog.getByRole('button', { name: 'Refund the ticket' }).click()
      await page.locator('.toast', { hasText: 'Ticket refunded' }).waitFor()
      await card.getByText('Refunded', { exact: true }).first().waitFor()
      const statuses = async () => ((await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ status: string }>).map((t) => t.status)
      expect(await statuses()).toEqual(['refunded', 'valid', 'valid'])
      expect((await api(`/orders/${order.id}`, { token: buyer.token })).body.status).toBe('paid')
      expect((await availabilityOf(event.id)).ticketTypes[0]).toMatchObject({ sold: 2, available: 28 })
      // Two tickets still standing: each can go; the order's own refund says the rest of the money goes back.
      expect(await card.getByRole('button', { name: 'Refund this ticket' }).count()).toBe(2)
      // The order says what went back so far, and its own refund the exact rest.
      await card.getByText('€30.00 of it was refunded so far.').waitFor()
      await card.getByRole('button', { name: 'Refund this order' }).click()
      await dialog.getByText('€60.00 goes back to your card and your 2 tickets stop working.', { exact: false }).waitFor()
      await dialog.getByRole('button', { name: 'Refund', exact: true }).click()
      await card.getByText('Refunded', { exact: true }).nth(3).waitFor() // the order and its three tickets
      expect(await statuses()).toEqual(['refunded', 'refunded', 'refunded'])
      expect((await api(`/orders/${order.id}`, { token: buyer.token })).body.status).toBe('refunded')
      expect((await availabilityOf(event.id)).ticketTypes[0]).toMatchObject({ sold: 0, available: 30 })
      await screenshot(page, 'my-tickets-refunded-one')
    })
  }, 120_000)

  test('the buyer names a ticket on "My tickets" (where the order also goes into the calendar and its tickets by email again), and the door sees the name', async () => {
    const event = await seedEvent([{ name: 'Circle', priceCents: 3000, capacity: 10 }])
    const buyer = await registerUser('names')
    const order = await buyThroughApi(buyer, event, 2)
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      const card = page.locator(`[data-order="${order.id}"]`)
      await card.getByRole('button', { name: 'Add the name of who uses it' }).first().click()
      await card.getByLabel('Name on this ticket').fill('Grace Hopper')
      await card.getByRole('button', { name: 'Save' }).click()
      await card.getByText('Grace Hopper').waitFor()
      await page.locator('.toast', { hasText: 'Ticket named for Grace Hopper.' }).waitFor()
      // The other ticket still offers to be named; the named one offers a change.
      await card.getByRole('button', { name: 'Change name' }).waitFor()
      expect(await card.getByRole('button', { name: 'Add the name of who uses it' }).count()).toBe(1)
      // A paid order's event goes into the calendar from here too.
      const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Add to calendar' }).click()])
      expect(await Bun.file((await download.path())!).text()).toContain(`SUMMARY:${event.title}`)
      // And the confirmation with its tickets can be emailed again.
      await card.getByRole('button', { name: 'Email these tickets again' }).click()
      await page.locator('.toast', { hasText: `The tickets are on their way to ${buyer.user.email}.` }).waitFor()
    })
    const tickets = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ code: string; attendeeName?: string }>
    const named = tickets.find((t) => t.attendeeName === 'Grace Hopper')!
    await withTab({ session: await loginAdmin() }, async ({ page }) => {
      await page.goto('/admin/checkin')
      await page.getByLabel('Ticket code').fill(named.code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="admitted"]').waitFor()
      expect(await page.locator('.verdict-detail').textContent()).toContain(`Grace Hopper · Circle · ${event.title}`)
    })
  }, 60_000)

  test("the organiser's information for ticket holders shows on a paid order, set in the event's editor", async () => {
    const event = await seedEvent([{ name: 'Hall', priceCents: 1200, capacity: 10 }])
    await withTab({ session: await loginAdmin() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      await page.getByLabel('Information for ticket holders (optional)').fill('Doors open at 19:00.\nBring a photo ID.')
      await page.getByRole('button', { name: 'Save changes' }).click()
      await page.locator('.toast', { hasText: 'Changes saved.' }).waitFor()
    })
    expect((await api(`/events/${event.id}`)).body.ticketInfo).toBe('Doors open at 19:00.\nBring a photo ID.')
    const buyer = await registerUser('info-reader')
    const order = await buyThroughApi(buyer, event, 1)
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/orders/${order.id}`)
      const info = page.locator('.ticket-info')
      await info.getByText('From the organiser').waitFor()
      expect(await info.innerText()).toContain('Doors open at 19:00.\nBring a photo ID.')
    })
  }, 60_000)

  test('an order refunded elsewhere (by an admin) shows refunded on the open page, also when the buyer asks for a refund too', async () => {
    const event = await seedEvent([{ name: 'Circle', priceCents: 1800, capacity: 10 }])
    const buyer = await registerUser('refunded-elsewhere')
    const order = await buyThroughApi(buyer, event, 1)
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      const card = page.locator(`[data-order="${order.id}"]`)
      const refundButton = card.getByRole('button', { name: 'Refund this order' })
      await refundButton.waitFor()
      const admin = await loginAdmin()
      const r = await api(`/orders/${order.id}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { reason: 'double booking' } })
      expect(r.body.status).toBe('refunded')
      // The buyer, who has not reloaded, asks too (if the button is still there): the answer is 409, and the card says what happened.
      // The live notification may redraw the card at any moment: a button gone before the click is no failure.
      if (await refundButton.isVisible()) {
        const clicked = await refundButton.click({ timeout: 3_000 }).then(
          () => true,
          () => false,
        )
        if (clicked) await page.getByRole('dialog').getByRole('button', { name: 'Refund' }).click({ timeout: 5_000 }).catch(() => {})
      }
      await page.waitForFunction((id) => document.querySelector(`[data-order="${id}"]`)?.getAttribute('data-status') === 'refunded', order.id, { timeout: 15_000 })
      expect(await refundButton.count()).toBe(0)
    })
  }, 60_000)

  test('an order with a ticket already used at the door offers no refund (the server would refuse it)', async () => {
    const event = await seedEvent([{ name: 'Early doors', priceCents: 1200, capacity: 10 }])
    const buyer = await registerUser('used-at-door')
    const [used, unused] = [await buyThroughApi(buyer, event, 2), await buyThroughApi(buyer, event, 1)]
    const tickets = (await api(`/orders/${used.id}/tickets`, { token: buyer.token })).body
    const admin = await loginAdmin()
    const scan = await api('/checkins', { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { code: tickets[0].code } })
    expect(scan.status).toBe(200)
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      const card = page.locator(`[data-order="${used.id}"]`)
      await card.getByText('Checked in', { exact: true }).waitFor()
      await page.locator(`[data-order="${unused.id}"]`).getByRole('button', { name: 'Refund this order' }).waitFor()
      expect(await card.getByRole('button', { name: 'Refund this order' }).count()).toBe(0)
    })
    // The server agrees: the buyer cannot refund it.
    const refused = await api(`/orders/${used.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(refused.status).toBe(403)
  }, 60_000)

  test('on a phone the Menu button carries the unread count and the event page leads to its tickets; printed, the tickets page is the tickets alone; a page past the end says so', async () => {
    const event = await seedEvent([{ name: 'Balcony', priceCents: 1500, capacity: 10 }])
    const buyer = await registerUser('phone-print')
    const order = await buyThroughApi(buyer, event, 1)
    await withTab({ session: buyer, mobile: true }, async ({ page }) => {
      await page.goto('/tickets')
      // The confirmation is unread: the folded nav's count shows on its button.
      await page.getByRole('button', { name: /^Menu \d+ new notifications$/ }).waitFor()
      const qr = page.locator(`[data-order="${order.id}"]`).getByRole('img', { name: /^QR code of ticket / })
      await qr.waitFor()
      await page.emulateMedia({ media: 'print' })
      expect(await page.locator('.site-header').isVisible()).toBe(false)
      expect(await page.getByRole('button', { name: 'Print or save the tickets as PDF' }).isVisible()).toBe(false)
      expect(await qr.isVisible()).toBe(true)
      await page.emulateMedia({ media: 'screen' })
      // The event page on a phone leads straight to its tickets, below the description.
      await page.goto(`/events/${event.id}`)
      await page.getByRole('link', { name: 'Get tickets · from €15.00' }).click()
      await page.waitForURL(/#tickets-title$/)
      expect(await page.getByRole('button', { name: 'One more Balcony' }).isVisible()).toBe(true)
      await page.goto('/?page=9999')
      await page.getByText('This page is past the end of the list.').waitFor()
      await page.getByRole('link', { name: 'Go to the first page' }).click()
      await page.waitForURL((url) => url.searchParams.get('page') === '1')
    })
  }, 60_000)

  test('a notification made before the stream was open still shows without a reload', async () => {
    const event = await seedEvent([{ name: 'Balcony', priceCents: 1500, capacity: 10 }])
    const buyer = await registerUser('late-stream')
    await withTab({ session: buyer }, async ({ page }) => {
      // The stream connects only once the notification exists: the first list load came before it.
      let connect!: () => void
      const notified = new Promise<void>((resolve) => (connect = resolve))
      await page.route('**/api/notifications/stream', async (route) => {
        await notified
        await route.continue()
      })
      const listed = page.waitForResponse((r) => r.url().includes('/api/notifications?'))
      await page.goto('/notifications')
      await listed
      const order = await buyThroughApi(buyer, event, 1)
      const deadline = Date.now() + 30_000
      while (!(await api('/notifications', { token: buyer.token })).body.items.some((n: { data: { orderId?: string } }) => n.data.orderId === order.id)) {
        if (Date.now() > deadline) throw new Error('the notification was not made')
        await Bun.sleep(100)
      }
      const streaming = page.waitForResponse((r) => r.url().endsWith('/api/notifications/stream'))
      connect()
      await streaming
      // Made before the stream was open, so the stream never sends it: the list is read again.
      await page.getByRole('heading', { level: 2, name: `Your tickets for ${event.title}` }).waitFor({ timeout: 15_000 })
    })
  }, 90_000)

  test('a hold about to run out: the notification says so and "Pay now" opens its checkout', async () => {
    const event = await seedEvent([{ name: 'Gallery', priceCents: 2000, capacity: 10 }])
    const buyer = await registerUser('reminded')
    try {
      // Short holds with an early reminder, for this test only.
      await system().stop('orders')
      await system().start('orders', { HOLD_TTL_SECONDS: '30', HOLD_REMINDER_SECONDS: '15' })
      await withTab({ session: buyer }, async ({ page }) => {
        const held = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 2 }] } })
        expect(held.body.status).toBe('reserved')
        await page.goto('/notifications')
        const heading = page.getByRole('heading', { level: 2, name: `Your hold for ${event.title} ends soon` })
        await heading.waitFor({ timeout: 30_000 })
        const item = page.locator('li', { has: heading })
        expect(await item.textContent()).toContain('€40.00')
        await item.getByRole('link', { name: 'Pay now' }).click()
        await page.waitForURL(`**/checkout/${held.body.id}`)
        await page.getByRole('button', { name: /^Pay / }).waitFor()
        await screenshot(page, 'hold-reminder-checkout')
      })
    } finally {
      await system().stop('orders')
      await system().start('orders')
    }
  }, 90_000)

  test('the order page downloads the tickets as a PDF: a page per ticket, with its code', async () => {
    const event = await seedEvent([{ name: 'Gallery', priceCents: 1200, capacity: 10 }])
    const buyer = await registerUser('pdf-web')
    const order = await buyThroughApi(buyer, event, 2)
    const codes = ((await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>).map((t) => t.code)
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/orders/${order.id}`)
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the tickets (PDF)' }).click()])
      expect(download.suggestedFilename()).toBe(`easypass-tickets-${order.id}.pdf`)
      const bytes = new Uint8Array(await Bun.file((await download.path())!).arrayBuffer())
      const pages = await pdfPages(bytes)
      expect(pages).toHaveLength(2)
      for (const [i, code] of codes.entries()) {
        expect(pages[i]).toContain(event.title)
        expect(pages[i]).toContain(code)
      }
      // The receipt too: what was paid, for whom and how.
      const [receipt] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the receipt (PDF)' }).click()])
      expect(receipt.suggestedFilename()).toBe(`easypass-receipt-${order.id}.pdf`)
      const [receiptPage] = await pdfPages(new Uint8Array(await Bun.file((await receipt.path())!).arrayBuffer()))
      expect(receiptPage).toContain(`Receipt number ${order.id}`)
      expect(receiptPage).toContain(event.title)
      // The button is not on the printed page (the page itself is the other way to print).
      await page.emulateMedia({ media: 'print' })
      expect(await page.getByRole('button', { name: 'Download the tickets (PDF)' }).isVisible()).toBe(false)
    })
  }, 60_000)
})
