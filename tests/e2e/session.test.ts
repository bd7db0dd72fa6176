// The browser session: kept across reloads, renewed silently with the rotating refresh token (an
// HttpOnly cookie no script reads), and ended by signing out.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { closeBrowser, sessionCookie, SESSION_COOKIE, withTab } from './browser'

afterAll(closeBrowser)

const stored = (page: import('playwright-core').Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('easypass.session') ?? 'null') as { accessToken: string; refreshToken?: string } | null)

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
    test(`${how}; the new refresh token replaces the old one in the cookie, and the old one stops working`, async () => {
      const buyer = await registerUser('session')
      await withTab({ session: { ...buyer, token } }, async ({ page, context }) => {
        const refreshes: number[] = []
        page.on('response', (r) => r.url().endsWith('/api/auth/refresh') && refreshes.push(r.status()))
        await page.goto('/tickets')
        await page.getByRole('heading', { level: 1, name: 'My tickets' }).waitFor()
        await page.getByText('You have no tickets yet.').waitFor()
        // Several requests failed or waited at once (me, orders, notifications, the stream): one refresh served them all.
        expect(refreshes).toEqual([200])
        const after = await stored(page)
        expect(after!.accessToken).not.toBe(token)
        // The refresh token is only in the cookie: rotated, HttpOnly, and out of the page's reach.
        expect(after!.refreshToken).toBeUndefined()
        const cookie = await sessionCookie(context)
        expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
        expect(cookie!.value).not.toBe(buyer.refreshToken)
        expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth' })
        expect(await page.evaluate(() => document.cookie)).not.toContain(`${SESSION_COOKIE}=`)
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

  test('signing out forgets the session and its cookie and ends it at the API', async () => {
    const buyer = await registerUser('signout')
    await withTab({ session: buyer }, async ({ page, context }) => {
      await page.goto('/tickets')
      await page.getByText('You have no tickets yet.').waitFor()
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor()
      expect(await stored(page)).toBeNull()
      expect(await sessionCookie(context)).toBeUndefined()
      expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)
      await page.goto('/tickets')
      await page.getByRole('heading', { level: 1, name: 'Please sign in' }).waitFor()
    })
  }, 60_000)

  test('a sign-out the API never heard (the connection dropped) keeps the user signed in and says so; the next one ends it', async () => {
    const buyer = await registerUser('signout-offline')
    await withTab({ session: buyer }, async ({ page, context }) => {
      await page.goto('/tickets')
      await page.getByText('You have no tickets yet.').waitFor()
      await page.route('**/api/auth/logout', (route) => route.abort('connectionreset'))
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.locator('.toast', { hasText: 'You are still signed in' }).waitFor()
      expect(await stored(page)).not.toBeNull()
      expect(await sessionCookie(context)).toBeDefined()
      await page.unroute('**/api/auth/logout')
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor()
      expect(await sessionCookie(context)).toBeUndefined()
    })
  }, 60_000)

  test('a refresh token that no longer works signs the user out with words, not a blank page', async () => {
    const buyer = await registerUser('revoked')
    await api('/auth/logout', { token: buyer.token, body: { refreshToken: buyer.refreshToken } })
    await withTab({ session: { ...buyer, token: REFUSED_TOKEN } }, async ({ page, context }) => {
      await page.goto('/tickets')
      await page.getByRole('heading', { level: 1, name: 'Please sign in' }).waitFor()
      await page.locator('.toast', { hasText: 'Your session has ended. Please sign in again.' }).waitFor()
      expect(await stored(page)).toBeNull()
      // The refused cookie is cleared by the API's answer.
      expect(await sessionCookie(context)).toBeUndefined()
    })
  }, 60_000)

  test('signing in through the form keeps the refresh token out of the page: in the cookie only', async () => {
    const buyer = await registerUser('form')
    await withTab({}, async ({ page, context }) => {
      await page.goto('/signin')
      await page.getByLabel('Email').fill(buyer.user.email)
      await page.getByLabel('Password').fill('correct horse 1')
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.getByText('Signed in as').waitFor()
      const session = await stored(page)
      expect(session?.accessToken).toBeString()
      expect(session && 'refreshToken' in session).toBe(false)
      expect(JSON.stringify(await page.evaluate(() => ({ ...localStorage })))).not.toContain((await sessionCookie(context))!.value)
      // The cookie works for a refresh only with the app's header (no cross-site form can add it).
      const value = (await sessionCookie(context))!.value
      const bare = await fetch(`${new URL(page.url()).origin}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${value}` }, body: '{}' })
      expect(bare.status).toBe(400)
      await page.reload()
      await page.getByText('Signed in as').waitFor()
    })
  }, 60_000)

  test('a session stored before the cookie (its refresh token in localStorage) moves into the cookie at its first refresh', async () => {
    const buyer = await registerUser('legacy')
    await withTab({ session: { ...buyer, token: REFUSED_TOKEN }, legacySession: true }, async ({ page, context }) => {
      expect(await sessionCookie(context)).toBeUndefined()
      await page.goto('/tickets')
      await page.getByText('You have no tickets yet.').waitFor()
      const after = await stored(page)
      expect(after?.refreshToken).toBeUndefined()
      expect(after!.accessToken).not.toBe(REFUSED_TOKEN)
      expect((await sessionCookie(context))?.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)
    })
  }, 60_000)
})
