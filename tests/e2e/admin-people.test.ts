// Admins and the people with accounts in a real browser: found by address, a buyer made door staff (the
// gateway takes the role at once), a role change called off, two-step sign-in turned off for someone who
// lost their phone, a guest told apart (no role to give), and an account closed on its holder's request.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { totp } from '../support/totp'
import { adminSession, axe, closeBrowser, describeViolations, screenshot, seedEvent, startingSoon, withTab } from './browser'

afterAll(closeBrowser)

const roleOf = async (id: string, token: string) => (await api(`/users?ids=${id}`, { token })).body.items[0]

describe('people', () => {
  test('found by address; a buyer made door staff, a change called off, two-step sign-in turned off, a guest told apart', async () => {
    const admin = await adminSession()
    const tag = `people${Math.random().toString(36).slice(2, 7)}`
    const worker = await registerUser(`${tag}-worker`)
    const phoneless = await registerUser(`${tag}-phoneless`)
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: phoneless.token })
    expect((await api('/auth/two-factor/enable', { token: phoneless.token, body: { password: 'correct horse 1', code: totp(setup.body.secret) } })).status).toBe(200)
    const guest = await api('/auth/guest', { body: { email: `${tag}-guest@example.test`, name: 'Guest Buyer' } })
    expect(guest.status).toBe(201)

    await withTab({ session: admin }, async ({ page }) => {
      await page.goto('/admin')
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'People' }).click()
      await page.getByRole('heading', { level: 1, name: 'People' }).waitFor()
      await page.getByLabel('Email').fill(tag)
      await page.getByRole('button', { name: 'Search' }).click()
      await page.getByText('3 people').waitFor()
      const table = page.getByRole('region', { name: 'People table' })
      await table.getByText('Guest (no password, no role)').waitFor()
      expect(await table.getByRole('combobox').count()).toBe(2)
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'admin-people')

      // Called off: nothing changes, and the picker says so.
      const picker = page.getByLabel(`Role of ${worker.user.email}`)
      await picker.selectOption('staff')
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
      expect(await picker.inputValue()).toBe('customer')
      expect((await roleOf(worker.user.id, admin.token)).role).toBe('customer')
      // Made door staff.
      await picker.selectOption('staff')
      await page.getByRole('dialog').getByText('They can check tickets in and read attendee lists').waitFor()
      await page.getByRole('dialog').getByRole('button', { name: 'Change the role' }).click()
      await page.locator('.toast', { hasText: `${worker.user.email} is door staff now.` }).waitFor()
      expect((await roleOf(worker.user.id, admin.token)).role).toBe('staff')
      const refreshed = await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })
      expect(JSON.parse(Buffer.from(refreshed.body.accessToken.split('.')[1], 'base64url').toString()).role).toBe('staff')

      // Two-step sign-in off for the one who lost their phone.
      await page.getByRole('button', { name: `Turn off two-step sign-in for ${phoneless.user.email}` }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Turn it off' }).click()
      await page.locator('.toast', { hasText: `Two-step sign-in is off for ${phoneless.user.email}.` }).waitFor()
      expect((await roleOf(phoneless.user.id, admin.token)).twoFactor).toBe(false)
      expect((await api('/auth/login', { body: { email: phoneless.user.email, password: 'correct horse 1' } })).status).toBe(200)

      // By role: only the new door worker among them.
      await page.getByLabel('Role', { exact: true }).selectOption('staff')
      await page.getByRole('button', { name: 'Search' }).click()
      await page.getByText('1 person').waitFor()
      await table.getByText(worker.user.email).waitFor()
      // Door staff has no "Close account": only a buyer's account is closed here.
      expect(await table.getByRole('button', { name: `Close account of ${worker.user.email}` }).count()).toBe(0)

      // The guest asked for their account to be closed: called off first, then done.
      const guestEmail = `${tag}-guest@example.test`
      await page.getByLabel('Role', { exact: true }).selectOption('')
      await page.getByRole('button', { name: 'Search' }).click()
      await page.getByText('3 people').waitFor()
      await page.getByRole('button', { name: `Close account of ${guestEmail}` }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
      expect((await api('/auth/me', { token: guest.body.accessToken })).status).toBe(200)
      await page.getByRole('button', { name: `Close account of ${guestEmail}` }).click()
      await page.getByRole('dialog').getByText('Its orders, tickets (still valid) and invoices stay.').waitFor()
      await page.getByRole('dialog').getByRole('button', { name: 'Close the account' }).click()
      await page.locator('.toast', { hasText: `The account of ${guestEmail} is closed.` }).waitFor()
      await page.getByText('2 people').waitFor()
      expect((await api('/auth/me', { token: guest.body.accessToken })).status).toBe(401)
    })
  }, 90_000)

  test("door staff given one event's door: chosen on People, and their door page offers that event only", async () => {
    const admin = await adminSession()
    const tag = `doors${Math.random().toString(36).slice(2, 7)}`
    const theirs = await seedEvent([{ name: 'Floor', priceCents: 1000, capacity: 10 }], { title: `Door of ${tag}`, status: 'published', ...startingSoon() })
    await seedEvent([{ name: 'Floor', priceCents: 1000, capacity: 10 }], { title: `Not the door of ${tag}`, status: 'published', ...startingSoon() })
    const worker = await registerUser(`${tag}-worker`)
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)

    await withTab({ session: admin }, async ({ page }) => {
      await page.goto(`/admin/people?q=${tag}`)
      await page.getByText('Works the door of every event').click()
      await page.getByLabel('These events only:').check()
      // The upcoming events load under the choice and push the button down (50 of them in a whole run):
      // the click waits for them, or it could land where the button was.
      await page.locator('details.staff-events input[type="checkbox"]').first().waitFor()
      await page.getByRole('button', { name: `Save doors of ${worker.user.email}` }).click()
      await page.getByText('Choose at least one event, or every event.').waitFor()
      await page.getByLabel('Find an event').fill(`Door of ${tag}`)
      await page.getByRole('checkbox', { name: new RegExp(`^Door of ${tag}`) }).check()
      await page.getByRole('button', { name: `Save doors of ${worker.user.email}` }).click()
      await page.locator('.toast', { hasText: `${worker.user.email} works the door of 1 event now.` }).waitFor()
      await page.locator('summary', { hasText: 'Works the door of 1 event' }).waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
    })
    expect((await roleOf(worker.user.id, admin.token)).events).toEqual([theirs.id])

    const refreshed = await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })
    const staff = { token: refreshed.body.accessToken, refreshToken: refreshed.body.refreshToken, user: refreshed.body.user }
    await withTab({ session: staff }, async ({ page }) => {
      await page.goto('/admin/checkin')
      const door = page.getByLabel('This door admits to')
      await page.locator(`#f-door option[value="${theirs.id}"]`).waitFor({ state: 'attached' })
      expect(await door.locator('option').allTextContents()).toEqual(['Any of your events', expect.stringContaining(`Door of ${tag}`)])
    })
  }, 90_000)
})
