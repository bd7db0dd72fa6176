// Complimentary tickets in a real browser: an admin gives a named guest free tickets from the event's
// attendee page; they appear in the list under the guest's name, and the order says who they were for.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, uniqueEmail } from '../support/api'
import { adminSession, axe, canSell, closeBrowser, describeViolations, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('complimentary tickets', () => {
  test('an admin gives two free tickets to a named guest; the list shows them, the order says for whom', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 2000, capacity: 20, maxPerOrder: 1 }])
    const email = uniqueEmail('vip')
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}/attendees`)
      const form = page.getByRole('form', { name: 'Give complimentary tickets' })
      await form.getByLabel('How many').fill('2')
      await form.getByLabel('Guest email').fill('not-an-address')
      await form.getByRole('button', { name: 'Give the tickets' }).click()
      await form.getByText('Enter the guest’s email address.').waitFor()
      await form.getByLabel('Guest email').fill(email)
      await form.getByLabel('Guest name (optional)').fill('Ada Lovelace')
      await form.getByRole('button', { name: 'Give the tickets' }).click()
      await page.getByText(`2 tickets sent to ${email}.`).waitFor()
      const rows = page.getByRole('region', { name: 'Attendees table' }).locator('tbody tr')
      await rows.nth(1).waitFor()
      expect(await rows.locator('th').allTextContents()).toEqual(['Ada Lovelace', 'Ada Lovelace'])
      expect(describeViolations((await axe(page)).serious)).toBe('')

      // A pasted list: a bad line is said first; then each guest in turn, one refused when the rest do not fit.
      await page.getByText('Give tickets to a list of guests').click()
      const list = page.getByRole('form', { name: 'Give complimentary tickets to a list of guests' })
      await list.getByLabel('Tickets each').fill('10')
      const [first, second] = [uniqueEmail('list-a'), uniqueEmail('list-b')]
      await list.getByLabel('Guests').fill(`${first}, Grace Hopper\nnot an address\n${second}`)
      await list.getByRole('button', { name: 'Give to every guest' }).click()
      await list.getByText('line 2: “not an address” is not an email address.').waitFor()
      await list.getByLabel('Guests').fill(`${first}, Grace Hopper\n\n${second}`)
      await list.getByRole('button', { name: 'Give to every guest' }).click()
      await page.locator('[data-guests-given="1"]').getByText('Given to 1 of 2 guests.').waitFor()
      await page.locator(`[data-guest-refused="${second}"]`).getByText(/only 8 "Standing" tickets left/i).waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await page.locator('[data-given]').getByRole('link', { name: 'the order and its tickets' }).click()
      await page.getByText(`Complimentary, for Ada Lovelace (${email}): the tickets went to that address.`).waitFor()
    })
    const admin = await loginAdmin()
    expect((await api(`/events/${event.id}/availability`, { token: admin.token })).body.ticketTypes[0]).toMatchObject({ sold: 12, available: 8 })
  }, 60_000)
})
