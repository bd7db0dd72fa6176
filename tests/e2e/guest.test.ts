// Buying as a guest in the browser: from the event page with only an address and a name, through
// checkout to the tickets; later, in another browser, back to them through the emailed link (real SMTP).
import { afterAll, describe, expect, test } from 'bun:test'
import { api, eventually, registerUser } from '../support/api'
import { system } from '../support/system'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { availabilityOf, canSell, CARDS, closeBrowser, payWith, screenshot, seedEvent, withTab } from './browser'

const smtp = mailingThroughTestSmtp('auth')

afterAll(closeBrowser)

/** Straight to auth from an address of its own. */
async function signInStatus(email: string, password: string) {
  const r = await fetch(`${system().urls.auth}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-real-ip': '198.18.11.1' }, body: JSON.stringify({ email, password }) })
  return r.status
}

describe.if(canSell)('buying as a guest', () => {
  test('an address and a name on the way to buying; checkout and tickets as anyone’s; back later through an emailed link; kept in an account', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 3000, capacity: 20 }])
    const address = `guest-${Date.now().toString(36)}@example.test`
    const orderId = await withTab({}, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'One more Standing' }).click()
      await page.getByRole('button', { name: 'One more Standing' }).click()
      await page.getByRole('button', { name: 'Sign in or buy as a guest' }).click()
      await page.waitForURL(/\/signin\?next=/)
      // Folded until asked for; then the keyboard is in its first field.
      await page.getByRole('button', { name: 'Continue as a guest' }).click()
      expect(await page.locator('#guest-email').evaluate((el) => el === document.activeElement)).toBe(true)
      // Checked before anything is sent.
      await page.getByRole('button', { name: 'Go on to buy as a guest' }).click()
      await page.getByText('Enter your email address.').waitFor()
      await page.locator('#guest-email').fill(address)
      await page.getByRole('button', { name: 'Go on to buy as a guest' }).click()
      await page.getByText('Enter your name.').waitFor()
      await page.locator('#guest-name').fill('Grace Guest')
      await screenshot(page, 'guest-checkout')
      await page.getByRole('button', { name: 'Go on to buy as a guest' }).click()

      // Back on the event with the selection kept, as after signing in.
      await page.waitForURL(`**/events/${event.id}`)
      await page.locator('.toast', { hasText: `You are buying as a guest: your tickets go to ${address}.` }).waitFor()
      await page.getByText('Signed in as').waitFor()
      expect(await page.getByLabel('Quantity of Standing').inputValue()).toBe('2')
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
      const id = page.url().split('/').pop()!
      await payWith(page, CARDS.approved)
      await page.waitForURL(`**/orders/${id}?confirmed=1`)
      await page.getByRole('heading', { level: 1, name: 'Payment confirmed' }).waitFor()
      expect((await availabilityOf(event.id)).ticketTypes[0]).toMatchObject({ sold: 2, held: 0 })

      // The account page says how to come back, and offers no password to change.
      await page.goto('/account')
      await page.getByText(`You bought as a guest, with ${address}.`).waitFor()
      expect(await page.getByRole('heading', { name: 'Change your password' }).count()).toBe(0)
      expect(await page.getByRole('heading', { name: 'Two-step sign-in' }).count()).toBe(0)
      return id
    })

    // Another browser, signed out: from the sign-in page to the emailed link, and the tickets.
    await withTab({}, async ({ page }) => {
      await page.goto('/signin')
      await page.getByRole('link', { name: 'Get a link to your tickets' }).click()
      await page.getByRole('heading', { level: 1, name: 'Your tickets, bought as a guest' }).waitFor()
      await page.getByLabel('Email').fill(address)
      await page.getByRole('button', { name: 'Email me a link' }).click()
      await page.getByText(`If ${address} bought as a guest, a link to its tickets is on its way.`).waitFor()

      const message = await eventually(`the guest link to ${address}`, async () => smtp.received.find((m) => m.to.includes(address)), 15_000, 100)
      const link = /https?:\/\/\S+?(\/guest#token=[A-Za-z0-9_-]+)/.exec(decodeMime(message.data))
      expect(link).not.toBeNull()
      await page.goto(link![1]!)
      await page.waitForURL('**/tickets')
      await page.getByRole('heading', { level: 1, name: 'My tickets' }).waitFor()
      await page.locator(`[data-order="${orderId}"] img`).nth(1).waitFor()
      await screenshot(page, 'guest-back-by-link')

      // The link works once: opened again, the page says so and offers a new one.
      await page.goto(link![1]!)
      await page.getByText('This link is used, expired or not whole.').waitFor()
      // The token left the address bar (and so the history and any screenshot of it) at once.
      expect(page.url()).not.toContain('token=')
      await page.getByRole('button', { name: 'Email me a link' }).waitFor()

      // Still signed in as the guest, who keeps it all in an account with a password.
      await page.goto('/account')
      await page.getByRole('heading', { name: 'Keep your tickets in an account' }).waitFor()
      await page.getByLabel('New password', { exact: true }).fill('kept in an account')
      await page.getByLabel('New password, again').fill('kept in an account')
      await page.getByRole('button', { name: 'Create my account' }).click()
      await page.locator('.toast', { hasText: `Your account is ready: next time, sign in with ${address} and your password.` }).waitFor()
      await page.getByRole('heading', { name: 'Change your password' }).waitFor()
      expect(await signInStatus(address, 'kept in an account')).toBe(200)
    })
  }, 120_000)

  test('a guest link opened where an account is signed in asks first; declined, the account stays and the link still works', async () => {
    const buyer = await registerUser('signed-in-here')
    const address = `guest-switch-${Date.now().toString(36)}@example.test`
    const guest = await api('/auth/guest', { body: { email: address, name: 'Switching Guest' } })
    expect(guest.status).toBe(201)
    expect((await api('/auth/guest/link', { body: { email: address } })).status).toBe(202)
    const message = await eventually(`the guest link to ${address}`, async () => smtp.received.find((m) => m.to.includes(address)), 15_000, 100)
    const link = /https?:\/\/\S+?(\/guest#token=[A-Za-z0-9_-]+)/.exec(decodeMime(message.data))![1]!
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(link)
      const dialog = page.getByRole('dialog')
      await dialog.getByText(`You are signed in here as ${buyer.user.email}.`).waitFor()
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      await page.getByText(`You are still signed in as ${buyer.user.email}. The link was not used`).waitFor()
      expect((await api('/auth/me', { token: buyer.token })).status).toBe(200)

      await page.goto(link)
      await page.getByRole('dialog').getByRole('button', { name: 'Sign out and open' }).click()
      await page.waitForURL('**/tickets')
      await page.getByRole('link', { name: 'Switching Guest' }).waitFor()
      // The account's session here was ended, not just forgotten.
      expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)
    })
  }, 60_000)
})
