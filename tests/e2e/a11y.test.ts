// Accessibility (axe-core: no serious or critical violations), deep links that work when opened
// directly, and a screenshot of every main page on desktop and phone (artifacts/screenshots/).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { registerUser, type Session } from '../support/api'
import { adminSession, axe, buyThroughApi, canSell, closeBrowser, describeViolations, withTab, screenshot, seedEvent, startingSoon, type SeededEvent } from './browser'

afterAll(closeBrowser)

let event: SeededEvent
let buyer: Session
let admin: Session

beforeAll(async () => {
  event = await seedEvent(
    [
      { name: 'Standing', priceCents: 4500, capacity: 200, maxPerOrder: 6 },
      { name: 'VIP', priceCents: 12000, capacity: 2 },
    ],
    { title: `Midsummer Night Festival ${Math.random().toString(36).slice(2, 6)}`, category: 'festival', description: 'Two stages, twelve bands and a sauna by the lake.\n\nDoors open at 16:00.', ...startingSoon() },
  )
  buyer = await registerUser('a11y')
  admin = await adminSession()
  if (canSell) await buyThroughApi(buyer, event, 2)
})

interface PageCase {
  name: string
  path: () => string
  /** Text that shows the page finished loading its data (a function when it depends on the seeded data). */
  ready: string | RegExp | (() => string)
  as?: 'buyer' | 'admin'
  needsSales?: boolean
}

const PAGES: PageCase[] = [
  { name: 'home', path: () => '/', ready: 'found' },
  { name: 'event', path: () => `/events/${event.id}`, ready: 'Live availability' },
  { name: 'signin', path: () => '/signin', ready: 'New here?' },
  { name: 'signup', path: () => '/signup', ready: 'Already have an account?' },
  { name: 'forgot-password', path: () => '/forgot-password', ready: 'Remembered it?' },
  { name: 'signin-on-the-way-to-buy', path: () => `/signin?next=${encodeURIComponent(`/events/${event.id}`)}`, ready: 'Or buy as a guest' },
  { name: 'guest-link', path: () => '/guest', ready: 'Email me a link' },
  { name: 'reset-password', path: () => '/reset-password#token=opened-from-an-email', ready: 'New password, again' },
  { name: 'account', path: () => '/account', ready: 'Change your password', as: 'buyer' },
  { name: 'my-tickets', path: () => '/tickets', ready: canSell ? 'Refund this order' : 'You have no tickets yet', as: 'buyer' },
  { name: 'notifications', path: () => '/notifications', ready: /Order confirmed|Nothing yet/, as: 'buyer' },
  { name: 'admin-events', path: () => '/admin', ready: () => event.title, as: 'admin' },
  { name: 'admin-event-editor', path: () => `/admin/events/${event.id}`, ready: 'Add a ticket type', as: 'admin' },
  { name: 'admin-orders', path: () => `/admin/orders?eventId=${event.id}`, ready: canSell ? /\d+ orders?$/ : 'No orders match', as: 'admin' },
  { name: 'admin-checkin', path: () => '/admin/checkin', ready: 'Ticket code', as: 'admin' },
  { name: 'admin-dashboard', path: () => '/admin/dashboard', ready: 'Revenue', as: 'admin' },
  { name: 'not-found', path: () => '/no/such/page', ready: 'There is nothing at this address.' },
]

describe('every main page, opened directly', () => {
  for (const p of PAGES) {
    test(`${p.name}: loads from a deep link, has landmarks and one h1, and axe finds nothing serious`, async () => {
      const session = p.as === 'buyer' ? buyer : p.as === 'admin' ? admin : undefined
      for (const mobile of [false, true]) {
        await withTab({ session, mobile }, async ({ page }) => {
          const response = await page.goto(p.path())
          expect(response?.status()).toBe(200)
          await page.getByText(typeof p.ready === 'function' ? p.ready() : p.ready).first().waitFor()
          await page.waitForFunction(() => !document.querySelector('.loading'))
          expect(await page.locator('h1').count()).toBe(1)
          expect(await page.locator('main').count()).toBe(1)
          expect(await page.locator('header nav, nav[aria-label="Main"]').count()).toBeGreaterThan(0)
          const { serious, all } = await axe(page)
          if (all.length) console.log(`axe ${p.name}${mobile ? ' (mobile)' : ''}: ${all.length} minor/moderate:\n${describeViolations(all)}`)
          expect(describeViolations(serious)).toBe('')
          await screenshot(page, `${p.name}${mobile ? '-mobile' : ''}`)
        })
      }
    }, 60_000)
  }

  test.skipIf(!canSell)('checkout: the card form and the countdown pass axe too', async () => {
    await withTab({ session: buyer }, async ({ page }) => {
      await page.goto(`/events/${event.id}`)
      await page.getByRole('button', { name: 'One more Standing' }).click()
      await page.getByRole('button', { name: 'Buy tickets' }).click()
      await page.getByRole('timer').waitFor()
      const { serious } = await axe(page)
      expect(describeViolations(serious)).toBe('')
      await screenshot(page, 'checkout')
    })
  }, 60_000)

  test('on a phone the main navigation sits behind a Menu button that says whether it is open', async () => {
    await withTab({ session: buyer, mobile: true }, async ({ page }) => {
      await page.goto('/')
      const menu = page.getByRole('button', { name: 'Menu' })
      const tickets = page.getByRole('link', { name: 'My tickets' })
      expect(await menu.getAttribute('aria-expanded')).toBe('false')
      expect(await tickets.isVisible()).toBe(false)
      await menu.click()
      expect(await menu.getAttribute('aria-expanded')).toBe('true')
      await tickets.click()
      await page.getByRole('heading', { level: 1, name: 'My tickets' }).waitFor()
      // Following a link closes the menu again.
      expect(await menu.getAttribute('aria-expanded')).toBe('false')
    })
  }, 60_000)

  test('the keyboard reaches the search, the event and the quantity buttons, with a visible focus ring', async () => {
    await withTab({}, async ({ page }) => {
      // The home page searched for the seeded event: by now other tests' events fill the first page.
      await page.goto(`/?q=${encodeURIComponent(event.title)}`)
      await page.getByRole('link', { name: event.title }).waitFor()
      // The first Tab stop is the skip link, and it moves focus to the main content.
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
      await page.keyboard.press('Enter')
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')
      // Tab until the event's link has focus, then open it with Enter.
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab')
        if ((await page.evaluate(() => document.activeElement?.textContent)) === event.title) break
      }
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(event.title)
      const outline = await page.evaluate(() => {
        const card = document.activeElement?.closest('.event-card')
        return card ? getComputedStyle(card).outlineStyle : 'no event card has focus'
      })
      expect(outline).toBe('solid')
      await page.keyboard.press('Enter')
      await page.waitForURL(`**/events/${event.id}`)
      await page.getByText('Live availability').waitFor()
      await page.getByRole('button', { name: 'One more Standing' }).focus()
      await page.keyboard.press('Enter')
      await page.keyboard.press('Enter')
      expect(await page.getByLabel('Quantity of Standing').inputValue()).toBe('2')
      const ring = await page.evaluate(() => (document.activeElement ? getComputedStyle(document.activeElement).outlineWidth : 'nothing has focus'))
      expect(ring).toBe('3px')
    })
  }, 60_000)
})
