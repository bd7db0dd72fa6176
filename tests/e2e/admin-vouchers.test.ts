// An admin manages an event's vouchers in its editor, in a real browser: adds a percentage and an
// amount off, is told at the code when it is taken (known to the page, or added meanwhile elsewhere),
// switches one off, changes how often one may be used, and removes one nothing used.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin } from '../support/api'
import { adminSession, axe, closeBrowser, describeViolations, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

/** The event's vouchers as the API lists them to an admin. */
async function vouchersOf(eventId: string): Promise<Array<{ code: string; active: boolean; maxUses: number; remaining: number }>> {
  const admin = await loginAdmin()
  const r = await api(`/events/${eventId}/vouchers`, { token: admin.token })
  expect(r.status).toBe(200)
  return r.body.items
}

describe('vouchers in the event editor', () => {
  test('add SPRING (20% off) and TENOFF (€10.00 off), refuse a taken code, switch one off, change max uses and remove one', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 4500, capacity: 20 }])
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      await page.getByText('No vouchers yet.').waitFor()
      const form = page.getByRole('form', { name: 'Add a voucher' })
      const code = form.getByLabel('Code', { exact: true })

      await code.fill('SPRING')
      await form.getByLabel('Percent off', { exact: true }).fill('20')
      await form.getByLabel('Max uses').fill('10')
      await form.getByRole('button', { name: 'Add voucher' }).click()
      await page.getByText('SPRING added.').waitFor()
      const spring = page.locator('[data-voucher="SPRING"]')
      await spring.getByText('20% off · 0 of 10 used · valid until the event', { exact: true }).waitFor()
      await spring.getByText('Active', { exact: true }).waitFor()

      // The same code in lower case is the same code: refused at the field, before anything is sent.
      await code.fill('spring')
      await form.getByRole('button', { name: 'Add voucher' }).click()
      await form.getByText('This event already has a voucher SPRING.').waitFor()
      expect(await code.getAttribute('aria-invalid')).toBe('true')
      expect((await vouchersOf(event.id)).map((v) => v.code)).toEqual(['SPRING'])

      // A code another admin took meanwhile (other terms, so not an answered retry): the server's refusal, at the field.
      const admin = await loginAdmin()
      expect((await api(`/events/${event.id}/vouchers`, { token: admin.token, body: { code: 'LATE', percentOff: 50, maxUses: 1 } })).status).toBe(201)
      await code.fill('late')
      await form.getByLabel('Percent off', { exact: true }).fill('20')
      await form.getByLabel('Max uses').fill('10')
      await form.getByRole('button', { name: 'Add voucher' }).click()
      await form.getByText('This event already has a voucher LATE.').waitFor()
      await page.locator('[data-voucher="LATE"]').waitFor()

      await code.fill('TENOFF')
      await form.getByRole('radio', { name: 'Amount off each ticket' }).check()
      await form.getByLabel('Amount off (EUR)').fill('10.00')
      await form.getByLabel('Max uses').fill('5')
      await form.getByRole('button', { name: 'Add voucher' }).click()
      await page.getByText('TENOFF added.').waitFor()
      const tenoff = page.locator('[data-voucher="TENOFF"]')
      await tenoff.getByText('€10.00 off each ticket · 0 of 5 used · valid until the event', { exact: true }).waitFor()
      expect(await code.inputValue()).toBe('')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'admin-vouchers')

      await page.getByRole('button', { name: 'Switch off voucher SPRING' }).click()
      await page.getByRole('button', { name: 'Switch on voucher SPRING' }).waitFor()
      await spring.getByText('Switched off', { exact: true }).waitFor()
      expect((await vouchersOf(event.id)).find((v) => v.code === 'SPRING')).toMatchObject({ active: false })

      await tenoff.getByLabel('Max uses', { exact: true }).fill('7')
      await tenoff.getByRole('button', { name: 'Save max uses of TENOFF' }).click()
      await tenoff.getByText('€10.00 off each ticket · 0 of 7 used · valid until the event', { exact: true }).waitFor()
      expect((await vouchersOf(event.id)).find((v) => v.code === 'TENOFF')).toMatchObject({ maxUses: 7, remaining: 7, active: true })

      await page.getByRole('button', { name: 'Remove voucher TENOFF' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
      await page.getByText('TENOFF removed.').waitFor()
      await tenoff.waitFor({ state: 'detached' })
      // Focus goes to the section, not to the page's start, with the row it was in.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('vouchers-title')
      expect((await vouchersOf(event.id)).map((v) => v.code).sort()).toEqual(['LATE', 'SPRING'])
    })
  }, 90_000)
})
