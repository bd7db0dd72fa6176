// Passwords in the browser: "Forgot your password?" from the sign-in page to the emailed link (real
// SMTP) and a new password; the account page changing a known one.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, eventually, registerUser } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'
import { adminSession, buyThroughApi, closeBrowser, screenshot, seedEvent, sessionCookie, withTab } from './browser'
import { readFile } from 'node:fs/promises'

const PASSWORD = 'correct horse 1'
const smtp = mailingThroughTestSmtp('auth')

afterAll(closeBrowser)

let address = 0
/** Straight to auth from an address of its own: a failed sign-in here counts against no other test's address. */
async function signInStatus(email: string, password: string) {
  const r = await fetch(`${system().urls.auth}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': `198.18.9.${++address}` },
    body: JSON.stringify({ email, password }),
  })
  return r.status
}

describe('passwords in the browser', () => {
  test('forgotten: from the sign-in page to the emailed link, a new password, signed in; the link then refused', async () => {
    const buyer = await registerUser('forgot')
    const email = buyer.user.email
    await withTab({}, async ({ page }) => {
      await page.goto('/signin')
      await page.getByLabel('Email').fill(email)
      await page.getByRole('link', { name: 'Forgot your password?' }).click()
      await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor()
      // The address typed on the sign-in page comes along.
      expect(await page.getByLabel('Email').inputValue()).toBe(email)
      await page.getByRole('button', { name: 'Send the link' }).click()
      await page.getByText('an email with a link to choose a new password is on its way').waitFor()
      await screenshot(page, 'forgot-password')

      const message = await eventually(`the reset email to ${email}`, async () => smtp.received.find((m) => m.to.includes(email)), 15_000, 100)
      const link = /https?:\/\/\S+?(\/reset-password#token=[A-Za-z0-9_-]+)/.exec(decodeMime(message.data))
      expect(link).not.toBeNull()
      await page.goto(link![1]!)
      await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor()
      // The token leaves the address bar (and so the history and any screenshot of it) at once.
      expect(page.url()).not.toContain('token=')

      await page.getByLabel('New password', { exact: true }).fill('my fresh password')
      await page.getByLabel('New password, again').fill('my fresh passwort')
      await page.getByRole('button', { name: 'Set the new password' }).click()
      await page.getByText('The two passwords are not the same.').waitFor()
      await page.getByLabel('New password, again').fill('my fresh password')
      await page.getByRole('button', { name: 'Set the new password' }).click()
      await page.locator('.toast', { hasText: 'Your new password is set.' }).waitFor()
      await page.getByText('Signed in as').waitFor()
      expect(await signInStatus(email, PASSWORD)).toBe(401)
      expect(await signInStatus(email, 'my fresh password')).toBe(200)
      // The session the page had before (none here) and the one registration started are over.
      expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)

      await page.goto(link![1]!)
      await page.getByLabel('New password', { exact: true }).fill('a third password')
      await page.getByLabel('New password, again').fill('a third password')
      await page.getByRole('button', { name: 'Set the new password' }).click()
      await page.getByText('This link is not valid any more').waitFor()
      await page.getByRole('link', { name: 'Ask for a new link' }).waitFor()
    })
  }, 60_000)

  test('the account page changes the name, and a known password; a wrong current one is shown at its field', async () => {
    const buyer = await registerUser('change')
    await withTab({ session: buyer }, async ({ page, context }) => {
      await page.goto('/')
      await page.getByRole('link', { name: buyer.user.name }).click()
      await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor()
      await page.getByText(buyer.user.email).waitFor()
      // The name: an empty one is refused at its field, a new one saved and shown in the header.
      await page.getByLabel('Name', { exact: true }).fill('   ')
      await page.getByRole('button', { name: 'Save name' }).click()
      await page.getByText('Enter your name.').waitFor()
      await page.getByLabel('Name', { exact: true }).fill('  Grace Hopper ')
      await page.getByRole('button', { name: 'Save name' }).click()
      await page.locator('.toast', { hasText: 'Your name is saved.' }).waitFor()
      await page.getByRole('link', { name: 'Grace Hopper' }).waitFor()
      expect((await api('/auth/me', { token: buyer.token })).body.name).toBe('Grace Hopper')

      await page.getByLabel('Current password').fill('not my password')
      await page.getByLabel('New password', { exact: true }).fill('changed password 1')
      await page.getByLabel('New password, again').fill('changed password 1')
      await page.getByRole('button', { name: 'Change password' }).click()
      await page.getByText('This is not your current password.').waitFor()
      // Focus moves to the field in error (once it is drawn), so a screen reader says what went wrong.
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'currentPassword', null, { timeout: 5_000 })

      await page.getByLabel('Current password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Change password' }).click()
      await page.locator('.toast', { hasText: 'Your password is changed.' }).waitFor()
      await screenshot(page, 'account')
      // The page keeps a working session of its own; the one it started with is over.
      const now = (await sessionCookie(context))?.value
      expect(now).toBeString()
      expect(now).not.toBe(buyer.refreshToken)
      expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)
      expect((await api('/auth/refresh', { body: { refreshToken: now } })).status).toBe(200)
      expect(await signInStatus(buyer.user.email, 'changed password 1')).toBe(200)
    })
  }, 60_000)

  test('the account page closes the account: the password and a tick confirm it; then signed out, the address free', async () => {
    const buyer = await registerUser('close')
    await withTab({ session: buyer }, async ({ page, context }) => {
      await page.goto('/account')
      await page.getByRole('heading', { level: 2, name: 'Close your account' }).waitFor()
      await page.getByText('Close it for good…').click()
      await page.getByText('Tickets you bought stay valid').waitFor()
      const form = page.locator('form', { has: page.getByRole('button', { name: 'Close my account' }) })
      // Not ticked: refused at the box, nothing sent.
      await form.getByLabel('Your password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Close my account' }).click()
      await page.getByText('Tick this to confirm.').waitFor()
      // A wrong password: said at its field, the account stays.
      await page.getByLabel('I understand that this cannot be undone.').check()
      await form.getByLabel('Your password').fill('not my password')
      await page.getByRole('button', { name: 'Close my account' }).click()
      await form.getByText('This is not your current password.').waitFor()
      expect((await api('/auth/me', { token: buyer.token })).status).toBe(200)
      await screenshot(page, 'account-close')

      await form.getByLabel('Your password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Close my account' }).click()
      await page.locator('.toast', { hasText: 'Your account is closed.' }).waitFor()
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor()
      expect(new URL(page.url()).pathname).toBe('/')
      // The session cookie went with it, and the account: no sign-in, the address free for a new one.
      expect(await sessionCookie(context)).toBeUndefined()
      expect(await signInStatus(buyer.user.email, PASSWORD)).toBe(401)
      expect((await api('/auth/register', { body: { email: buyer.user.email, password: PASSWORD, name: 'Someone new' } })).status).toBe(201)
    })
  }, 60_000)

  test('the account page downloads everything kept of the person as one file, without ticket codes', async () => {
    const buyer = await registerUser('download')
    const event = await seedEvent([{ name: 'Standing', priceCents: 3000, capacity: 20 }])
    const order = await buyThroughApi(buyer, event)
    const [ticket] = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/account')
      await page.getByRole('heading', { level: 2, name: 'Your data' }).waitFor()
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download your data' }).click()])
      expect(download.suggestedFilename()).toMatch(/^easypass-data-\d{4}-\d{2}-\d{2}\.json$/)
      const text = await readFile((await download.path())!, 'utf8')
      const file = JSON.parse(text)
      expect(file.account).toMatchObject({ id: buyer.user.id, email: buyer.user.email, passkeys: [] })
      expect(file.orders.orders.map((o: { order: { id: string } }) => o.order.id)).toEqual([order.id])
      expect(file.orders.orders[0].tickets[0]).toMatchObject({ status: 'valid', ticketTypeName: 'Standing' })
      expect(file.payments.payments).toEqual([expect.objectContaining({ orderId: order.id, status: 'succeeded', cardLast4: '4242' })])
      expect(Array.isArray(file.notifications.notifications)).toBe(true)
      expect(text).not.toContain(ticket!.code)
      await page.locator('.toast', { hasText: 'Your data is saved as a file.' }).waitFor()
    })
  }, 60_000)

  test('the account page of an admin says another admin must make it a customer first', async () => {
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto('/account')
      await page.getByText('An account with a role (admin or door staff) cannot be closed here').waitFor()
      expect(await page.getByRole('button', { name: 'Close my account' }).count()).toBe(0)
    })
  }, 30_000)

  test('the reset page opened without a link says how to get one', async () => {
    await withTab({}, async ({ page }) => {
      await page.goto('/reset-password')
      await page.getByText('This page needs the link from the password reset email.').waitFor()
      await page.getByRole('link', { name: 'Ask for a new link' }).click()
      await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor()
    })
  }, 30_000)
})
