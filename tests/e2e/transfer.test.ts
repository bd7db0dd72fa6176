// Passing a ticket on in a real browser: the buyer offers it on "My tickets", the recipient opens the
// emailed link signed out, signs in on the way and accepts it, and each side sees where the ticket is.
// The link is made here as notifications makes it (the offer's id and its token, from SERVICE_SECRET).
import { afterAll, describe, expect, test } from 'bun:test'
import { TRANSFER_LINK_PURPOSE } from '@easypass/contracts/orders'
import { linkToken } from '@easypass/kit'
import { api, registerUser } from '../support/api'
import { system } from '../support/system'
import { buyThroughApi, canSell, closeBrowser, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe.skipIf(!canSell)('passing a ticket on', () => {
  test('offered on "My tickets", accepted through the link after signing in; both sides see where it went', async () => {
    const event = await seedEvent([{ name: 'Front row', priceCents: 4200, capacity: 10 }])
    const buyer = await registerUser('passer')
    const friend = await registerUser('receiver')
    const order = await buyThroughApi(buyer, event, 2)

    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      const card = page.locator(`[data-order="${order.id}"]`)
      await card.getByRole('button', { name: 'Pass on to someone' }).first().click()
      await card.getByLabel('Their email address').fill(friend.user.email)
      await card.getByRole('button', { name: 'Send the ticket' }).click()
      await page.locator('.toast', { hasText: `A link to accept the ticket is on its way to ${friend.user.email}.` }).waitFor()
      await card.getByText(`Offered to ${friend.user.email}`, { exact: false }).waitFor()
      // The refund stays possible while it is only offered.
      await card.getByRole('button', { name: 'Refund this order' }).waitFor()
      await screenshot(page, 'ticket-offered')
    })

    const tickets = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ id: string; code: string; transferOffer?: { id: string } }>
    const offered = tickets.find((t) => t.transferOffer)!
    const id = offered.transferOffer!.id
    const link = `/transfer#id=${id}&token=${linkToken(system().env.SERVICE_SECRET!, TRANSFER_LINK_PURPOSE, id)}`

    // Signed out: the page asks to sign in, keeps the link through it, and then offers the ticket.
    await withTab({}, async ({ page }) => {
      await page.goto(link)
      await page.getByText('Someone sent you a ticket.').waitFor()
      expect(new URL(page.url()).hash).toBe('')
      await page.getByRole('link', { name: 'Sign in' }).last().click()
      await page.getByLabel('Email').fill(friend.user.email)
      await page.getByLabel('Password').fill('correct horse 1')
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.getByRole('heading', { level: 2, name: event.title }).waitFor()
      await page.getByText('Front row').waitFor()
      await page.getByRole('button', { name: 'Accept the ticket' }).click()
      await page.getByText('The ticket is yours.').waitFor()
      await screenshot(page, 'ticket-accepted')
      await page.getByRole('link', { name: 'My tickets' }).last().click()
      const received = page.getByRole('list', { name: 'Tickets passed on to you' })
      await received.getByRole('img', { name: /^QR code of ticket / }).waitFor()
      await received.getByRole('link', { name: event.title }).waitFor()
      // The new holder names it.
      await received.getByRole('button', { name: 'Add the name of who uses it' }).click()
      await received.getByLabel('Name on this ticket').fill('Robin Receiver')
      await received.getByRole('button', { name: 'Save' }).click()
      await received.getByText('Robin Receiver').waitFor()
    })
    const mine = (await api('/tickets', { token: friend.token })).body as Array<{ id: string; code: string; attendeeName?: string }>
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ id: offered.id, attendeeName: 'Robin Receiver' })
    expect(mine[0]!.code).not.toBe(offered.code)

    // The buyer's page: that ticket passed on, without its QR code; the order is no longer theirs to refund.
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto('/tickets')
      const card = page.locator(`[data-order="${order.id}"]`)
      await card.getByText('Passed on', { exact: true }).waitFor()
      expect(await card.getByRole('img', { name: /^QR code of ticket / }).count()).toBe(1)
      expect(await card.getByText(offered.code).count()).toBe(0)
      expect(await card.getByRole('button', { name: 'Refund this order' }).count()).toBe(0)
    })
  }, 90_000)
})
