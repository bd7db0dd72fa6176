// A buyer in a real browser, through the gateway: browsing as a guest, signing up, holding and paying
// for tickets, a declined card, the QR tickets.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { availabilityOf, buyThroughApi, canSell, CARDS, closeBrowser, withTab, screenshot, seedEvent, payWith } from './browser'

afterAll(closeBrowser)

/** Picks one ticket of `typeName` on the event page and buys: the checkout's order id. */
async function holdOneAt(page: import('playwright-core').Page, eventId: string, typeName: string): Promise<string> {
  await page.goto(`/events/${eventId}`)
  await page.getByRole('button', { name: `One more ${typeName}` }).click()
  await page.getByRole('button', { name: 'Buy tickets' }).click()
  await page.waitForURL(/\/checkout\//)
  return page.url().split('/').pop()!
}

/**
 * The first payment request is answered by `first` instead of the server; the later ones go through.
 * Returns the Idempotency-Key of every payment request, in order.
 */
async function firstPayAnswered(page: import('playwright-core').Page, first: (route: import('playwright-core').Route) => Promise<void>): Promise<string[]> {
  const keys: string[] = []
  await page.route('**/api/orders/*/pay', async (route) => {
    keys.push(route.request().headers()['idempotency-key'] ?? '')
    if (keys.length === 1) await first(route)
    else await route.continue()
  })
  return keys
}

describe('browsing', () => {
  test('Back from an event returns to the same place in the list, drawn at once; Forward to the event at its top', async () => {
    const tag = `Scrollback${Math.random().toString(36).slice(2, 7)}`
    await Promise.all(Array.from({ length: 12 }, (_, i) => seedEvent([], { title: `${tag} night ${i + 1}` })))
    await withTab({}, async ({ page }) => {
      await page.goto(`/?q=${tag}`)
      const cards = page.locator('.event-grid li')
      await cards.nth(11).waitFor()
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      const left = await page.evaluate(() => window.scrollY)
      expect(left).toBeGreaterThan(200)
      await cards.nth(11).getByRole('link').click()
      await page.waitForURL(/\/events\/[0-9a-f]{24}$/)
      await page.getByRole('heading', { level: 1 }).waitFor()
      expect(await page.evaluate(() => window.scrollY)).toBe(0)
      await page.goBack()
      await page.waitForURL((url) => url.searchParams.get('q') === tag)
      await page.waitForFunction((y) => Math.abs(window.scrollY - y) <= 2, left, { timeout: 5_000 })
      // Forward again: the event page at its own place (its top), not at the list's.
      await page.goForward()
      await page.waitForURL(/\/events\/[0-9a-f]{24}$/)
      await page.getByRole('heading', { level: 1 }).waitFor()
      await page.waitForFunction(() => window.scrollY === 0, undefined, { timeout: 5_000 })
    })
  }, 60_000)
})

describe.skipIf(!canSell)('buying tickets in the browser', () => {
  test('tickets priced in two currencies cannot be bought in one order: the page says so before the server does', async () => {
    const event = await seedEvent([
      { name: 'Standing', priceCents: 4500, capacity: 10 },
      { name: 'Balcony', priceCents: 500_000, capacity: 10, currency: 'JPY' } as { name: string; priceCents: number; capacity: number },
    ])
    await withTab({ session: await registerUser('currencies') }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'One more Standing' }).click()
      await page.getByRole('button', { name: 'One more Balcony' }).click()
      await page.getByText('Prices in different currencies').waitFor()
      await page.getByText(/priced in EUR and JPY/).waitFor()
      expect(await page.getByRole('button', { name: 'Buy tickets' }).isDisabled()).toBe(true)
      await page.getByRole('button', { name: 'One fewer Standing' }).click()
      await page.getByText('Prices in different currencies').waitFor({ state: 'detached' })
      expect(await page.getByRole('button', { name: 'Buy tickets' }).isEnabled()).toBe(true)
    })
  }, 60_000)

  test('a guest browses, signs up, buys two tickets with 4242… and sees the QR tickets', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 4500, capacity: 50, maxPerOrder: 4 }])
    const taken = await registerUser('taken')
    await withTab({}, async ({ page }) => {
      // Home, as a guest: the search finds the event.
      await page.goto('/')
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Find your next event')
      await page.getByLabel('Search').fill(event.title)
      await page.getByRole('button', { name: 'Search' }).click()
      await page.waitForURL(/\?q=/)
      const card = page.getByRole('link', { name: event.title })
      await card.waitFor()
      await page.getByText('From €45.00').first().waitFor()
      await screenshot(page, 'home-search')
      await card.click()

      // Event page: live availability, quantity bounded by maxPerOrder.
      await page.waitForURL(`**/events/${event.id}`)
      await page.getByRole('heading', { level: 1, name: event.title }).waitFor()
      await page.getByText('50 left').waitFor()
      await page.getByText('Live availability').waitFor()
      const more = page.getByRole('button', { name: 'One more Standing' })
      for (let i = 0; i < 5; i++) if (await more.isEnabled()) await more.click()
      expect(await page.getByLabel('Quantity of Standing').inputValue()).toBe('4')
      expect(await more.getAttribute('aria-disabled')).toBe('true')
      // It keeps the keyboard's focus at the limit.
      expect(await more.evaluate((el) => el === document.activeElement)).toBe(true)
      await page.getByRole('button', { name: 'One fewer Standing' }).click()
      await page.getByRole('button', { name: 'One fewer Standing' }).click()
      expect(await page.getByLabel('Quantity of Standing').inputValue()).toBe('2')
      await page.getByText('€90.00').waitFor()
      await page.getByRole('button', { name: 'Sign in or buy as a guest' }).click()

      // Sign up, with the API's refusal of a taken email shown at the field.
      await page.waitForURL(/\/signin\?next=/)
      await page.getByRole('link', { name: 'Create an account' }).click()
      await page.waitForURL(/\/signup\?next=/)
      await page.getByLabel('Name').fill('Erika Buyer')
      await page.getByLabel('Email').fill(taken.user.email)
      // Too long for the API (the form leaves the maximum to it): its field error shows at the field.
      await page.getByLabel('Password').fill('p'.repeat(201))
      await page.getByRole('button', { name: 'Create account' }).click()
      await page.locator('#f-password-error').waitFor()
      expect(await page.locator('#f-password-error').textContent()).toContain('Use at most 200 characters.')
      await page.getByLabel('Password').fill('correct horse 1')
      await page.getByRole('button', { name: 'Create account' }).click()
      const emailError = page.locator('#f-email-error')
      await emailError.waitFor()
      expect(await emailError.textContent()).toMatch(/already/i)
      expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')
      await screenshot(page, 'signup-error')
      const email = `erika-${Date.now().toString(36)}@example.test`
      await page.getByLabel('Email').fill(email)
      await page.getByRole('button', { name: 'Create account' }).click()

      // Back on the event page with the selection kept; the hold is made.
      await page.waitForURL(`**/events/${event.id}`)
      await page.getByText(`Signed in as`).waitFor()
      expect(await page.getByLabel('Quantity of Standing').inputValue()).toBe('2')
      await page.getByRole('button', { name: 'Buy tickets' }).click()

      // Checkout: a countdown to the hold's expiry, then the card.
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
      const orderId = page.url().split('/').pop()!
      const timer = page.getByRole('timer')
      await timer.waitFor()
      expect(await timer.textContent()).toMatch(/^\d{1,2}:\d{2}$/)
      expect((await availabilityOf(event.id)).ticketTypes[0]).toMatchObject({ held: 2, available: 48 })
      await page.getByText('4242424242424242').first().waitFor()
      await screenshot(page, 'checkout')
      await payWith(page, CARDS.approved)

      // Confirmation with two scannable QR codes.
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      await page.getByRole('heading', { level: 1, name: 'Payment confirmed' }).waitFor()
      const qrs = page.getByRole('img', { name: /^QR code of ticket / })
      await qrs.nth(1).waitFor()
      expect(await qrs.count()).toBe(2)
      for (let i = 0; i < 2; i++) {
        const box = (await qrs.nth(i).boundingBox())!
        expect(box.width).toBeGreaterThanOrEqual(200)
        expect(await qrs.nth(i).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
      }
      await screenshot(page, 'order-confirmed')

      // The same tickets under "My tickets", after a reload (the session survives it).
      await page.getByRole('link', { name: 'My tickets' }).first().click()
      await page.waitForURL('**/tickets')
      await page.reload()
      await page.getByRole('heading', { level: 1, name: 'My tickets' }).waitFor()
      await page.locator(`[data-order="${orderId}"] img`).nth(1).waitFor()
      const sold = (await availabilityOf(event.id)).ticketTypes[0]!
      expect(sold).toMatchObject({ sold: 2, held: 0, available: 48 })
    })
  }, 120_000)

  test('a payment that fails on the way is tried again under the same Idempotency-Key, and paid once', async () => {
    const event = await seedEvent([{ name: 'Front', priceCents: 2500, capacity: 10 }])
    const buyer = await registerUser('lost-answer')
    await withTab({ session: buyer }, async ({ page }) => {
      const orderId = await holdOneAt(page, event.id, 'Front')
      // The connection drops on the first try. The page cannot know whether the payment arrived
      // (had it, the server would answer the same key with that payment), so a second try must be
      // the same request: the same key.
      const keys = await firstPayAnswered(page, (route) => route.abort('connectionreset'))
      await payWith(page, CARDS.approved)
      await page.getByText(/Cannot reach EasyPass/).waitFor()
      await page.getByRole('button', { name: /^Pay / }).click()
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      expect(keys).toHaveLength(2)
      expect(keys[1]).toBe(keys[0]!)
      const order = await api(`/orders/${orderId}`, { token: buyer.token })
      expect(order.body.status).toBe('paid')
      const payment = await api(`/payments/${order.body.paymentId}`, { token: buyer.token })
      expect(payment.body).toMatchObject({ status: 'succeeded', amountCents: 2500 })
      expect((await availabilityOf(event.id)).ticketTypes[0]).toMatchObject({ sold: 1, held: 0, available: 9 })
    })
  }, 120_000)

  test('a payment answered "still being decided" (503 with a wait) is sent again by itself under the same key, and paid once', async () => {
    const event = await seedEvent([{ name: 'Front', priceCents: 2500, capacity: 10 }])
    const buyer = await registerUser('deciding')
    await withTab({ session: buyer }, async ({ page }) => {
      const orderId = await holdOneAt(page, event.id, 'Front')
      // The first answer is what orders says when it cannot show a decision yet: the buyer is not asked to do anything.
      const keys = await firstPayAnswered(page, (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'the order is still being decided: send the same request again in a moment', details: { retryAfterSeconds: 1 } } }),
        }),
      )
      await payWith(page, CARDS.approved)
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      expect(keys).toHaveLength(2)
      expect(keys[1]).toBe(keys[0]!)
      expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('paid')
    })
  }, 120_000)

  test('a payment taken whose answer was lost: the page reads the order again by itself and shows it paid (no live stream, no second press)', async () => {
    const event = await seedEvent([{ name: 'Front', priceCents: 2500, capacity: 10 }])
    const buyer = await registerUser('answer-lost')
    await withTab({ session: buyer }, async ({ page }) => {
      // No notifications: only the page's own reading of the order can tell it.
      await page.route('**/api/notifications/stream**', (route) => route.abort('connectionreset'))
      const orderId = await holdOneAt(page, event.id, 'Front')
      // The payment reaches the server and is taken; its answer is lost on the way back.
      const keys = await firstPayAnswered(page, async (route) => {
        await route.fetch()
        await route.abort('connectionreset')
      })
      await payWith(page, CARDS.approved)
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`, { timeout: 20_000 })
      expect(keys).toHaveLength(1)
      expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('paid')
    })
  }, 120_000)

  test('a payment answered 202 and then failed: paying again with the same card is a new payment under a new key, not that answer again', async () => {
    const event = await seedEvent([{ name: 'Front', priceCents: 2500, capacity: 10 }])
    const buyer = await registerUser('pending-failed')
    await withTab({ session: buyer }, async ({ page }) => {
      const orderId = await holdOneAt(page, event.id, 'Front')
      const held = (await api(`/orders/${orderId}`, { token: buyer.token })).body
      // Answered "pending" (a slow decision); the order is then read back as reserved: that payment failed.
      const keys = await firstPayAnswered(page, (route) => route.fulfill({ status: 202, contentType: 'application/json', body: JSON.stringify({ ...held, status: 'pending' }) }))
      await payWith(page, CARDS.approved)
      await page.getByText(/tickets are still held/i).waitFor({ timeout: 20_000 })
      await page.getByRole('button', { name: /^Pay / }).click()
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      expect(keys).toHaveLength(2)
      expect(keys[1]).not.toBe(keys[0]!)
    })
  }, 120_000)

  test("a purchase whose answer was lost is sent again under its key; the same tickets picked again much later are a new purchase; times name their zone", async () => {
    const event = await seedEvent([{ name: 'Terrace', priceCents: 2200, capacity: 10 }])
    const buyer = await registerUser('later')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.clock.install()
      await page.goto(`/events/${event.id}`)
      // The viewer's zone is named next to the times (the test browser runs in UTC).
      expect(await page.locator('time').first().textContent()).toMatch(/(UTC|GMT)/)
      const keys: string[] = []
      await page.route('**/api/orders', async (route) => {
        keys.push(route.request().headers()['idempotency-key'] ?? '')
        if (keys.length < 3) await route.abort('connectionreset')
        else await route.continue()
      })
      await page.getByRole('button', { name: 'One more Terrace' }).click()
      const buy = page.getByRole('button', { name: 'Buy tickets' })
      await buy.click()
      await page.getByText(/Cannot reach EasyPass/).waitFor()
      await buy.click()
      while (keys.length < 2) await Bun.sleep(50)
      // Lost again; the buyer comes back to it after lunch.
      await page.getByText(/Cannot reach EasyPass/).waitFor()
      await page.clock.fastForward('11:00')
      await buy.click()
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
      expect(keys).toHaveLength(3)
      expect(keys[1]).toBe(keys[0]!)
      expect(keys[2]).not.toBe(keys[1]!)
    })
  }, 60_000)

  test('a declined card says why, keeps the hold for another try, and the availability shown does not change', async () => {
    const event = await seedEvent([{ name: 'Seated', priceCents: 3000, capacity: 20 }])
    const buyer = await registerUser('declined')
    await withTab({ session: buyer }, async ({ page, context }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'One more Seated' }).click()
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\//)
      const orderId = page.url().split('/').pop()!

      // Someone watching the event page sees the hold, then nothing change when the card is declined.
      const watcher = await context.newPage()
      await watcher.goto(`/events/${event.id}`)
      await watcher.getByText('19 left').waitFor()
      await watcher.getByText('Live availability').waitFor()

      await payWith(page, CARDS.declined)
      const alert = page.getByRole('alert')
      await alert.waitFor()
      expect(await alert.textContent()).toMatch(/Payment declined: Your card was declined\..*still held/)
      await screenshot(page, 'checkout-declined')

      const order = await api(`/orders/${orderId}`, { token: buyer.token })
      expect(order.body.status).toBe('reserved')
      expect((await availabilityOf(event.id)).ticketTypes[0]).toMatchObject({ sold: 0, held: 1, available: 19 })
      await Bun.sleep(500)
      expect(await watcher.getByText('19 left').count()).toBe(1)

      // Insufficient funds has its own words; then a good card still works while the hold is live.
      await payWith(page, CARDS.insufficient)
      await page.getByText(/Insufficient funds/).waitFor()
      await payWith(page, CARDS.approved)
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      await page.getByRole('img', { name: /^QR code of ticket / }).waitFor()
      // Held → sold leaves the seats left unchanged on the watcher's page (the next test follows a sale live).
      await watcher.getByText('19 left').waitFor()
      expect((await availabilityOf(event.id)).ticketTypes[0]).toMatchObject({ sold: 1, held: 0, available: 19 })
    })
  }, 120_000)

  test('a buyer back on the event page sees the tickets they hold (not counted as available) and goes on to pay them', async () => {
    const event = await seedEvent([{ name: 'Last row', priceCents: 900, capacity: 2 }])
    const buyer = await registerUser('holding')
    const hold = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 2 }] } })
    expect(hold.status).toBe(201)
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      const mine = page.locator(`[data-hold="${hold.body.id}"]`)
      await mine.getByText('2 × Last row, held for about 10 more minutes.').waitFor()
      // Their own hold is what makes it sold out, and the page says where those tickets are.
      await page.locator(`[data-ticket-type="${event.types[0]!.id}"]`).getByText('Sold out').waitFor()
      await mine.getByRole('link', { name: 'Continue to payment' }).click()
      await page.waitForURL(new RegExp(`/checkout/${hold.body.id}$`))
      await payWith(page, CARDS.approved)
      await page.waitForURL(/confirmed=1/)
      // Paid: no longer a hold on the event page.
      await page.goto(`/events/${event.id}`)
      await page.locator(`[data-ticket-type="${event.types[0]!.id}"]`).getByText('Sold out').waitFor()
      expect(await page.locator('[data-hold]').count()).toBe(0)
    })
  }, 60_000)

  test('"Change tickets" at checkout releases the hold and returns to the event page with the same pick', async () => {
    const event = await seedEvent([{ name: 'Stalls', priceCents: 2500, capacity: 10 }])
    const buyer = await registerUser('change-pick')
    await withTab({ session: buyer }, async ({ page }) => {
      const orderId = await holdOneAt(page, event.id, 'Stalls')
      await page.getByRole('button', { name: 'Change tickets' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Release and change' }).click()
      await page.waitForURL(new RegExp(`/events/${event.id}$`))
      expect(await page.getByLabel('Quantity of Stalls').inputValue()).toBe('1')
      await page.getByText('10 left').waitFor()
      expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('cancelled')
      // The pick can be changed and bought again.
      await page.getByRole('button', { name: 'One more Stalls' }).click()
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\//)
      await page.getByRole('cell', { name: '2', exact: true }).waitFor()
    })
  }, 60_000)

  test('"Add to calendar" saves the event as an iCalendar file', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 1000, capacity: 5 }])
    await withTab({}, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Add to calendar' }).click()])
      expect(download.suggestedFilename()).toMatch(/^Test-event-[a-z0-9]+\.ics$/)
      const ics = await Bun.file((await download.path())!).text()
      const details = (await api(`/events/${event.id}`)).body
      expect(ics).toContain(`DTSTART:${new Date(details.startsAt).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`)
      expect(ics).toContain(`SUMMARY:${event.title}`)
      expect(ics.replace(/\r\n /g, '')).toContain(`/events/${event.id}`)
    })
  }, 60_000)

  test('availability updates live on the event page when someone else buys', async () => {
    const event = await seedEvent([{ name: 'Balcony', priceCents: 2000, capacity: 5 }])
    const other = await registerUser('other')
    await withTab({}, async (tab) => {
      await tab.page.goto(`/events/${event.id}`)
      await tab.page.getByText('5 left').waitFor()
      await tab.page.getByText('Live availability').waitFor()
      const r = await api('/orders', {
        token: other.token,
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 5 }] },
      })
      expect(r.status).toBe(201)
      await tab.page.getByText('Sold out').first().waitFor()
      expect(await tab.page.getByRole('button', { name: 'One more Balcony' }).count()).toBe(1)
      expect(await tab.page.getByLabel('Quantity of Balcony').isDisabled()).toBe(true)
      await screenshot(tab.page, 'event-sold-out')
    })
  }, 60_000)

  test("sales open on the page at their moment, and times follow the server's clock, not a device clock 20 minutes ahead", async () => {
    const buyer = await registerUser('clock')
    await withTab({ session: buyer }, async ({ page }) => {
      // This device's clock runs 20 minutes ahead: by it, the sale is long open and a 10-minute hold over.
      await page.clock.install({ time: Date.now() + 20 * 60_000 })
      // Set up last, so that the page opens well before the sale does.
      const opensAt = new Date(Date.now() + 5_000)
      const event = await seedEvent([{ name: 'Early bird', priceCents: 1500, capacity: 10, salesStart: opensAt.toISOString() }])
      await page.goto(`/events/${event.id}`)
      const quantity = page.getByLabel('Quantity of Early bird')
      await page.getByText('On sale from').first().waitFor()
      expect(await quantity.isDisabled()).toBe(true)
      // Open within a moment of the server's opening (the page ticks every 30 s otherwise).
      const deadline = opensAt.getTime() + 3_000
      while ((await quantity.isDisabled()) && Date.now() < deadline) await Bun.sleep(100)
      expect(await quantity.isEnabled()).toBe(true)
      expect(Date.now()).toBeGreaterThanOrEqual(opensAt.getTime() - 1_500)
      await page.getByRole('button', { name: 'One more Early bird' }).click()
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
      // The hold is the server's 10 minutes, not "expired" by the device's clock.
      const timer = page.getByRole('timer')
      await timer.waitFor()
      expect(await timer.textContent()).toMatch(/^(10:0\d|9:\d\d)$/)
      expect(await page.getByText('Your hold has expired').count()).toBe(0)
      await page.getByRole('button', { name: /^Pay / }).waitFor()
    })
  }, 60_000)

  test('a buyer with more than 100 orders sees the older ones after "Show older orders"', async () => {
    const event = await seedEvent([{ name: 'Many', priceCents: 100, capacity: 200 }])
    const buyer = await registerUser('many-orders')
    for (let i = 0; i < 101; i += 10) await Promise.all(Array.from({ length: Math.min(10, 101 - i) }, () => buyThroughApi(buyer, event, 1)))
    const oldest = (await api('/orders?limit=100&page=2', { token: buyer.token })).body.items[0].id as string
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      await page.getByRole('heading', { level: 1, name: 'My tickets' }).waitFor()
      await page.locator('[data-order]').nth(99).waitFor()
      expect(await page.locator(`[data-order="${oldest}"]`).count()).toBe(0)
      await page.getByRole('button', { name: 'Show older orders' }).click()
      await page.locator(`[data-order="${oldest}"]`).waitFor()
      expect(await page.locator('[data-order]').count()).toBe(101)
      expect(await page.getByRole('button', { name: 'Show older orders' }).count()).toBe(0)
    })
  }, 120_000)
})
