// Passkeys in a real browser, with Chromium's own virtual authenticator (a platform authenticator that
// keeps passkeys and verifies its user, as a laptop's fingerprint reader does): a buyer adds one on the
// account page with their password, renames it, signs out, signs in with the passkey alone, then removes it, after
// which the browser's passkey is refused with words saying why.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, registerUser } from '../support/api'
import { axe, closeBrowser, describeViolations, screenshot, withTab } from './browser'

afterAll(closeBrowser)

const PASSWORD = 'correct horse 1'

describe('passkeys', () => {
  test('added on the account page, then signing in with it alone; removed, it no longer signs in', async () => {
    const buyer = await registerUser('passkey-e2e')
    await withTab({ session: buyer, byName: true }, async ({ context, page }) => {
      const cdp = await context.newCDPSession(page)
      await cdp.send('WebAuthn.enable')
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      })

      await page.goto('/account')
      const section = page.getByRole('region', { name: 'Passkeys' })
      await section.getByText('You have no passkey yet.').waitFor()
      await section.getByLabel('Name (optional)').fill('Laptop')
      // A wrong password: refused under it, and the device's answer is kept for the right one.
      await section.getByLabel('Your password').fill('not my password')
      await section.getByRole('button', { name: 'Add a passkey' }).click()
      await section.getByText('this is not your current password').waitFor()
      expect((await api('/auth/passkeys', { token: buyer.token })).body.items).toEqual([])
      await section.getByLabel('Your password').fill(PASSWORD)
      await section.getByRole('button', { name: 'Add a passkey' }).click()
      const listed = section.getByRole('list', { name: 'Your passkeys' }).getByRole('listitem')
      await listed.first().waitFor()
      expect(await listed.first().textContent()).toContain('Laptop')
      expect(await listed.first().textContent()).toContain('on one device or security key')
      const [stored] = (await api('/auth/passkeys', { token: buyer.token })).body.items
      expect(stored).toMatchObject({ name: 'Laptop', synced: false })
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
      expect(credentials.map((c) => Buffer.from(c.credentialId, 'base64').toString('base64url'))).toEqual([stored.id])
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'passkeys-account')
      // Renamed in place.
      await section.getByRole('button', { name: 'Rename: Laptop' }).click()
      // The field has focus (typing goes there); Escape cancels, and focus goes back to the button.
      await page.waitForFunction(() => document.activeElement?.id === 'f-pk-rename')
      await page.keyboard.press('Escape')
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Rename: Laptop')
      await page.keyboard.press('Enter')
      await page.waitForFunction(() => document.activeElement?.id === 'f-pk-rename')
      await page.keyboard.press('ControlOrMeta+a')
      await page.keyboard.type('Work laptop')
      await page.keyboard.press('Enter')
      await section.getByText('Work laptop').waitFor()
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Rename: Work laptop')
      expect((await api('/auth/passkeys', { token: buyer.token })).body.items[0].name).toBe('Work laptop')

      // Signed out, then in again with the passkey: no address, no password. First as the address field's
      // suggestion (passkey autofill): the sign-in page waits for one from the moment it opens, and
      // Chromium's virtual authenticator answers that wait as a person picking the passkey would.
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor()
      // What the page asks the browser for, seen on the way: a wait for a suggestion (`conditional`), not a prompt.
      await page.addInitScript(() => {
        const asked: string[] = ((window as unknown as { asked: string[] }).asked = [])
        const get = navigator.credentials.get.bind(navigator.credentials)
        navigator.credentials.get = (options?: CredentialRequestOptions) => (asked.push(String(options?.mediation ?? 'prompt')), get(options))
      })
      await page.goto('/signin?next=%2Faccount')
      expect(await page.getByLabel('Email').getAttribute('autocomplete')).toBe('email webauthn')
      await page.waitForURL((url) => url.pathname === '/account')
      await page.getByRole('button', { name: 'Sign out' }).waitFor()
      // (The app moved to the account page without loading a new document: what was asked is still counted.)
      expect(await page.evaluate(() => (window as unknown as { asked: string[] }).asked)).toEqual(['conditional'])
      const firstUse = (await api('/auth/passkeys', { token: buyer.token })).body.items[0].lastUsedAt
      expect(firstUse).toBeString()

      // Then with the button, in a browser without passkey autofill (as some still are): the same sign-in.
      await page.addInitScript(() => Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false }))
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor()
      await page.goto('/signin')
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
      await page.waitForURL((url) => url.pathname === '/')
      await page.getByRole('button', { name: 'Sign out' }).waitFor()
      expect((await api('/auth/passkeys', { token: buyer.token })).body.items[0].lastUsedAt).not.toBe(firstUse)

      // Removed on the account page (after the question), it no longer signs in: the browser still offers it.
      await page.goto('/account')
      await section.getByRole('button', { name: 'Remove: Work laptop' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
      await section.getByText('You have no passkey yet.').waitFor()
      expect((await api('/auth/passkeys', { token: buyer.token })).body.items).toEqual([])
      // The session it began is over: the next call that needs a fresh token sends the browser to sign in.
      await page.context().clearCookies()
      await page.evaluate(() => localStorage.clear())
      await page.goto('/signin')
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
      await page.getByText('This passkey does not sign in here any more').waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
    })
  }, 60_000)
})
