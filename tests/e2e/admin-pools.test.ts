// Shared capacity in a real browser: an admin adds a pool of two ticket types in the event editor,
// sees it fill as tickets sell, cannot shrink it below what sold, and removes it; a buyer sees what the
// pool leaves of each type.
import { afterAll, describe, test } from 'bun:test'
import { registerUser } from '../support/api'
import { adminSession, buyThroughApi, canSell, closeBrowser, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('shared capacity', () => {
  test('a pool added in the editor limits both types together, live; not below what sold; removed again', async () => {
    const event = await seedEvent([
      { name: 'Seated', priceCents: 3000, capacity: 10 },
      { name: 'Student', priceCents: 1500, capacity: 10 },
    ])
    const admin = await adminSession()
    await withTab({ session: admin }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const section = page.locator('section', { has: page.getByRole('heading', { name: 'Shared capacity' }) })
      await section.getByText('No pools: each ticket type sells up to its own capacity.').waitFor()
      await section.getByRole('button', { name: 'Add the pool' }).click()
      await section.getByText('Pick at least two ticket types to share it.').waitFor()
      await section.getByLabel('Name').fill('Hall')
      await section.getByLabel('Tickets in all').fill('12')
      await section.getByLabel('Seated').check()
      await section.getByLabel('Student').check()
      await section.getByRole('button', { name: 'Add the pool' }).click()
      const row = section.locator('[data-pool]')
      await row.getByText('Hall: Seated, Student share 12 tickets · 0 sold · 0 held · 12 available').waitFor()

      // Tickets sold elsewhere show up on the open page.
      await buyThroughApi(await registerUser('pool-web'), event, 5, 0)
      await row.getByText('Hall: Seated, Student share 12 tickets · 5 sold · 0 held · 7 available').waitFor()
      await screenshot(page, 'admin-pools')
      await row.getByLabel('Capacity of Hall').fill('4')
      await row.getByRole('button', { name: 'Save' }).click()
      await row.getByText(/capacity cannot go below the 5 sold and 0 held tickets/i).waitFor()
    })
    // The buyer sees what the pool leaves of each type.
    await withTab({}, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.locator(`[data-ticket-type="${event.types[1]!.id}"]`).getByText('7 left').waitFor()
      await page.locator(`[data-ticket-type="${event.types[0]!.id}"]`).getByText('5 left').waitFor()
    })
    await withTab({ session: admin }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const section = page.locator('section', { has: page.getByRole('heading', { name: 'Shared capacity' }) })
      await section.getByRole('button', { name: 'Remove' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
      await section.getByText('No pools: each ticket type sells up to its own capacity.').waitFor()
    })
  }, 60_000)
})
