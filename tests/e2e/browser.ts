// Browser helpers for the end-to-end tests: one Chromium per test file, a fresh context (cookies,
// storage) per test, screenshots under artifacts/screenshots/, and axe-core accessibility checks.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { ROOT } from '../../stack/local/services'
import { api, loginAdmin, futureEvent, type Session } from '../support/api'
import { system } from '../support/system'

export const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots')
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js')

/** The selling endpoints (orders, ticketing, payments) exist in this checkout. */
export const canSell = existsSync(join(ROOT, 'services', 'orders', 'src', 'index.ts'))

export const CARDS = { approved: '4242424242424242', declined: '4000000000000002', insufficient: '4000000000009995' }

let browser: Browser | undefined

export async function launch(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  return browser
}

export async function closeBrowser() {
  await browser?.close()
  browser = undefined
}

export interface Tab {
  context: BrowserContext
  page: Page
  /** Errors the page threw or logged: a test fails on any it did not expect. */
  errors: string[]
  /** For a failed test: saves a screenshot of the page and returns the error with the page's URL and errors. */
  failed(error: unknown): Promise<unknown>
  close(): Promise<void>
}

/** The app's refresh-token cookie (HttpOnly, so only the browser context, not the page, can read it). */
export const SESSION_COOKIE = 'easypass_refresh'

export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === SESSION_COOKIE)
}

/**
 * A new browser context (nothing shared with other tests), optionally signed in as `session`: the
 * account and access token in localStorage and the refresh token in its cookie, as the app keeps them.
 * `legacySession`: stored the way the app did before the cookie (the refresh token in localStorage).
 */
export async function openTab(opts: { session?: Session; mobile?: boolean; legacySession?: boolean; locale?: string; byName?: boolean } = {}): Promise<Tab> {
  const b = await launch()
  // `byName`: the app at `localhost` rather than 127.0.0.1, where auth's PUBLIC_URL has it: passkeys are made for a name, never for an address.
  const origin = opts.byName ? system().gatewayUrl.replace('127.0.0.1', 'localhost') : system().gatewayUrl
  const context = await b.newContext({
    baseURL: origin,
    viewport: opts.mobile ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    isMobile: opts.mobile,
    hasTouch: opts.mobile,
    reducedMotion: 'reduce',
    // Money and dates are formatted in the browser's locale, and the app speaks its language: the same text on any host.
    locale: opts.locale ?? 'en-US',
  })
  context.setDefaultTimeout(15_000)
  if (opts.session) {
    const { user, token, refreshToken } = opts.session
    const stored = JSON.stringify(opts.legacySession ? { user, accessToken: token, refreshToken } : { user, accessToken: token })
    if (!opts.legacySession) await context.addCookies([{ name: SESSION_COOKIE, value: refreshToken, domain: new URL(origin).hostname, path: '/api/auth', httpOnly: true, sameSite: 'Strict' }])
    await context.addInitScript((value) => {
      // The app's own window only: a frame (a sandboxed email preview) has no storage of its own.
      if (window !== window.top) return
      if (!sessionStorage.getItem('e2e.seeded')) {
        localStorage.setItem('easypass.session', value)
        sessionStorage.setItem('e2e.seeded', '1')
      }
    }, stored)
  }
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    // Failed API calls are shown on the page; the browser's own "Failed to load resource" line is not an app error.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`)
  })
  const failed = async (error: unknown) => {
    const name = `failed-${new Date().toISOString().replace(/[:.]/g, '-')}`
    await screenshot(page, name).catch(() => {})
    if (error instanceof Error) error.message += `\n  page: ${page.url()}\n  screenshot: artifacts/screenshots/${name}.png${errors.length ? `\n  page errors: ${errors.join('; ')}` : ''}`
    return error
  }
  return { context, page, errors, failed, close: () => context.close() }
}

/**
 * Runs `test` in a fresh tab and closes it. A failure gets a screenshot and the page's URL and errors in
 * its message; a test that passes must also have left no error in the page (thrown or logged).
 */
export async function withTab<T>(opts: Parameters<typeof openTab>[0], test: (tab: Tab) => Promise<T>): Promise<T> {
  const tab = await openTab(opts)
  try {
    const result = await test(tab)
    if (tab.errors.length) throw new Error(`the page reported errors:\n${tab.errors.join('\n')}`)
    return result
  } catch (error) {
    throw await tab.failed(error)
  } finally {
    await tab.close()
  }
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // From the top, so the sticky header is where a person sees it.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: unknown[]; failureSummary?: string }>
}

let axeSource: string | undefined

/**
 * Runs axe-core on the page; returns the serious and critical violations (and all of them, for the
 * report). axe is evaluated rather than added as a <script> tag: the app's Content-Security-Policy
 * refuses inline scripts, and the tests keep that policy on.
 */
export async function axe(page: Page): Promise<{ serious: AxeViolation[]; all: AxeViolation[] }> {
  axeSource ??= await Bun.file(AXE).text()
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const result = (await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[]; passes: unknown[] }> } }).axe.run(document, {
      resultTypes: ['violations'],
    })
    return { violations: r.violations, passes: r.passes.length }
  })) as { violations: AxeViolation[]; passes: number }
  // An axe that checked nothing would pass any page.
  if (result.passes < 10) throw new Error(`axe checked only ${result.passes} rules: it did not run on the page`)
  const all = result.violations
  return { serious: all.filter((v) => v.impact === 'serious' || v.impact === 'critical'), all }
}

export function describeViolations(violations: AxeViolation[]) {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} @ ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`).join('\n')
}

/** A session of its own for the admin (refresh tokens rotate: two tabs must not share one). */
export async function adminSession(): Promise<Session> {
  const { email, password } = system().admin
  const r = await api('/auth/login', { body: { email, password } })
  if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${JSON.stringify(r.body)}`)
  return { token: r.body.accessToken, refreshToken: r.body.refreshToken, user: r.body.user }
}

export interface SeededEvent {
  id: string
  title: string
  types: Array<{ id: string; name: string; priceCents: number }>
}

/**
 * Dates for an event that must show on admin pages listing the 100 soonest events: sooner than the
 * many events other test files create a month ahead, whichever file ran first.
 */
export const startingSoon = () => ({ startsAt: new Date(Date.now() + 2 * 3_600_000).toISOString(), endsAt: new Date(Date.now() + 5 * 3_600_000).toISOString() })

/** A published event with ticket types, made through the API. */
export async function seedEvent(types: Array<{ name: string; priceCents: number; capacity: number; maxPerOrder?: number; salesStart?: string; currency?: string; seating?: { rows: Array<{ label: string; seats: number }> }; addOn?: boolean; variationOf?: string }> = [{ name: 'Standing', priceCents: 4500, capacity: 50 }], overrides: Record<string, unknown> = {}): Promise<SeededEvent> {
  const admin = await loginAdmin()
  const created = await api('/events', { token: admin.token, body: futureEvent(overrides) })
  if (created.status !== 201) throw new Error(`event not created: ${created.status} ${JSON.stringify(created.body)}`)
  const out: SeededEvent = { id: created.body.id, title: created.body.title, types: [] }
  for (const t of types) {
    const r = await api(`/events/${out.id}/ticket-types`, { token: admin.token, body: { currency: 'EUR', ...t } })
    if (r.status !== 201) throw new Error(`ticket type not created: ${r.status} ${JSON.stringify(r.body)}`)
    out.types.push({ id: r.body.id, name: r.body.name, priceCents: r.body.priceCents })
  }
  return out
}

/** A paid order made through the API (4242 card). */
export async function buyThroughApi(buyer: Session, event: SeededEvent, quantity = 1, typeIndex = 0, voucherCode?: string) {
  const r = await api('/orders', {
    token: buyer.token,
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: { eventId: event.id, items: [{ ticketTypeId: event.types[typeIndex]!.id, quantity }], ...(voucherCode ? { voucherCode } : {}), payment: { card: { number: CARDS.approved, expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' } } },
  })
  if (r.status !== 201 || r.body.status !== 'paid') throw new Error(`purchase failed: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body as { id: string; status: string; totalCents: number }
}

/**
 * Waits until the admin order list counts `n` paid orders of the event: its status filter reads a
 * projection that may lag a few seconds behind the orders (documented on GET /api/orders).
 */
export async function paidOrdersListed(eventId: string, n: number) {
  const admin = await loginAdmin()
  const deadline = Date.now() + 20_000
  for (;;) {
    const r = await api(`/orders?eventId=${eventId}&status=paid&limit=1`, { token: admin.token })
    if (r.body?.total === n) return
    if (Date.now() > deadline) throw new Error(`the paid orders of ${eventId} were not listed: ${r.status} ${JSON.stringify(r.body)}`)
    await Bun.sleep(250)
  }
}

export async function availabilityOf(eventId: string) {
  const r = await api(`/events/${eventId}/availability`)
  return r.body as { ticketTypes: Array<{ id: string; available: number; sold: number; held: number }> }
}

/** Fills the checkout's card form with `number` (a valid expiry and CVC) and presses Pay. */
/** Presses `button` (Buy tickets, Add to my order and pay…), pays the hold at checkout with the approved card; the order's id once confirmed. */
export async function holdAndPay(page: import('playwright-core').Page, button: string): Promise<string> {
  await page.getByRole('button', { name: button }).click()
  await page.waitForURL(/\/checkout\/[0-9a-f]{24}$/)
  const orderId = page.url().split('/').pop()!
  await payWith(page, CARDS.approved)
  await page.waitForURL(`**/orders/${orderId}?confirmed=1`)
  return orderId
}

export async function payWith(page: import('playwright-core').Page, number: string) {
  await page.getByLabel('Card number').fill(number)
  await page.getByLabel('Expiry month').selectOption('12')
  await page.getByLabel('Expiry year').selectOption(String(new Date().getFullYear() + 2))
  await page.getByLabel('CVC').fill('123')
  await page.getByRole('button', { name: /^Pay / }).click()
}
