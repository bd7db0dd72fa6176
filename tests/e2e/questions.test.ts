// Questions for buyers in the browser: an admin asks one in the event editor; a buyer is stopped at
// checkout until it is answered, then pays; the answer is the order's.
import { afterAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { api, registerUser } from '../support/api'
import { adminSession, axe, canSell, CARDS, closeBrowser, describeViolations, payWith, screenshot, seedEvent, withTab } from './browser'

afterAll(closeBrowser)

/** In the event editor: a new question, the `n`th, filled in (the caller saves); its group. */
async function addQuestion(page: Page, n: number, q: { label: string; kind?: 'choice' | 'yes-no'; options?: string; required?: boolean; perTicket?: boolean }) {
  const section = page.getByRole('region', { name: 'Questions for buyers' })
  await section.getByRole('button', { name: 'Add a question' }).click()
  const row = section.getByRole('group', { name: `Question ${n}` })
  await row.getByLabel('Question', { exact: true }).fill(q.label)
  if (q.kind) await row.getByLabel('Answer', { exact: true }).selectOption(q.kind)
  if (q.options) await row.getByLabel('Options').fill(q.options)
  if (q.required) await row.getByRole('checkbox', { name: 'Required' }).check()
  if (q.perTicket) await row.getByRole('checkbox', { name: /^Ask for each ticket/ }).check()
  return row
}

/** From the event page: the tickets picked ("One more …" pressed per ticket), held, at checkout; the order's id. */
async function checkoutWith(page: Page, eventId: string, picks: string[]): Promise<string> {
  await page.goto(`/events/${eventId}`)
  for (const name of picks) await page.getByRole('button', { name: `One more ${name}` }).click()
  await page.getByRole('button', { name: 'Buy tickets' }).click()
  await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
  return page.url().split('/').pop()!
}

/** Saves the editor's questions and waits for the server's yes (a toast from an earlier save may still show). */
async function saveQuestions(page: Page) {
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/questions') && r.status() === 200)
  await page.getByRole('region', { name: 'Questions for buyers' }).getByRole('button', { name: 'Save questions' }).click()
  await saved
  await page.locator('.toast', { hasText: 'Questions saved' }).first().waitFor()
}

describe.if(canSell)('questions for buyers', () => {
  test('asked in the event editor; at checkout a required one comes before the payment; the answers kept and changed on the order page', async () => {
    const event = await seedEvent([{ name: 'Standing', priceCents: 2000, capacity: 10 }])
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const section = page.getByRole('region', { name: 'Questions for buyers' })
      await section.getByRole('button', { name: 'Add a question' }).click()
      await section.getByLabel('Question', { exact: true }).fill('T-shirt size')
      await section.getByLabel('Answer').selectOption('choice')
      await section.getByLabel('Options').fill('S\nM\nS')
      await section.getByRole('checkbox', { name: 'Required' }).check()
      await section.getByRole('button', { name: 'Add a question' }).click()
      await section.getByRole('group', { name: 'Question 2' }).getByLabel('Question', { exact: true }).fill('Dietary needs')
      await section.getByRole('button', { name: 'Save questions' }).click()
      // Checked before it is sent, as the server checks.
      await section.getByText('Each option once.').waitFor()
      await section.getByLabel('Options').fill('S\nM\nL')
      await section.getByRole('button', { name: 'Save questions' }).click()
      await page.locator('.toast', { hasText: 'Questions saved' }).waitFor()
      await screenshot(page, 'admin-questions')
    })
    const asked = (await api(`/events/${event.id}`)).body.questions
    expect(asked).toEqual([
      { id: expect.any(String), label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], required: true },
      { id: expect.any(String), label: 'Dietary needs', kind: 'text', required: false },
    ])

    const buyer = await registerUser('answers-in-browser')
    await withTab({ session: buyer }, async ({ page }) => {
      const orderId = await checkoutWith(page, event.id, ['Standing'])
      const questions = page.getByRole('group', { name: 'Questions from the organiser' })
      await questions.waitFor()
      expect(describeViolations((await axe(page)).serious)).toBe('')
      // Paying without the answer: said at the question, nothing sent.
      await payWith(page, CARDS.approved)
      await page.getByText('Answer this question.').waitFor()
      // The keyboard is taken to it.
      await page.waitForFunction((id) => document.activeElement?.id === id, `f-q-${asked[0].id}`)
      expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('reserved')
      // Typing in another question while that one is still open keeps the keyboard where it is.
      await questions.getByLabel('Dietary needs').click()
      await page.keyboard.type('No nuts')
      expect(await questions.getByLabel('Dietary needs').inputValue()).toBe('No nuts')
      await questions.getByLabel('T-shirt size (required)').selectOption('M')
      await screenshot(page, 'checkout-questions')
      await page.getByRole('button', { name: /^Pay / }).click()
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      // On the order's page: the answers, changed there until the event starts.
      const mine = page.getByRole('region', { name: 'Your answers to the organiser' })
      await mine.getByText('No nuts').waitFor()
      await mine.getByRole('button', { name: 'Change answers' }).click()
      await mine.getByLabel('T-shirt size (required)').selectOption('L')
      await mine.getByRole('button', { name: 'Save answers' }).click()
      await page.locator('.toast', { hasText: 'Your answers are saved.' }).waitFor()
      await mine.getByRole('button', { name: 'Change answers' }).waitFor()
      await screenshot(page, 'order-answers')
      expect((await api(`/orders/${orderId}/answers`, { token: buyer.token })).body.answers).toEqual([
        { questionId: asked[0].id, label: 'T-shirt size', value: 'L' },
        { questionId: asked[1].id, label: 'Dietary needs', value: 'No nuts' },
      ])
    })
  }, 90_000)

  test("asked for each ticket: a size per day pass at checkout, none for the parking space; each ticket's answer on the order page", async () => {
    const event = await seedEvent([
      { name: 'Day pass', priceCents: 2000, capacity: 10 },
      { name: 'Parking', priceCents: 500, capacity: 10, addOn: true },
    ])
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      await addQuestion(page, 1, { label: 'T-shirt size', kind: 'choice', options: 'S\nM\nL', required: true, perTicket: true })
      await saveQuestions(page)
    })
    const [size] = (await api(`/events/${event.id}`)).body.questions
    expect(size).toMatchObject({ label: 'T-shirt size', required: true, perTicket: true })

    const buyer = await registerUser('per-ticket-browser')
    await withTab({ session: buyer }, async ({ page }) => {
      const orderId = await checkoutWith(page, event.id, ['Day pass', 'Day pass', 'Parking'])
      const first = page.getByRole('group', { name: 'Ticket 1 · Day pass' })
      const second = page.getByRole('group', { name: 'Ticket 2 · Day pass' })
      await first.waitFor()
      // Two day passes asked, the parking space not.
      expect(await page.locator('.ticket-questions').count()).toBe(2)
      expect(describeViolations((await axe(page)).serious)).toBe('')
      await first.getByLabel('T-shirt size (required)').selectOption('S')
      await payWith(page, CARDS.approved)
      // The second ticket's size is still open: said there, the keyboard taken to it, nothing paid.
      await second.getByText('Answer this question.').waitFor()
      await page.waitForFunction((id) => document.activeElement?.id === id, `f-q-${size.id}-2`)
      expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('reserved')
      await second.getByLabel('T-shirt size (required)').selectOption('L')
      await screenshot(page, 'checkout-questions-per-ticket')
      await page.getByRole('button', { name: /^Pay / }).click()
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      const mine = page.getByRole('region', { name: 'Your answers to the organiser' })
      await mine.getByText('Ticket 2 · Day pass: T-shirt size').waitFor()
      expect((await api(`/orders/${orderId}/answers`, { token: buyer.token })).body.answers).toEqual([
        { questionId: size.id, label: 'T-shirt size', value: 'S', ticket: 1 },
        { questionId: size.id, label: 'T-shirt size', value: 'L', ticket: 2 },
      ])
    })
  }, 90_000)

  test('asked on a condition: set in the editor on a saved question; at checkout the question comes when its answer asks for it', async () => {
    const event = await seedEvent([{ name: 'Weekend', priceCents: 3000, capacity: 10 }])
    await withTab({ session: await adminSession() }, async ({ page }) => {
      await page.goto(`/admin/events/${event.id}`)
      const section = page.getByRole('region', { name: 'Questions for buyers' })
      await addQuestion(page, 1, { label: 'Camping?', kind: 'yes-no', required: true })
      await saveQuestions(page)
      const second = await addQuestion(page, 2, { label: 'Tent size', kind: 'choice', options: 'One person\nTwo people', required: true })
      await second.getByLabel('Ask', { exact: true }).selectOption({ label: 'Only when “Camping?” is answered…' })
      // No answer ticked: said at the condition, nothing sent.
      await section.getByRole('button', { name: 'Save questions' }).click()
      await second.getByText('Tick at least one answer that asks it.').waitFor()
      await second.getByRole('checkbox', { name: 'Yes' }).check()
      await saveQuestions(page)
      expect(describeViolations((await axe(page)).serious)).toBe('')
    })
    const [camping, tent] = (await api(`/events/${event.id}`)).body.questions
    expect(tent).toMatchObject({ label: 'Tent size', required: true, showIf: { questionId: camping.id, values: ['yes'] } })

    const buyer = await registerUser('conditional-browser')
    await withTab({ session: buyer }, async ({ page }) => {
      const orderId = await checkoutWith(page, event.id, ['Weekend'])
      const questions = page.getByRole('group', { name: 'Questions from the organiser' })
      await questions.getByLabel('Camping? (required)').waitFor()
      expect(await questions.getByLabel('Tent size (required)').count()).toBe(0)
      await questions.getByLabel('Camping? (required)').selectOption('yes')
      await questions.getByLabel('Tent size (required)').waitFor()
      await payWith(page, CARDS.approved)
      // Asked now, and required: said there, nothing paid.
      await questions.getByText('Answer this question.').waitFor()
      expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('reserved')
      await questions.getByLabel('Tent size (required)').selectOption('Two people')
      await page.getByRole('button', { name: /^Pay / }).click()
      await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
      expect((await api(`/orders/${orderId}/answers`, { token: buyer.token })).body.answers.map((a: { value: string }) => a.value)).toEqual(['yes', 'Two people'])
    })
  }, 90_000)
})
