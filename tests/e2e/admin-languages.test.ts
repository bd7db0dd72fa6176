// The admin pages in German and French, in a real browser: an organiser creates an event and a ticket
// type in German (the form's own checks, labels and counts in German, a price typed with a decimal
// comma), and every admin page says its words in the language in use: the page is searched for English
// words (in its text, labels, placeholders and titles), leaving out what the pages list (other events'
// titles, people's names), which is data.
import { afterAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { api, registerUser } from '../support/api'
import { adminSession, axe, buyThroughApi, canSell, closeBrowser, describeViolations, withTab } from './browser'

afterAll(closeBrowser)

/** English words no German or French interface sentence holds. */
const ENGLISH = /\b(the|and|of|to|is|are|this|with|your|for|from|not|be|by|it|has|have|been|yet|you|there|which|when|what|can|cannot|none|each|loading|save|add|remove|delete|search|show|sold|held|available|orders?|events?|tickets? types?)\b/i

/**
 * English found on the page: in its text and in its labels, placeholders and titles, each with what
 * surrounds it. `rowsAreData`: the rows of tables and lists are left out (other tests' events and people).
 */
async function englishOn(page: Page, rowsAreData: boolean): Promise<string[]> {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'))
  const texts = await page.evaluate((leaveOutRows) => {
    const main = document.querySelector('main')!.cloneNode(true) as HTMLElement
    if (leaveOutRows) for (const row of main.querySelectorAll('tbody, li, article')) row.remove()
    // A choice of an event (the orders page's filter) is named by its title: data too.
    for (const option of main.querySelectorAll('option')) if (/^[0-9a-f]{24}$/.test((option as HTMLOptionElement).value)) option.remove()
    // A form control's value is what was typed (an event's own words), not the page's.
    for (const field of main.querySelectorAll('textarea')) field.textContent = ''
    const attributes = [...main.querySelectorAll('[aria-label], [placeholder], [title]')].flatMap((el) => ['aria-label', 'placeholder', 'title'].map((a) => el.getAttribute(a) ?? ''))
    return [(main as HTMLElement).innerText ?? main.textContent ?? '', ...attributes, document.title]
  }, rowsAreData)
  const found: string[] = []
  for (const text of texts) {
    // Addresses, web addresses and the emails' placeholders ({event}) are data, not words.
    const words = text.replace(/\S+@\S+|https?:\/\/\S+|\{\w+\}/g, '')
    for (const match of words.matchAll(new RegExp(ENGLISH.source, 'gi'))) found.push(`“${match[0]}” in “${words.slice(Math.max(0, match.index! - 40), match.index! + 40).replace(/\s+/g, ' ')}”`)
  }
  return found
}

/** A local date-time input value a month from now at `hour`:00. */
function inAMonth(hour: number) {
  const d = new Date(Date.now() + 30 * 86_400_000)
  d.setHours(hour, 0, 0, 0)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:00`
}

let eventId = ''

describe.skipIf(!canSell)('admin pages in German and French', () => {
  test('an organiser creates an event and a ticket type in German; the editor and the attendee list hold no English', async () => {
    const admin = await adminSession()
    const title = `Hafenkonzert ${Math.random().toString(36).slice(2, 7)}`
    await withTab({ session: admin, locale: 'de-DE' }, async ({ page }) => {
      await page.goto('/admin/events/new')
      await page.getByRole('heading', { level: 1, name: 'Neue Veranstaltung' }).waitFor()
      expect(await page.title()).toContain('Verwaltung · Neue Veranstaltung')
      // The form's own check, in German, before anything is sent.
      await page.getByRole('button', { name: 'Veranstaltung anlegen' }).click()
      await page.getByText('Geben Sie einen Titel ein.').waitFor()
      await page.getByLabel('Titel', { exact: true }).fill(title)
      await page.getByLabel('Beschreibung', { exact: true }).fill('Drei Bands am Meer.')
      await page.getByLabel('Kategorie', { exact: true }).fill('music')
      await page.getByLabel('Veranstalter', { exact: true }).fill('Hafenverein')
      await page.getByLabel('Name des Veranstaltungsorts', { exact: true }).fill('Pier 4')
      await page.getByLabel('Adresse', { exact: true }).fill('Kai 1')
      await page.getByLabel('Stadt', { exact: true }).fill('Kiel')
      await page.getByLabel('Beginn', { exact: true }).fill(inAMonth(18))
      await page.getByLabel('Ende', { exact: true }).fill(inAMonth(23))
      await page.getByLabel('Sichtbarkeit', { exact: true }).selectOption('published')
      await page.getByRole('button', { name: 'Veranstaltung anlegen' }).click()
      await page.waitForURL(/\/admin\/events\/[0-9a-f]{24}$/)
      eventId = page.url().split('/').pop()!

      // A ticket type, its price with a German decimal comma; a wrong price is said in German first.
      await page.locator('#nt-name').fill('Stehplatz')
      await page.locator('#nt-price').fill('abc')
      await page.locator('#nt-capacity').fill('40')
      await page.getByRole('button', { name: 'Ticketart hinzufügen' }).click()
      await page.getByText(/^Geben Sie einen Preis ein/).waitFor()
      await page.locator('#nt-price').fill('30,50')
      await page.getByRole('button', { name: 'Ticketart hinzufügen' }).click()
      await page.getByRole('heading', { level: 3, name: 'Stehplatz' }).waitFor()
      await page.getByText('0 verkauft · 0 reserviert · 40 verfügbar', { exact: true }).waitFor()
      const stored = await api(`/events/${eventId}`)
      expect(stored.body.ticketTypes).toEqual([expect.objectContaining({ name: 'Stehplatz', priceCents: 3050, capacity: 40 })])

      // Every section of the editor (ticket types, dates, shared capacity, vouchers, questions, emails, waiting room).
      expect(await englishOn(page, false)).toEqual([])
      expect(describeViolations((await axe(page)).serious)).toBe('')

      // A sale, then the attendee list: its counts and its words in German.
      const buyer = await registerUser('admin-de')
      await buyThroughApi(buyer, { id: eventId, title, types: [{ id: stored.body.ticketTypes[0].id, name: 'Stehplatz', priceCents: 3050 }] }, 2)
      await page.goto(`/admin/events/${eventId}/attendees`)
      await page.getByRole('heading', { level: 1, name: 'Teilnehmer' }).waitFor()
      await page.getByText(buyer.user.email).first().waitFor()
      expect(await englishOn(page, false)).toEqual([])
      await page.goto(`/admin/events/${eventId}`)
      await page.getByText('2 verkauft · 0 reserviert · 38 verfügbar', { exact: true }).waitFor()
    })
  }, 90_000)

  const PAGES = [
    { path: '/admin', de: 'Veranstaltungen', fr: 'Événements' },
    { path: '/admin/orders', de: 'Bestellungen', fr: 'Commandes' },
    { path: '/admin/dashboard', de: 'Verkaufsübersicht', fr: 'Tableau des ventes' },
    { path: '/admin/people', de: 'Personen', fr: 'Personnes' },
    { path: '/admin/webhooks', de: 'Webhooks', fr: 'Webhooks' },
    { path: '/admin/activity', de: 'Aktivität', fr: 'Activité' },
  ]

  for (const lang of ['de', 'fr'] as const) {
    test(`every admin page in ${lang === 'de' ? 'German' : 'French'}: its heading, its words, no English`, async () => {
      const admin = await adminSession()
      await withTab({ session: admin, locale: lang === 'de' ? 'de-DE' : 'fr-FR' }, async ({ page }) => {
        const english: Record<string, string[]> = {}
        for (const { path, ...heading } of PAGES) {
          await page.goto(path)
          await page.getByRole('heading', { level: 1, name: heading[lang], exact: true }).waitFor()
          english[path] = await englishOn(page, true)
        }
        // The event made above, in this language too (its own words are German: data).
        if (eventId) {
          await page.goto(`/admin/events/${eventId}`)
          await page.getByRole('heading', { level: 3, name: 'Stehplatz' }).waitFor()
          english.editor = await englishOn(page, false)
        }
        expect(english).toEqual(Object.fromEntries(Object.keys(english).map((k) => [k, []])))
        expect(describeViolations((await axe(page)).serious)).toBe('')
      })
    }, 90_000)
  }
})
