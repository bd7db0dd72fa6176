// Apple Wallet passes in a real browser: where the operator set up a pass certificate, each valid ticket
// on "My tickets" offers "Add to Apple Wallet", which downloads the ticket's signed `.pkpass`.
import { afterAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { registerUser } from '../support/api'
import { restartedWith } from '../support/system'
import { passCertificates, unzip } from '../support/wallet'
import { buyThroughApi, canSell, closeBrowser, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('Apple Wallet passes', () => {
  const certs = passCertificates('pass.test.easypass.tickets', 'ABCDE12345')
  restartedWith(['orders'], { WALLET_PASS_TYPE_ID: 'pass.test.easypass.tickets', WALLET_TEAM_ID: 'ABCDE12345', WALLET_CERT: certs.cert, WALLET_KEY: certs.key, WALLET_WWDR: certs.wwdr })

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
})
