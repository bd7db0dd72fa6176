// Wallet passes in a real browser: where the operator set up a pass certificate, each valid ticket on
// "My tickets" offers "Add to Apple Wallet", which downloads the ticket's signed `.pkpass`; and "Add to
// Google Wallet" where a Google Wallet issuer is set up, which takes the tab to Google's save page.
import { afterAll, describe, expect, test } from 'bun:test'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { jwtVerify } from 'jose'
import { registerUser } from '../support/api'
import { restartedWith } from '../support/system'
import { passCertificates, unzip } from '../support/wallet'
import { buyThroughApi, canSell, closeBrowser, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('Apple Wallet passes', () => {
  const certs = passCertificates('pass.test.easypass.tickets', 'ABCDE12345')
  const google = generateKeyPairSync('rsa', { modulusLength: 2048 })
  restartedWith(['orders'], {
    WALLET_PASS_TYPE_ID: 'pass.test.easypass.tickets',
    WALLET_TEAM_ID: 'ABCDE12345',
    WALLET_CERT: certs.cert,
    WALLET_KEY: certs.key,
    WALLET_WWDR: certs.wwdr,
    GOOGLE_WALLET_ISSUER_ID: '3388000000012345678',
    GOOGLE_WALLET_SERVICE_ACCOUNT: 'tickets@easypass-test.iam.gserviceaccount.com',
    GOOGLE_WALLET_KEY: google.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    PUBLIC_URL: 'https://tickets.example.test',
  })

  test('a ticket on "My tickets" is added to Wallet as its signed pass', async () => {
    const event = await seedEvent([{ name: 'Balcony', priceCents: 2000, capacity: 10 }])
    const buyer = await registerUser('wallet-e2e')
    const order = await buyThroughApi(buyer, event, 1)
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      const card = page.locator(`[data-order="${order.id}"]`)
      const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Add to Apple Wallet' }).click()])
      expect(download.suggestedFilename()).toMatch(/^easypass-ticket-[0-9a-f]{24}-1\.pkpass$/)
      const pass = JSON.parse(unzip(readFileSync((await download.path())!)).get('pass.json')!.toString())
      expect(pass.eventTicket.primaryFields[0].value).toBe(event.title)
      expect(pass.barcodes[0].format).toBe('PKBarcodeFormatQR')
    })
  }, 60_000)

  test('a ticket on "My tickets" is saved to Google Wallet: the tab goes to Google\'s save page with the signed ticket', async () => {
    const event = await seedEvent([{ name: 'Stalls', priceCents: 2000, capacity: 10 }])
    const buyer = await registerUser('google-wallet-e2e')
    const order = await buyThroughApi(buyer, event, 1)
    await withTab({ session: buyer }, async ({ page }) => {
      // Google's page stands in here (no network to Google from the tests): what the tab asks it for is checked.
      await page.route('https://pay.google.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Google Wallet</title><h1>Saved</h1>' }))
      await page.goto('/tickets')
      const card = page.locator(`[data-order="${order.id}"]`)
      await card.getByRole('button', { name: 'Add to Google Wallet' }).click()
      await page.waitForURL('https://pay.google.com/gp/v/save/**')
      const jwt = page.url().slice('https://pay.google.com/gp/v/save/'.length)
      const { payload } = await jwtVerify(jwt, google.publicKey, { algorithms: ['RS256'], audience: 'google' })
      const saved = payload as { payload: { eventTicketClasses: Array<{ eventName: { defaultValue: { value: string } } }>; eventTicketObjects: Array<{ barcode: { type: string } }> } }
      expect(saved.payload.eventTicketClasses[0]!.eventName.defaultValue.value).toBe(event.title)
      expect(saved.payload.eventTicketObjects[0]!.barcode.type).toBe('QR_CODE')
    })
  }, 60_000)
})
