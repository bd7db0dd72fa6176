// More dates of an event in a real browser: the admin adds weekly dates in the event's editor, publishes
// one, and a buyer on the event page finds the other date and goes there.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin } from '../support/api'
import { adminSession, closeBrowser, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe('more dates of an event', () => {
  test('added weekly in the editor as drafts with the ticket types; a published one is listed on the event page', async () => {
    const event = await seedEvent([{ name: 'Matinee', priceCents: 2200, capacity: 25 }])
    const admin = await loginAdmin()
    const before = (await api(`/events/${event.id}`)).body as { startsAt: string }
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const form = page.getByRole('form', { name: 'Add dates' })
      await form.getByLabel('Number of dates').fill('2')
      await form.getByRole('button', { name: 'Add dates' }).click()
      await page.locator('.toast', { hasText: '2 dates added as drafts' }).waitFor()
      const list = page.getByRole('list', { name: 'Other dates of this event' })
      await list.getByRole('link').nth(1).waitFor()
      expect(await list.getByText('Draft', { exact: true }).count()).toBe(2)
      await screenshot(page, 'event-dates-added')
    })
    const series = (await api(`/events?seriesId=${event.id}&status=all`, { token: admin.token })).body.items as Array<{ id: string; startsAt: string; status: string }>
    expect(series).toHaveLength(3)
    const [, next, last] = series
    // The form's default: a week after the event, then every week.
    expect(Date.parse(next!.startsAt) - Date.parse(before.startsAt)).toBeGreaterThanOrEqual(7 * 86_400_000 - 3_600_000)
    expect(Date.parse(last!.startsAt) - Date.parse(next!.startsAt)).toBeGreaterThanOrEqual(7 * 86_400_000 - 3_600_000)
    expect(((await api(`/events/${next!.id}`, { token: admin.token })).body.ticketTypes as Array<{ name: string }>).map((t) => t.name)).toEqual(['Matinee'])
    expect((await api(`/events/${next!.id}`, { method: 'PATCH', token: admin.token, body: { status: 'published' } })).status).toBe(200)

    await withTab({}, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      const other = page.getByRole('region', { name: 'Other dates' })
      await other.getByRole('link').waitFor()
      expect(await other.getByRole('link').count()).toBe(1)
      await other.getByRole('link').click()
      await page.waitForURL(`**/events/${next!.id}`)
      await page.getByRole('region', { name: 'Other dates' }).getByRole('link').waitFor()
    })
  }, 60_000)
})
