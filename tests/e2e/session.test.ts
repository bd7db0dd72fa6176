// The browser session: kept across reloads, renewed silently with the rotating refresh token, and
// ended by signing out.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { closeBrowser, withTab } from './browser'

afterAll(closeBrowser)

const stored = (page: import('playwright-core').Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('easypass.session') ?? 'null') as { accessToken: string; refreshToken: string } | null)

/** A token the API refuses but whose `exp` the app cannot read: only the 401 can tell it. */
const REFUSED_TOKEN = 'not.a-valid.token'

/** A token whose `exp` says it expired a minute ago: the app renews it before using it. */
function expiredToken() {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'x', exp: Math.floor(Date.now() / 1000) - 60 })}.c2ln`
}

describe('the session in the browser', () => {
  for (const [how, token] of [
    ['a refused access token is renewed once and the request retried', REFUSED_TOKEN],
    ['an expired access token is renewed before it is sent', expiredToken()],
  ] as const) {
    test(`${how}; the new refresh token replaces the old one, which stops working`, async () => {
      const buyer = await registerUser('session')
      await withTab({ session: { ...buyer, token } }, async ({ page }) => {
        const refreshes: number[] = []
        page.on('response', (r) => r.url().endsWith('/api/auth/refresh') && refreshes.push(r.status()))
        await page.goto('/tickets')
        await page.getByRole('heading', { level: 1, name: 'My tickets' }).waitFor()
        await page.getByText('You have no tickets yet.').waitFor()
        // Several requests failed or waited at once (me, orders, notifications, the stream): one refresh served them all.
        expect(refreshes).toEqual([200])
        const after = await stored(page)
        expect(after?.refreshToken).toBeString()
        expect(after!.refreshToken).not.toBe(buyer.refreshToken)
        expect(after!.accessToken).not.toBe(token)
        // Rotation: the old refresh token is spent.
        expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)

        // A reload keeps the session, without another refresh.
        await page.reload()
        await page.getByText('You have no tickets yet.').waitFor()
        await page.getByText('Signed in as').waitFor()
        expect(refreshes).toEqual([200])
      })
    }, 60_000)
  }

  test('signing out forgets the session and ends it at the API', async () => {
    const buyer = await registerUser('signout')
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      await page.getByText('You have no tickets yet.').waitFor()
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor()
      expect(await stored(page)).toBeNull()
      expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)
      await page.goto('/tickets')
      await page.getByRole('heading', { level: 1, name: 'Please sign in' }).waitFor()
    })
  }, 60_000)

  test('a refresh token that no longer works signs the user out with words, not a blank page', async () => {
    const buyer = await registerUser('revoked')
    await api('/auth/logout', { token: buyer.token, body: { refreshToken: buyer.refreshToken } })
    await withTab({ session: { ...buyer, token: REFUSED_TOKEN } }, async ({ page }) => {
      await page.goto('/tickets')
      await page.getByRole('heading', { level: 1, name: 'Please sign in' }).waitFor()
      await page.locator('.toast', { hasText: 'Your session has ended. Please sign in again.' }).waitFor()
      expect(await stored(page)).toBeNull()
    })
  }, 60_000)
})
