// An admin opens an event's attendees and sales, in a real browser: sees what it sold and how many came
// in, finds a guest by name, checks in a guest who has no QR code with them, and saves the list as CSV.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin, registerUser } from '../support/api'
import { adminSession, axe, buyThroughApi, closeBrowser, describeViolations, screenshot, seedEvent, startingSoon, withTab } from './browser'

afterAll(closeBrowser)

describe('attendees and sales of an event', () => {
  test('the sales, the check-in progress, a search by name, a check-in without a scan, and the CSV', async () => {
    const event = await seedEvent([
      { name: 'Standing', priceCents: 2000, capacity: 20 },
      { name: 'Balcony', priceCents: 3500, capacity: 10 },
    ])
    const [ada, bob] = await Promise.all([registerUser('attendees-ada'), registerUser('attendees-bob')])
    const adaOrder = await buyThroughApi(ada, event, 2)
    const bobOrder = await buyThroughApi(bob, event, 1, 1)
    const adaTickets = (await api(`/orders/${adaOrder.id}/tickets`, { token: ada.token })).body as Array<{ id: string; code: string }>
    expect((await api(`/orders/${adaOrder.id}/tickets/${adaTickets[1]!.id}`, { token: ada.token, method: 'PATCH', body: { attendeeName: 'Grace Hopper' } })).status).toBe(200)
    const admin = await loginAdmin()
    expect((await api('/checkins', { token: admin.token, body: { code: adaTickets[0]!.code } })).status).toBe(200)

    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      await page.getByRole('link', { name: 'Attendees & sales' }).click()
      await page.getByRole('heading', { name: `Attendees · ${event.title}` }).waitFor()
      const sales = page.getByRole('region', { name: 'Sales by ticket type' })
      await sales.locator(`[data-type="${event.types[0]!.id}"]`).getByText('€40.00').waitFor()
      expect(await sales.locator(`[data-type="${event.types[0]!.id}"] td`).allTextContents()).toEqual(['2', '1', '0', '€40.00'])
      expect(await sales.locator(`[data-type="${event.types[1]!.id}"] td`).allTextContents()).toEqual(['1', '0', '0', '€35.00'])
      await page.locator('[data-stat="net-EUR"]').getByText('€75.00').waitFor()
      await page.getByText('1 of 3 tickets checked in').waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'admin-attendees')

      // A guest without their phone: found by name, checked in from the list.
      await page.getByLabel('Search').fill('grace')
      await page.getByRole('button', { name: 'Search' }).click()
      const rows = page.getByRole('region', { name: 'Attendees table' }).locator('tbody tr')
      await page.getByText('1 ticket', { exact: true }).waitFor()
      expect(await rows.count()).toBe(1)
      await rows.first().getByRole('button', { name: 'Check in Grace Hopper' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Check in' }).click()
      await page.getByText('Grace Hopper checked in.').waitFor()
      await rows.first().getByText('Checked in', { exact: true }).waitFor()
      expect(await rows.first().getByRole('button', { name: /Check in/ }).count()).toBe(0)
      await page.getByText('2 of 3 tickets checked in').waitFor()
      // The door's record agrees: scanning the code now is a second scan.
      expect((await api('/checkins', { token: admin.token, body: { code: adaTickets[1]!.code } })).status).toBe(409)

      // The list as a file, for a spreadsheet: the search applies; then the whole list.
      const [found] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
      const foundLines = (await Bun.file((await found.path())!).text()).trim().split('\r\n')
      expect(foundLines).toHaveLength(2)
      expect(foundLines[1]).toContain(',Grace Hopper,')
      await page.getByLabel('Search').fill('')
      await page.getByRole('button', { name: 'Search' }).click()
      await page.getByText('3 tickets', { exact: true }).waitFor()
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
      expect(download.suggestedFilename()).toBe(`attendees-${event.id}.csv`)
      const csv = (await Bun.file((await download.path())!).text()).replace(/^\ufeff/, '').trim().split('\r\n')
      expect(csv).toHaveLength(4)
      expect(csv[2]).toContain(',Grace Hopper,')
      expect(csv[3]).toStartWith(`${bobOrder.id}-1,${bobOrder.id},Balcony,,valid,,${bob.user.email},`)
    })
  })

  test('door staff: the door and the attendee list only, without sales, files or codes; a guest checked in from the list', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 2000, capacity: 20 }], startingSoon())
    const guest = await registerUser('door-guest')
    await buyThroughApi(guest, event, 1)
    const admin = await loginAdmin()
    const worker = await registerUser('door-staff-e2e')
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)
    const refreshed = (await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })).body
    const staff = { token: refreshed.accessToken, refreshToken: refreshed.refreshToken, user: refreshed.user }

    await withTab({ session: staff }, async ({ page }) => {
      // What the page asks the API for: nothing of an admin's.
      const asked: string[] = []
      page.on('request', (r) => asked.push(new URL(r.url()).pathname))
      await page.goto('/')
      await page.getByRole('link', { name: 'Door', exact: true }).click()
      await page.getByRole('heading', { name: 'Check-in' }).waitFor()
      // Only the door's tab; the admin pages stay closed.
      expect(await page.getByRole('navigation', { name: 'Admin' }).getByRole('link').allTextContents()).toEqual(['Check-in'])
      await page.getByLabel('This door admits to').selectOption(event.id)
      await page.getByRole('link', { name: 'Find the guest in the attendee list' }).click()
      await page.getByRole('heading', { name: `Attendees · ${event.title}` }).waitFor()
      await page.getByText('0 of 1 ticket checked in').waitFor()
      expect(await page.getByRole('heading', { name: 'Sales' }).count()).toBe(0)
      expect(await page.getByRole('alert').count()).toBe(0)
      expect(asked.filter((p) => /\/(sales|messages|attendees\.csv)$/.test(p))).toEqual([])
      expect(await page.getByRole('button', { name: 'Download CSV' }).count()).toBe(0)
      const row = page.getByRole('region', { name: 'Attendees table' }).locator('tbody tr').first()
      await row.getByText(guest.user.email).waitFor()
      await row.getByRole('button', { name: `Check in ${guest.user.email}` }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Check in' }).click()
      await page.getByText(`${guest.user.email} checked in.`).waitFor()
      await page.getByText('1 of 1 ticket checked in').waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await page.goto('/admin/orders')
      await page.getByRole('heading', { name: 'Admins only' }).waitFor()
    })
  })

  test('an admin writes to the ticket holders; a holder reads it among their notifications', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 2000, capacity: 20 }], { organizer: 'Tampere Folk Club' })
    const holder = await registerUser('message-holder')
    await buyThroughApi(holder, event, 2)

    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}/attendees`)
      // The list known first: the confirmation names how many tickets the message reaches.
      await page.getByText('0 of 2 tickets checked in').waitFor()
      const form = page.getByRole('form', { name: 'Message ticket holders' })
      await form.getByLabel('Subject').fill('Bring a coat')
      await form.getByLabel('Message').fill('The hall is cold tonight.\n\nThe bar serves tea.')
      await form.getByRole('button', { name: 'Send to ticket holders' }).click()
      const dialog = page.getByRole('dialog')
      await dialog.getByText("goes to everyone holding one of this event's 2 tickets").waitFor()
      await dialog.getByRole('button', { name: 'Send' }).click()
      await page.getByText('Message sent to 1 ticket holder.').waitFor()
      await page.getByRole('list', { name: 'Messages sent' }).getByText('Bring a coat').waitFor()
      expect(await form.getByLabel('Subject').inputValue()).toBe('')
      expect(describeViolations((await axe(page)).serious)).toBe('')
    })
    await withTab({ session: holder }, async ({ page }) => {
      await page.goto('/notifications')
      const note = page.locator('.notification-event-message')
      await note.getByRole('heading', { name: 'Bring a coat' }).waitFor()
      await note.getByText(`From Tampere Folk Club about ${event.title}`).waitFor()
      expect(await note.locator('.notification-body').innerText()).toBe('The hall is cold tonight.\n\nThe bar serves tea.')
    })
  })
})
