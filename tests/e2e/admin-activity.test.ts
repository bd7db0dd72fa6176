// An admin reads the activity (the audit log) in a real browser: their own change and a door worker's
// refused attempt, filtered by who and by outcome.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, eventually, loginAdmin, registerUser } from '../support/api'
import { adminSession, axe, closeBrowser, describeViolations, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe('activity', () => {
  test("an admin's change and a door worker's refused attempt, found by who and by outcome", async () => {
    const admin = await loginAdmin()
    const event = await seedEvent()
    expect((await api(`/events/${event.id}`, { token: admin.token, method: 'PATCH', body: { title: `${event.title} (moved)` } })).status).toBe(200)
    const worker = await registerUser('activity-staff')
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)
    const staffToken = (await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })).body.accessToken as string
    expect((await api(`/events/${event.id}`, { token: staffToken, method: 'DELETE' })).status).toBe(403)
    await eventually('the refused attempt recorded', async () => (await api(`/audit?actor=${worker.user.id}`, { token: admin.token })).body.items.length === 1)

    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/admin')
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Activity' }).click()
      await page.getByRole('heading', { name: 'Activity' }).waitFor()
      const table = page.getByRole('region', { name: 'Activity table' })
      await table.getByText(`/api/events/${event.id}`, { exact: true }).first().waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'admin-activity')

      await page.getByLabel('Who').fill(worker.user.email)
      await page.getByLabel('Outcome').selectOption('refused')
      await page.getByRole('button', { name: 'Search' }).click()
      const rows = table.locator('tbody tr')
      // The filtered answer: one row (the table of the last search is not shown while the new one loads).
      await page.waitForFunction(() => document.querySelectorAll('[aria-label="Activity table"] tbody tr').length === 1)
      await rows.first().getByText('Door staff').waitFor()
      expect(await rows.count()).toBe(1)
      expect(await rows.first().locator('td').allTextContents()).toEqual([expect.any(String), `Removed /api/events/${event.id}`, 'RefusedHTTP 403'])
    })
  })
})
