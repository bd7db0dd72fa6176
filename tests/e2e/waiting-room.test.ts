// The waiting room in a real browser: an admin switches it on in the event editor; a buyer joins the
// line on the event page, sees their number, and can buy once the page lets them in by itself.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { adminSession, canSell, closeBrowser, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('the waiting room', () => {
  test('switched on in the editor; a buyer joins, waits their turn on the event page and then buys', async () => {
    const event = await seedEvent([{ name: 'Pit', priceCents: 5500, capacity: 40 }])
    const admin = await adminSession()
    await withTab({ session: admin }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const section = page.locator('section', { has: page.getByRole('heading', { name: 'Waiting room' }) })
      await section.getByLabel('Buyers go through the waiting room').check()
      await section.getByLabel('Buyers let in per minute').fill('0')
      await section.getByRole('button', { name: 'Save the waiting room' }).click()
      await section.getByText('A whole number from 1 to 100,000.').waitFor()
      await section.getByLabel('Buyers let in per minute').fill('60')
      await section.getByLabel('Minutes each has to start buying').fill('10')
      await section.getByRole('button', { name: 'Save the waiting room' }).click()
      await page.locator('.toast', { hasText: 'Waiting room on.' }).waitFor()
    })
    expect((await api(`/events/${event.id}/waiting-room`)).body).toMatchObject({ enabled: true, admitPerMinute: 60, passMinutes: 10 })

    // Five join just before the buyer: the buyer is sixth, about five seconds back at one a second. They
    // join right before the buyer's click (not before the page loads), so a slow machine cannot have
    // let the whole line in before the buyer joins it.
    const ahead = await Promise.all([1, 2, 3, 4, 5].map((n) => registerUser(`room-web-${n}`)))
    const buyer = await registerUser('room-web')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'One more Pit' }).click()
      await page.getByText('This sale goes through a waiting room.').waitFor()
      expect(await page.getByRole('button', { name: 'Buy tickets' }).count()).toBe(0)
      for (const person of ahead) expect((await api(`/events/${event.id}/waiting-room`, { method: 'POST', token: person.token })).status).toBe(200)
      await page.getByRole('button', { name: 'Join the line' }).click()
      await page.getByText(/You are number \d+ in the line/).waitFor()
      // The focus moves to the place the button gave; a screen reader hears it once.
      await page.waitForFunction(() => document.activeElement?.className === 'waiting-place', undefined, { timeout: 5_000 })
      await page.locator('p.sr-only[role="status"]').filter({ hasText: /^You are in the line: number \d+\.$/ }).waitFor()
      await screenshot(page, 'waiting-room-in-line')
      // Let in by the page's own polling, with nothing clicked: said, shown, and in the tab's title.
      await page.locator('p.sr-only[role="status"]').filter({ hasText: /^It is your turn: pick your tickets and buy before/ }).waitFor({ timeout: 15_000 })
      await page.locator('.alert-success', { hasText: 'It is your turn' }).waitFor()
      expect(await page.title()).toMatch(/^Your turn · /)
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
    })
  }, 60_000)
})
