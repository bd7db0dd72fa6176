// The organiser's words in the confirmation email, in a real browser: the admin writes German words in
// the event's editor, is told of a placeholder that does not exist before anything is sent, previews the
// email as a German buyer will get it (shown, never run), and saves; the words are the event's then.
import { afterAll, describe, expect, test } from 'bun:test'
import { api, loginAdmin } from '../support/api'
import { adminSession, axe, closeBrowser, describeViolations, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

describe("the organiser's words in the confirmation email", () => {
  test('written per language in the editor, checked, previewed and saved', async () => {
    const event = await seedEvent([{ name: 'Parkett', priceCents: 3000, capacity: 10 }], { title: `Emails ${Date.now()}` })
    const admin = await loginAdmin()
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const section = page.getByRole('region', { name: 'Confirmation email', exact: true })
      await section.getByLabel('Words in', { exact: true }).selectOption('de')
      await section.getByLabel('Subject in Deutsch (optional)').fill('Hallo {name}: Tickets für {event}')
      await section.getByLabel('Opening words in Deutsch (optional)').fill('Danke für {tickets} Tickets!\n<b>Einlass ab 19 Uhr</b>')
      await section.getByRole('button', { name: 'Preview in Deutsch' }).click()
      await section.getByText('{name} is not a placeholder').waitFor()
      await section.getByLabel('Subject in Deutsch (optional)').fill('Ihre Tickets für {event}, {date}')

      await section.getByRole('button', { name: 'Preview in Deutsch' }).click()
      const preview = section.getByRole('region', { name: 'Preview of the confirmation email' })
      await preview.getByText(`Subject: Ihre Tickets für ${event.title},`).waitFor()
      const email = page.frameLocator('iframe[title="The confirmation email as buyers see it"]')
      await email.getByText('Danke für 2 Tickets!').waitFor()
      // The organiser's markup is text in the email, and the email's HTML is never run.
      expect(await email.locator('b').count()).toBe(0)
      await email.getByText('<b>Einlass ab 19 Uhr</b>').waitFor()
      expect(await page.locator('iframe.email-frame').getAttribute('sandbox')).toBe('')
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await screenshot(page, 'event-emails-preview')

      await section.getByText('Not saved yet.').waitFor()
      await section.getByLabel('Replies go to (optional)').fill('box office')
      await section.getByRole('button', { name: 'Save email words' }).click()
      await section.getByText('Enter an email address like box-office@example.com').waitFor()
      await section.getByLabel('Replies go to (optional)').fill('box-office@example.com')
      await section.getByRole('button', { name: 'Save email words' }).click()
      await page.locator('.toast', { hasText: 'Confirmation email saved' }).waitFor()
      expect(await section.getByText('Not saved yet.').count()).toBe(0)

      await page.reload()
      await page.getByRole('region', { name: 'Confirmation email', exact: true }).getByRole('option', { name: 'Deutsch · own words' }).waitFor({ state: 'attached' })
    })
    const saved = await api(`/events/${event.id}/emails`, { token: admin.token })
    expect(saved.body.confirmation).toEqual({ subject: { de: 'Ihre Tickets für {event}, {date}' }, body: { de: 'Danke für {tickets} Tickets!\n<b>Einlass ab 19 Uhr</b>' } })
    expect(saved.body.replyTo).toBe('box-office@example.com')
  }, 60_000)
})
