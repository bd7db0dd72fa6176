// The app in German and French, in a real browser: it starts in the browser's language, the footer's
// choice changes it at once (in every tab) and is kept, money and dates are written the language's way,
// and an order placed in a language is told in it (its notification, written by the server).
import { afterAll, describe, expect, test } from 'bun:test'
import { api, eventually, registerUser } from '../support/api'
import { axe, canSell, CARDS, closeBrowser, describeViolations, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('languages', () => {
  test('a German browser buys in German; the order is told in German; French chosen in the footer is kept', async () => {
    const event = await seedEvent([{ name: 'Stehplatz', priceCents: 4550, capacity: 20 }])
    const buyer = await registerUser()
    await withTab({ session: buyer, locale: 'de-DE' }, async ({ page, context }) => {
      await page.goto(`/events/${event.id}`)
      await page.waitForFunction(() => document.documentElement.lang === 'de')
      await page.getByRole('navigation', { name: 'Hauptmenü' }).getByRole('link', { name: 'Veranstaltungen' }).waitFor()
      await page.getByRole('button', { name: 'Stehplatz: eins mehr' }).click()
      await page.getByRole('button', { name: 'Tickets kaufen' }).click()
      await page.waitForURL(/\/checkout\//)
      const orderId = page.url().split('/').pop()!
      await page.getByLabel('Kartennummer').fill(CARDS.approved)
      await page.getByLabel('Ablaufmonat').selectOption('12')
      await page.getByLabel('Ablaufjahr').selectOption(String(new Date().getFullYear() + 2))
      await page.getByLabel('Prüfnummer (CVC)').fill('123')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      // German money: a decimal comma, the sign after the amount (behind a no-break space).
      await page.getByRole('button', { name: /^45,50\s€ bezahlen$/ }).click()
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      await page.getByRole('heading', { level: 1, name: 'Zahlung bestätigt' }).waitFor()

      // The order was placed in German (the app says its language with every call): the server tells the buyer in German.
      const told = await eventually('the order-paid notification', async () =>
        ((await api('/notifications', { token: buyer.token })).body.items as Array<{ type: string; title: string; body: string; data: { orderId?: string } }>).find(
          (n) => n.type === 'order-paid' && n.data.orderId === orderId,
        ),
      )
      expect(told.title).toBe(`Ihre Tickets für ${event.title}`)
      expect(told.body).toMatch(/45,50\s€/)

      // French, chosen in the footer: at once, in another tab of the app too, and after a reload.
      const other = await context.newPage()
      await other.goto('/')
      await other.waitForFunction(() => document.documentElement.lang === 'de')
      await page.getByLabel('Sprache').selectOption('fr')
      await page.waitForFunction(() => document.documentElement.lang === 'fr')
      await page.getByRole('heading', { level: 1, name: 'Paiement confirmé' }).waitFor()
      await other.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Événements' }).waitFor()
      await page.reload()
      await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Mes billets' }).waitFor()
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr')
      expect(await page.getByLabel('Langue').inputValue()).toBe('fr')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      // And back to English: the words tests elsewhere read.
      await page.getByLabel('Langue').selectOption('en')
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tickets' }).waitFor()
    })
  }, 60_000)

  test('a refusal that names what it refused is said in the buyer’s language, worded from its details', async () => {
    const event = await seedEvent([{ name: 'Stehplatz', priceCents: 4550, capacity: 20 }])
    const buyer = await registerUser()
    // Five unpaid holds already (the most one buyer may have for an event): the next is refused, 409 naming the limit.
    for (let i = 0; i < 5; i++) {
      const held = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.types[0]!.id, quantity: 1 }] } })
      expect(held.body.status).toBe('reserved')
    }
    await withTab({ session: buyer, locale: 'de-DE' }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'Stehplatz: eins mehr' }).click()
      await page.getByRole('button', { name: 'Tickets kaufen' }).click()
      await page.getByText('Sie halten schon 5 unbezahlte Bestellungen für diese Veranstaltung: Bezahlen oder stornieren Sie zuerst eine davon.').waitFor()
      expect(await page.getByText('you already hold').count()).toBe(0)
      expect(page.url()).toContain(`/events/${event.id}`)
    })
  }, 60_000)
})
