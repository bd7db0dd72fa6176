// Two-step sign-in in a real browser: a buyer sets up an authenticator app on the account page (the QR
// code and the key to type), turns it on with a code and the password, keeps the recovery codes shown
// once; then, signed out, signing in asks for the code after the password, refuses a wrong one, and lets
// them in with a recovery code.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, registerUser } from '../support/api'
import { restartedWith, system } from '../support/system'
import { totp } from '../support/totp'
import { axe, closeBrowser, describeViolations, screenshot, withTab } from './browser'

afterAll(closeBrowser)

const PASSWORD = 'correct horse 1'

describe('two-step sign-in', () => {
  test('set up on the account page, then asked for when signing in', async () => {
    const buyer = await registerUser('2fa-e2e')
    let recovery: string[] = []
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/account')
      const section = page.getByRole('region', { name: 'Two-step sign-in' })
      await section.getByRole('button', { name: 'Set up two-step sign-in' }).click()
      await section.getByRole('img', { name: 'QR code to add EasyPass to an authenticator app' }).waitFor()
      const key = ((await section.locator('.two-factor-key').textContent()) ?? '').replace(/\s+/g, '')
      expect(key).toMatch(/^[A-Z2-7]{32}$/)
      // A code the app would not show: refused, under the code.
      await section.getByLabel('Code from your authenticator app').fill(totp(key, 5))
      await section.getByLabel('Your password').fill(PASSWORD)
      await section.getByRole('button', { name: 'Turn on' }).click()
      await section.getByText('That code is not right').waitFor()
      await section.getByLabel('Code from your authenticator app').fill(totp(key))
      await section.getByRole('button', { name: 'Turn on' }).click()

      const codes = section.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem')
      await codes.nth(9).waitFor()
      recovery = await codes.allTextContents()
      expect(recovery).toHaveLength(10)
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'two-factor-recovery-codes')
      await section.getByRole('button', { name: 'I have kept them' }).click()
      await section.getByText('On: signing in takes a code').waitFor()
      expect((await api('/auth/me', { token: buyer.token })).body.twoFactor).toBe(true)

      // New recovery codes with the password and a code: the first set is spent then.
      await section.getByLabel('Your password').fill(PASSWORD)
      await section.getByLabel('Code from your authenticator app').fill(recovery[9]!)
      await section.getByRole('button', { name: 'New recovery codes' }).click()
      const fresh = section.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem')
      await fresh.nth(9).waitFor()
      const old = recovery
      recovery = await fresh.allTextContents()
      expect(recovery.some((c) => old.includes(c))).toBe(false)
      await section.getByRole('button', { name: 'I have kept them' }).click()
    })

    await withTab({}, async ({ page }) => {
      await page.goto('/signin')
      await page.getByLabel('Email').fill(buyer.user.email)
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.getByText('Your account signs in in two steps').waitFor()
      const code = page.getByLabel('Code from your authenticator app')
      await code.fill('aaaaa-bbbbb')
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.getByText('That code is not right').waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await code.fill(recovery[0]!)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.waitForURL((url) => url.pathname === '/')
      await page.getByRole('button', { name: 'Sign out' }).waitFor()

      // A new password takes a code too: the form asks for one.
      await page.goto('/account')
      const form = page.locator('form', { has: page.getByLabel('Current password') })
      await form.getByLabel('Current password').fill(PASSWORD)
      await form.getByLabel('New password', { exact: true }).fill(`${PASSWORD} anew`)
      await form.getByLabel('New password, again').fill(`${PASSWORD} anew`)
      await form.getByRole('button', { name: 'Change password' }).click()
      await form.getByText('Enter the code your app shows (or a recovery code).').waitFor()
      await form.getByLabel('Code from your authenticator app').fill(recovery[1]!)
      await form.getByRole('button', { name: 'Change password' }).click()
      await page.locator('.toast', { hasText: 'Your password is changed.' }).waitFor()
    })
    expect((await api('/auth/login', { body: { email: buyer.user.email, password: `${PASSWORD} anew`, code: recovery[2]! } })).status).toBe(200)
  }, 60_000)
})

describe('two-step sign-in required of admins', () => {
  restartedWith(['auth'], { TWO_FACTOR_REQUIRED_ROLES: 'admin' })
  let authDb: mongoose.Connection
  beforeAll(async () => {
    authDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_auth` }).asPromise()
  })
  afterAll(async () => {
    await authDb?.close()
  })

  test('an admin without it is sent to set it up, then has the admin pages', async () => {
    const admin = await registerUser('2fa-required-e2e')
    await authDb.collection('users').updateOne({ email: admin.user.email }, { $set: { role: 'admin' } })
    await withTab({}, async ({ page }) => {
      await page.goto('/signin')
      await page.getByLabel('Email').fill(admin.user.email)
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.waitForURL((url) => url.pathname === '/account')
      const section = page.getByRole('region', { name: 'Two-step sign-in' })
      await section.getByText('takes two-step sign-in here').waitFor()
      expect(await page.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0)
      await section.getByRole('button', { name: 'Set up two-step sign-in' }).click()
      const key = ((await section.locator('.two-factor-key').textContent()) ?? '').replace(/\s+/g, '')
      await section.getByLabel('Code from your authenticator app').fill(totp(key))
      await section.getByLabel('Your password').fill(PASSWORD)
      await section.getByRole('button', { name: 'Turn on' }).click()
      await section.getByRole('button', { name: 'I have kept them' }).click()
      // The session now carries the role: the admin pages are there.
      await page.getByRole('link', { name: 'Admin', exact: true }).waitFor()
      await page.getByRole('link', { name: 'Admin', exact: true }).click()
      await page.waitForURL((url) => url.pathname.startsWith('/admin'))
    })
  }, 60_000)
})
