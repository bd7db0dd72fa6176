// An admin in a real browser: creating an event with ticket types that buyers then see, editing and
// removing ticket types, cancelling with the refund count, and checking tickets in at the door.
import { afterAll, describe, expect, test } from 'bun:test'
import { instantOfWallTime, wallTimeInput } from '@easypass/contracts/time-zones'
import { api, loginAdmin, registerUser } from '../support/api'
import { system } from '../support/system'
import { adminSession, availabilityOf, buyThroughApi, canSell, closeBrowser, withTab, paidOrdersListed, screenshot, seedEvent, startingSoon } from './browser'

afterAll(closeBrowser)

const toLocalInputIn = (iso: string, zone: string) => wallTimeInput(new Date(iso), zone)

/** A local date-time input value a month from now at `hour`:00. */
function inAMonth(hour: number) {
  const d = new Date(Date.now() + 30 * 86_400_000)
  d.setHours(hour, 0, 0, 0)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:00`
}

describe('admin pages', () => {
  test('an admin signs in, creates an event with a ticket type, and a buyer then sees it', async () => {
    const title = `Harbour Jazz ${Math.random().toString(36).slice(2, 7)}`
    await withTab({}, async ({ page }) => {
      await withTab({ mobile: true }, async (guest) => {
        await page.goto('/admin')
        await page.getByRole('heading', { name: 'Please sign in' }).waitFor()
        await page.getByRole('link', { name: 'Sign in' }).first().click()
        await page.getByLabel('Email').fill(system().admin.email)
        await page.getByLabel('Password').fill(system().admin.password)
        await page.getByRole('button', { name: 'Sign in', exact: true }).click()
        await page.waitForURL('**/admin')
        await page.getByRole('heading', { level: 1, name: 'Events' }).waitFor()

        await page.getByRole('link', { name: 'New event' }).click()
        await page.waitForURL('**/admin/events/new')
        // The form says what is missing before anything is sent.
        await page.getByRole('button', { name: 'Create event' }).click()
        await page.getByText('Enter a title.').waitFor()
        await page.getByLabel('Title').fill(title)
        await page.getByLabel('Description').fill('Three bands by the sea.')
        await page.getByLabel('Category').fill('music')
        await page.getByLabel('Organizer').fill('Harbour Society')
        await page.getByLabel('Venue name').fill('Pier 4')
        await page.getByLabel('Address').fill('Quay 1')
        await page.getByLabel('City').fill('Turku')
        // The browser runs in UTC; the venue is in Finland: its times are typed on Helsinki's clock.
        expect(await page.getByLabel('Time zone').inputValue()).toBe('UTC')
        await page.getByLabel('Time zone').fill('Mars/Base')
        await page.getByLabel('Starts').fill(inAMonth(18))
        await page.getByLabel('Ends').fill(inAMonth(23))
        await page.getByRole('button', { name: 'Create event' }).click()
        await page.getByText('Pick a time zone from the list, like Europe/Helsinki or UTC.').waitFor()
        await page.getByLabel('Time zone').fill('Europe/Helsinki')
        await page.getByText("On the venue's clock (Europe/Helsinki).").waitFor()
        await page.getByLabel('Visibility').selectOption('published')
        await page.getByRole('button', { name: 'Create event' }).click()
        await page.waitForURL(/\/admin\/events\/[0-9a-f]{24}$/)
        const eventId = page.url().split('/').pop()!

        // A ticket type, with a field error from the form first.
        await page.locator('#nt-name').fill('Front row')
        await page.locator('#nt-price').fill('abc')
        await page.locator('#nt-capacity').fill('40')
        await page.locator('#nt-tax').fill('101')
        await page.getByRole('button', { name: 'Add ticket type' }).click()
        await page.getByText('Enter a price like 45.00.').waitFor()
        await page.getByText('Enter a percentage from 0 to 100, like 19 or 5.5, or leave it empty.').waitFor()
        await page.locator('#nt-price').fill('30.50')
        await page.locator('#nt-tax').fill('5,5')
        await page.getByRole('button', { name: 'Add ticket type' }).click()
        await page.getByRole('heading', { level: 3, name: 'Front row' }).waitFor()
        await page.getByText('0 sold · 0 held · 40 available', { exact: true }).waitFor()
        await screenshot(page, 'admin-event-editor')

        const stored = await api(`/events/${eventId}`)
        expect(stored.body).toMatchObject({ title, status: 'published', venue: { city: 'Turku' }, timeZone: 'Europe/Helsinki', startsAt: instantOfWallTime(inAMonth(18), 'Europe/Helsinki')!.toISOString() })
        // Another zone alone keeps the event where it is, and shows its start on the new clock.
        await page.getByLabel('Time zone').fill('Asia/Tokyo')
        await page.getByRole('button', { name: 'Save changes' }).click()
        await page.getByText('Changes saved.').waitFor()
        expect((await api(`/events/${eventId}`)).body).toMatchObject({ timeZone: 'Asia/Tokyo', startsAt: stored.body.startsAt })
        expect(await page.locator('#f-startsAt').inputValue()).toBe(toLocalInputIn(stored.body.startsAt, 'Asia/Tokyo'))
        await page.getByLabel('Time zone').fill('Europe/Helsinki')
        await page.getByRole('button', { name: 'Save changes' }).click()
        await page.waitForFunction((value) => (document.querySelector('input[name=startsAt]') as HTMLInputElement | null)?.value === value, inAMonth(18))
        expect((await api(`/events/${eventId}`)).body).toMatchObject({ timeZone: 'Europe/Helsinki', startsAt: stored.body.startsAt })
        // Another zone and one time edited: both times are the form's, on the new clock (the end is not left on the old one).
        const endText = await page.locator('#f-endsAt').inputValue()
        await page.getByLabel('Time zone').fill('Asia/Tokyo')
        await page.locator('#f-startsAt').fill(inAMonth(17))
        await page.getByRole('button', { name: 'Save changes' }).click()
        const zoneIs = async (zone: string) => {
          for (let i = 0; i < 100 && (await api(`/events/${eventId}`)).body.timeZone !== zone; i++) await Bun.sleep(100)
        }
        await zoneIs('Asia/Tokyo')
        expect((await api(`/events/${eventId}`)).body).toMatchObject({ timeZone: 'Asia/Tokyo', startsAt: instantOfWallTime(inAMonth(17), 'Asia/Tokyo')!.toISOString(), endsAt: instantOfWallTime(endText, 'Asia/Tokyo')!.toISOString() })
        // And back, the same way.
        await page.getByLabel('Time zone').fill('Europe/Helsinki')
        await page.locator('#f-startsAt').fill(inAMonth(18))
        await page.locator('#f-endsAt').fill(endText)
        await page.getByRole('button', { name: 'Save changes' }).click()
        await zoneIs('Europe/Helsinki')
        expect((await api(`/events/${eventId}`)).body).toMatchObject({ timeZone: 'Europe/Helsinki', startsAt: stored.body.startsAt, endsAt: stored.body.endsAt })
        expect(stored.body.ticketTypes).toEqual([expect.objectContaining({ name: 'Front row', priceCents: 3050, currency: 'EUR', capacity: 40, taxRateBasisPoints: 550 })])

        // A buyer (a guest, on a phone) finds it by city and sees the ticket type.
        await guest.page.goto('/')
        await guest.page.getByLabel('City').fill('Turku')
        await guest.page.getByRole('button', { name: 'Search' }).click()
        await guest.page.getByRole('link', { name: title }).click()
        await guest.page.getByRole('heading', { level: 1, name: title }).waitFor()
        await guest.page.getByRole('heading', { level: 3, name: 'Front row' }).waitFor()
        await guest.page.locator('.offer-price', { hasText: '€30.50 incl. 5.5% tax' }).waitFor()
        await guest.page.getByText('40 left').waitFor()
        // 18:00 on the venue's clock, named by its zone (EET, or EEST in summer), not the phone's UTC.
        expect(await guest.page.locator('.event-meta time, time').first().textContent()).toMatch(/06:00 PM – 11:00 PM (EET|EEST|GMT\+[23])/)
        await screenshot(guest.page, 'event-mobile')
      })
    })
  }, 120_000)

  test('ticket types: change price and capacity, rename, change currency and sales window, and remove one nothing was sold of', async () => {
    const event = await seedEvent([
      { name: 'Early bird', priceCents: 2000, capacity: 10 },
      { name: 'Regular', priceCents: 3000, capacity: 10 },
    ])
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const row = page.locator(`[data-ticket-type="${event.types[1]!.id}"]`)
      await row.getByLabel('Price (EUR)').fill('35.00')
      await row.getByLabel('Capacity').fill('12')
      await row.getByRole('button', { name: 'Save Regular' }).click()
      await page.getByText('Regular updated.').waitFor()
      const after = await availabilityOf(event.id)
      expect(after.ticketTypes.find((t) => t.id === event.types[1]!.id)).toMatchObject({ available: 12 })

      // Renamed, priced in another currency, and sold until a set time: only what changed is sent.
      await row.getByLabel('Name').fill('Standard')
      await row.getByLabel('Currency').fill('usd')
      await row.getByLabel('Price (USD)').fill('40.00')
      await row.getByLabel('Sales end').fill(inAMonth(9))
      await row.getByLabel('Tax included (%)').fill('19')
      await row.getByRole('button', { name: 'Save Regular' }).click()
      await page.getByText('Standard updated.').waitFor()
      await row.getByRole('heading', { name: 'Standard' }).waitFor()
      const renamed = (await api(`/events/${event.id}`)).body.ticketTypes.find((t: any) => t.id === event.types[1]!.id)
      expect(renamed).toMatchObject({ name: 'Standard', currency: 'USD', priceCents: 4000, capacity: 12, taxRateBasisPoints: 1900 })
      expect(Date.parse(renamed.salesEnd)).toBe(new Date(inAMonth(9)).getTime())
      // An emptied sales end and tax rate are removed.
      await row.getByLabel('Sales end').fill('')
      await row.getByLabel('Tax included (%)').fill('')
      await row.getByRole('button', { name: 'Save Standard' }).click()
      for (let i = 0; ; i++) {
        const type = (await api(`/events/${event.id}`)).body.ticketTypes.find((t: any) => t.id === event.types[1]!.id)
        if (type.salesEnd === undefined && type.taxRateBasisPoints === undefined) break
        if (i > 40) throw new Error(`the sales end was not removed: ${JSON.stringify(type)}`)
        await Bun.sleep(250)
      }
      expect(await row.getByLabel('Name').inputValue()).toBe('Standard')

      await page.locator(`[data-ticket-type="${event.types[0]!.id}"]`).getByRole('button', { name: 'Remove Early bird' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
      await page.getByText('Early bird removed.').waitFor()
      await page.locator(`[data-ticket-type="${event.types[0]!.id}"]`).waitFor({ state: 'detached' })
      const types = (await availabilityOf(event.id)).ticketTypes
      expect(types.map((t) => t.id)).toEqual([event.types[1]!.id])
    })
  }, 60_000)
})

describe('the event editor keeps what is being typed', () => {
  test('adding a ticket type keeps an unsaved title; saving it never reverts what another admin changed meanwhile', async () => {
    const event = await seedEvent([{ name: 'Regular', priceCents: 3000, capacity: 10 }])
    const admin = await adminSession()
    await withTab({ session: admin }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const title = page.getByLabel('Title')
      await title.waitFor()
      await title.fill(`${event.title} (late show)`)
      // Meanwhile another admin changes the description.
      const other = await api(`/events/${event.id}`, { method: 'PATCH', token: admin.token, body: { description: 'Changed by someone else.' } })
      expect(other.status).toBe(200)
      // The page reloads the event after a ticket type is added: the title being typed stays.
      await page.locator('#nt-name').fill('Balcony')
      await page.locator('#nt-price').fill('20.00')
      await page.locator('#nt-capacity').fill('5')
      await page.getByRole('button', { name: 'Add ticket type' }).click()
      await page.getByRole('heading', { level: 3, name: 'Balcony' }).waitFor()
      expect(await title.inputValue()).toBe(`${event.title} (late show)`)

      // Saving sends only this page's own edit: the description read by the reload is not sent back as a change.
      await page.getByRole('button', { name: 'Save changes' }).click()
      await page.getByText('Changes saved.').waitFor()
      const stored = (await api(`/events/${event.id}`)).body
      expect(stored).toMatchObject({ title: `${event.title} (late show)`, description: 'Changed by someone else.' })
    })
  }, 60_000)
})

describe.skipIf(!canSell)('admin pages with sales', () => {
  test('a ticket is checked in once: ADMITTED, then ALREADY USED; an unknown code is UNKNOWN', async () => {
    const event = await seedEvent([{ name: 'Door', priceCents: 1000, capacity: 5 }])
    const buyer = await registerUser('door')
    const order = await buyThroughApi(buyer, event, 1)
    const tickets = await api(`/orders/${order.id}/tickets`, { token: buyer.token })
    const code = tickets.body[0].code as string
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/admin/checkin')
      const input = page.getByLabel('Ticket code')
      // Focused on arrival, for a USB scanner that types the code and presses Enter (focus is set just after the first paint).
      await page.waitForFunction(() => document.activeElement?.id === 'checkin-code', undefined, { timeout: 5_000 })
      await page.keyboard.type(code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="admitted"]').waitFor()

      // The scanner reading the same code again at once (within 1.5 s) is the same scan: still ADMITTED,
      // nothing sent. Read at once, before anything slow (a screenshot) on a busy machine.
      let sent = 0
      page.on('request', (r) => void (r.url().endsWith('/api/checkins') && sent++))
      await page.keyboard.insertText(code)
      await page.keyboard.press('Enter')
      await page.waitForFunction(() => (document.getElementById('checkin-code') as HTMLInputElement | null)?.value === '')
      expect(await page.locator('.verdict-headline').textContent()).toBe('ADMITTED')
      expect(sent).toBe(0)
      await screenshot(page, 'checkin-admitted')
      expect(await input.evaluate((el) => el === document.activeElement)).toBe(true)

      // Scanned again later (another person with a copy of the code): ALREADY USED.
      await Bun.sleep(1_600)
      await page.keyboard.type(code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="used"]').waitFor()
      expect(sent).toBe(1)
      expect(await page.locator('.verdict-headline').textContent()).toBe('ALREADY USED')
      await screenshot(page, 'checkin-already-used')

      await page.keyboard.type('NO-SUCH-TICKET')
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="unknown"]').waitFor()
      expect(await page.locator('.verdict-headline').textContent()).toBe('UNKNOWN')
      const after = await api(`/orders/${order.id}/tickets`, { token: buyer.token })
      expect(after.body[0].status).toBe('checked_in')
    })
  }, 90_000)

  test("a door set to one event says WRONG EVENT for another event's ticket, and does not use it up", async () => {
    const tonight = await seedEvent([{ name: 'Door', priceCents: 1000, capacity: 5 }], { title: `Tonight ${Date.now()}` })
    const other = await seedEvent([{ name: 'Door', priceCents: 1000, capacity: 5 }], { title: `Other show ${Date.now()}` })
    const buyer = await registerUser('door-wrong')
    const [mine, theirs] = [await buyThroughApi(buyer, tonight, 1), await buyThroughApi(buyer, other, 1)]
    const codeOf = async (orderId: string) => (await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body[0].code as string
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/admin/checkin')
      const door = page.getByLabel('This door admits to')
      // Other tests' events fill the list: the door finds its own by title.
      await page.getByLabel('Find an event').fill(tonight.title)
      await page.locator(`#f-door option[value="${tonight.id}"]`).waitFor({ state: 'attached' })
      await door.selectOption(tonight.id)
      await page.getByLabel('Ticket code').fill(await codeOf(theirs.id))
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="wrong"]').waitFor()
      expect(await page.locator('.verdict-headline').textContent()).toBe('WRONG EVENT')
      expect(await page.locator('.verdict-detail').textContent()).toContain(other.title)
      await page.getByLabel('Ticket code').fill(await codeOf(mine.id))
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="admitted"]').waitFor()
      // The door is remembered for the next visit, named even when the list does not reach it.
      await page.reload()
      await page.locator(`#f-door option[value="${tonight.id}"]`).waitFor({ state: 'attached' })
      expect(await door.inputValue()).toBe(tonight.id)
      await page.locator(`#f-door option[value="${tonight.id}"]`, { hasText: tonight.title }).waitFor({ state: 'attached' })
    })
    expect((await api(`/orders/${theirs.id}/tickets`, { token: buyer.token })).body[0].status).not.toBe('checked_in')
    expect((await api(`/orders/${mine.id}/tickets`, { token: buyer.token })).body[0].status).toBe('checked_in')
  }, 90_000)

  test('a scan whose answer was lost is sent again under its key: ADMITTED; someone else checked in meanwhile: ALREADY USED', async () => {
    const event = await seedEvent([{ name: 'Door', priceCents: 1000, capacity: 5 }])
    const buyer = await registerUser('door-lost')
    const order = await buyThroughApi(buyer, event, 2)
    const [mine, copied] = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>
    const admin = await adminSession()
    await withTab({ session: admin }, async ({ page }) => {
      await page.goto('/admin/checkin')
      await page.waitForFunction(() => document.activeElement?.id === 'checkin-code', undefined, { timeout: 5_000 })
      // The first scan reaches the server and checks the ticket in; its answer never reaches the door.
      let lose = true
      const keys: string[] = []
      await page.route('**/api/checkins', async (route) => {
        keys.push(route.request().headers()['idempotency-key'] ?? '')
        if (!lose) return route.continue()
        lose = false
        await route.fetch()
        await route.abort('connectionreset')
      })
      await page.keyboard.type(mine!.code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="error"]').waitFor()
      // Read again: the same scan, sent again under its key, is admitted (not ALREADY USED).
      await page.keyboard.type(mine!.code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="admitted"]').waitFor()
      expect(keys).toHaveLength(2)
      expect(keys[0]).toBeTruthy()
      expect(keys[1]).toBe(keys[0]!)

      // Another ticket: its scan never arrives, and meanwhile another door admits its holder.
      await page.unroute('**/api/checkins')
      await page.route('**/api/checkins', (route) => route.abort('connectionreset'))
      await page.keyboard.type(copied!.code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="error"]').waitFor()
      expect((await api('/checkins', { body: { code: copied!.code }, token: admin.token })).status).toBe(200)
      await page.unroute('**/api/checkins')
      await page.keyboard.type(copied!.code)
      await page.keyboard.press('Enter')
      await page.locator('[data-verdict="used"]').waitFor()
      expect(await page.locator('.verdict-headline').textContent()).toBe('ALREADY USED')
    })
  }, 90_000)

  test('cancelling an event says how many paid orders will be refunded; a sold ticket type cannot be removed', async () => {
    const event = await seedEvent([{ name: 'Main', priceCents: 2500, capacity: 10 }])
    const buyers = await Promise.all([registerUser('c1'), registerUser('c2')])
    const orders = await Promise.all(buyers.map((b) => buyThroughApi(b, event, 1)))
    await paidOrdersListed(event.id, 2)
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      await page.getByRole('button', { name: 'Remove Main' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
      await page.getByText(/Main cannot be removed: 2 were already sold/).waitFor()

      await page.getByRole('button', { name: 'Cancel event' }).click()
      const dialog = page.getByRole('dialog')
      await dialog.getByText('2 paid orders will be refunded', { exact: false }).waitFor()
      await screenshot(page, 'admin-cancel-dialog')
      await dialog.getByRole('button', { name: 'Cancel the event' }).click()
      await page.getByText('Cancelled', { exact: true }).first().waitFor()
      expect((await api(`/events/${event.id}`)).body.status).toBe('cancelled')
      // The refunds happen behind the scenes; each paid order ends refunded.
      const deadline = Date.now() + 30_000
      let statuses: string[] = []
      while (Date.now() < deadline) {
        statuses = await Promise.all(orders.map(async (o, i) => (await api(`/orders/${o.id}`, { token: buyers[i]!.token })).body.status))
        if (statuses.every((s) => s === 'refunded')) break
        await Bun.sleep(500)
      }
      expect(statuses).toEqual(['refunded', 'refunded'])
    })
  }, 90_000)

  test('the sales dashboard follows an event live: sold, held and revenue change without a reload', async () => {
    const event = await seedEvent([{ name: 'Pit', priceCents: 4000, capacity: 10 }], startingSoon())
    const buyer = await registerUser('dash')
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/admin/dashboard')
      const card = page.locator(`[data-event="${event.id}"]`)
      await card.waitFor()
      // Only a few events are followed live at once (each stream holds a browser connection): pick this one.
      const follow = card.getByRole('button', { name: 'Follow live' })
      if (await follow.count()) await follow.click()
      await card.locator('[data-live-state="open"]').waitFor()
      expect(await card.locator('[data-stat="sold"]').textContent()).toBe('0')
      await buyThroughApi(buyer, event, 3)
      await card.locator('[data-stat="sold"]', { hasText: '3' }).waitFor()
      expect(await card.locator('[data-stat="revenue"]').textContent()).toBe('€120.00')
      expect(await card.locator('[data-stat="available"]').textContent()).toBe('7')
      await screenshot(page, 'admin-dashboard-live')
    })
  }, 60_000)

  test('the sales dashboard shows how many buyers wait for a sold-out event', async () => {
    const event = await seedEvent([{ name: 'Pit', priceCents: 4000, capacity: 2 }], startingSoon())
    await buyThroughApi(await registerUser('dash-all'), event, 2)
    for (const tag of ['dash-w1', 'dash-w2']) {
      const r = await api('/notifications/waitlist', { token: (await registerUser(tag)).token, body: { eventId: event.id } })
      expect(r.status).toBe(201)
    }
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/admin/dashboard')
      await page.locator(`[data-event="${event.id}"] [data-stat="waiting"]`, { hasText: /^2$/ }).waitFor()
    })
  }, 60_000)

  test('the events list finds past events by title, pages, and shows revenue in each currency without adding them up', async () => {
    const tag = Math.random().toString(36).slice(2, 7)
    const mixed = await seedEvent(
      [
        { name: 'Floor', priceCents: 4000, capacity: 10 },
        { name: 'Balcony', priceCents: 5000, capacity: 10, currency: 'JPY' },
      ],
      { title: `Two Currencies ${tag}` },
    )
    const past = await seedEvent([], { title: `Last Year ${tag}`, startsAt: new Date(Date.now() - 3 * 86_400_000).toISOString(), endsAt: new Date(Date.now() - 3 * 86_400_000 + 3_600_000).toISOString() })
    const buyer = await registerUser('currencies')
    await buyThroughApi(buyer, mixed, 1, 0)
    await buyThroughApi(buyer, mixed, 1, 1)
    await paidOrdersListed(mixed.id, 2)
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin?q=${encodeURIComponent(mixed.title)}`)
      const row = page.locator(`[data-event="${mixed.id}"]`)
      await row.waitFor()
      // €40.00 and ¥5,000 were sold: never "€90.00".
      expect(await row.locator('td').nth(5).textContent()).toBe('€40.00 + ¥5,000')

      // An event that has ended is not among the upcoming ones; "Past" finds it, and it can no longer be cancelled.
      await page.getByLabel('Title, description or city').fill(past.title)
      await page.getByRole('button', { name: 'Search' }).click()
      await page.getByText('No events match.').waitFor()
      await page.getByLabel('When').selectOption('past')
      await page.waitForURL(/when=past/)
      const pastRow = page.locator(`[data-event="${past.id}"]`)
      await pastRow.waitFor()
      expect(await pastRow.getByRole('button', { name: `Cancel ${past.title}` }).count()).toBe(0)

      // Every event, past or to come, is reachable page by page (25 a page): more than a page of them.
      const admin = await adminSession()
      const existing = (await api('/events?status=all&from=1970-01-01T00:00:00Z&limit=1', { token: admin.token })).body.total as number
      await Promise.all(Array.from({ length: Math.max(0, 26 - existing) }, () => seedEvent([])))
      await page.goto('/admin?when=any')
      await page.locator('tbody tr').nth(24).waitFor()
      const total = Number((await page.locator('p.muted', { hasText: /events?, latest first/ }).textContent())!.match(/[\d,]+/)![0].replace(/,/g, ''))
      expect(total).toBeGreaterThan(25)
      expect(await page.getByText(`Page 1 of ${Math.ceil(total / 25)}`).count()).toBe(1)
      await page.getByRole('link', { name: 'Next' }).click()
      await page.waitForURL(/page=2/)
      await page.getByText(`Page 2 of ${Math.ceil(total / 25)}`).waitFor()

      // The orders page filters by an event found by its title, past ones included.
      await page.goto('/admin/orders')
      await page.getByLabel('Find an event').fill(mixed.title)
      await page.locator(`#f-eventId option[value="${mixed.id}"]`).waitFor({ state: 'attached' })
      await page.getByLabel('Event', { exact: true }).selectOption(mixed.id)
      await page.getByRole('button', { name: 'Search' }).click()
      await page.waitForURL(new RegExp(`eventId=${mixed.id}`))
      await page.getByText('2 orders').waitFor()
      await page.getByLabel('Find an event').fill(past.title)
      await page.locator(`#f-eventId option[value="${past.id}"]`).waitFor({ state: 'attached' })
    })
  }, 90_000)

  test('orders: filter by event, status and buyer, and refund one', async () => {
    const event = await seedEvent([{ name: 'Hall', priceCents: 1500, capacity: 10 }])
    const [a, b] = await Promise.all([registerUser('find-me'), registerUser('someone')])
    const admin = await loginAdmin()
    expect((await api(`/events/${event.id}/vouchers`, { token: admin.token, body: { code: 'HALFOFF', percentOff: 50, maxUses: 1 } })).status).toBe(201)
    const [orderA, orderB] = await Promise.all([buyThroughApi(a, event, 2), buyThroughApi(b, event, 1, 0, 'HALFOFF')])
    await paidOrdersListed(event.id, 2)
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/orders?eventId=${event.id}&status=paid`)
      await page.locator('tbody tr').nth(1).waitFor()
      expect(await page.locator('tbody tr').count()).toBe(2)
      // Each buyer is named by email (looked up by id, however many accounts there are).
      await page.locator(`[data-order="${orderB.id}"]`).getByText(b.user.email).waitFor()
      // The orders as a spreadsheet: every match, with its buyer.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
      const csv = (await Bun.file((await download.path())!).text()).replace(/^\ufeff/, '').trim().split('\r\n')
      expect(csv[0]).toBe('"order","status","buyer","event","tickets","total","currency","placed","voucher","discount","given back"')
      expect(csv).toHaveLength(3)
      expect(csv.find((line) => line.startsWith(`"${orderA.id}"`))).toContain(`"paid","${a.user.email}","${event.title}","2 x Hall","30.00","EUR"`)
      expect(csv.find((line) => line.startsWith(`"${orderB.id}"`))).toContain(`"${b.user.email}"`)
      // An order with a voucher says which, and what it took off; the list says it under the total.
      expect(csv.find((line) => line.startsWith(`"${orderB.id}"`))).toEndWith(`"HALFOFF","7.50",""`)
      expect(csv.find((line) => line.startsWith(`"${orderA.id}"`))).toEndWith(`"","",""`)
      await page.locator(`[data-order="${orderB.id}"]`).getByText('with HALFOFF').waitFor()
      await page.getByLabel('Buyer').fill(a.user.email)
      await page.getByRole('button', { name: 'Search' }).click()
      await page.waitForURL(/buyer=/)
      // The previous rows stay until the filtered list arrives: wait for the other buyer's order to go.
      await page.locator(`[data-order="${orderB.id}"]`).waitFor({ state: 'detached' })
      await page.locator(`[data-order="${orderA.id}"]`).getByText(a.user.email).waitFor()
      expect(await page.locator('tbody tr').count()).toBe(1)
      await screenshot(page, 'admin-orders')
      await page.getByRole('button', { name: `Refund order ${orderA.id.slice(-8)}` }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Refund' }).click()
      await page.locator(`[data-order="${orderA.id}"]`).getByText('Refunded').waitFor()
      expect((await api(`/orders/${orderA.id}`, { token: a.token })).body.status).toBe('refunded')
    })
  }, 90_000)
})
