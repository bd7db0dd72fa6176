// The ticket PDF read back with PDF.js, as a viewer reads it: a page per ticket whatever the text, the
// fonts' limits, the QR code's squares, and the renderer's thread and its bound.
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import QRCode from 'qrcode'
import { latin1Only, loadTicketFonts, qrRuns, renderTicketsPdf, RendererBusy, ticketsPdfRenderer, type TicketsPdfInput } from '../src'
import { pdfPages } from '../../../tests/support/pdf'

const DEJAVU = '/usr/share/fonts/truetype/dejavu'
const hasDejaVu = existsSync(`${DEJAVU}/DejaVuSans.ttf`)

const pagesOf = (pdf: Buffer) => pdfPages(new Uint8Array(pdf))

const ticket = (n: number, extra: Partial<TicketsPdfInput['tickets'][number]> = {}) => ({
  id: `order1-${n}`,
  code: `ABCDEFGHIJKLMNOPQRSTUVWX${String(n).padStart(2, '2')}`,
  ticketTypeName: 'Standing',
  status: 'valid',
  ...extra,
})
const event = { title: 'Ελληνικά Ünïcode €5 night', startsAt: '2027-06-01T18:00:00.000Z', endsAt: '2027-06-02T01:00:00.000Z', venue: { name: 'Hall', address: 'Street 1', city: 'Oulu' }, organizer: 'Org' }

describe('ticket PDFs', () => {
  test('the QR squares are exactly the code\'s dark modules, row by row', () => {
    for (const code of ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'Z234567ABCDEFGHIJKLMNOPQRS']) {
      const qr = QRCode.create(code, { errorCorrectionLevel: 'M' })
      const { size, runs } = qrRuns(code)
      expect(size).toBe(qr.modules.size)
      const drawn = Array.from({ length: size }, () => Array<boolean>(size).fill(false))
      for (const [row, col, length] of runs) for (let c = col; c < col + length; c++) drawn[row]![c] = true
      for (let row = 0; row < size; row++) for (let col = 0; col < size; col++) expect(drawn[row]![col]).toBe(!!qr.modules.get(row, col))
    }
  })

  test('the built-in fonts show Latin-1 and the euro; anything else (Greek, controls) as "?"', async () => {
    expect(latin1Only('Ελλ Ünï €\u0085\t')).toBe('??? Ünï €??')
    const pages = await pagesOf(await renderTicketsPdf(loadTicketFonts(undefined), { orderId: 'order1', event, tickets: [ticket(1)] }))
    expect(pages).toHaveLength(1)
    expect(pages[0]).toContain('???????? Ünïcode €5 night')
    // An event over two days shows the end's date too.
    expect(pages[0]).toContain('Tuesday, 1 June 2027 at 18:00 UTC – Wednesday, 2 June 2027 at 01:00 UTC')
  })

  test('an event with a zone prints on the venue\'s clock, the end\'s date when it is another day there', async () => {
    const fonts = loadTicketFonts(undefined)
    // 20:00–22:30 UTC is one day in UTC but runs past midnight in Helsinki (summer time, +3).
    const late = { ...event, startsAt: '2027-06-01T20:00:00.000Z', endsAt: '2027-06-01T22:30:00.000Z', timeZone: 'Europe/Helsinki' }
    const [page] = await pagesOf(await renderTicketsPdf(fonts, { orderId: 'order1', event: late, tickets: [ticket(1)] }))
    expect(page).toContain('Tuesday, 1 June 2027 at 23:00 EEST – Wednesday, 2 June 2027 at 01:30 EEST')
    const evening = { ...late, startsAt: '2027-06-01T16:00:00.000Z', endsAt: '2027-06-01T19:00:00.000Z' }
    const [other] = await pagesOf(await renderTicketsPdf(fonts, { orderId: 'order1', event: evening, tickets: [ticket(1)] }))
    expect(other).toContain('Tuesday, 1 June 2027 at 19:00 EEST – 22:00 EEST')
  })

  test.skipIf(!hasDejaVu)('with DejaVu the Greek title prints as it is', async () => {
    const fonts = loadTicketFonts(DEJAVU)
    expect(fonts.unicode).toBe(true)
    const [page] = await pagesOf(await renderTicketsPdf(fonts, { orderId: 'order1', event, tickets: [ticket(1)] }))
    expect(page).toContain('Ελληνικά Ünïcode €5 night')
  })

  test('a folder without the fonts, or with broken ones, falls back to the built-in fonts', () => {
    expect(loadTicketFonts('/nonexistent').unicode).toBe(false)
    const broken = mkdtempSync(join(tmpdir(), 'fonts-'))
    for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf']) writeFileSync(join(broken, file), 'not a font')
    expect(loadTicketFonts(broken).unicode).toBe(false)
  })

  test('however long the title, venue, type and name, each ticket keeps one page with its code', async () => {
    const long = (word: string, n: number) => Array(n).fill(word).join(' ')
    const input: TicketsPdfInput = {
      orderId: 'order1',
      event: { ...event, title: long('Festival', 40), venue: { name: long('Hall', 60), address: long('Street', 40), city: long('City', 30) }, organizer: long('Org', 60), ticketInfo: long('Doors\nopen', 200) },
      tickets: [1, 2, 3].map((n) => ticket(n, { ticketTypeName: long('Type', 25), attendeeName: long('Name', 25), status: n === 2 ? 'checked_in' : 'valid', checkedInAt: '2027-06-01T17:00:00.000Z' })),
    }
    const pages = await pagesOf(await renderTicketsPdf(loadTicketFonts(hasDejaVu ? DEJAVU : undefined), input))
    expect(pages).toHaveLength(3)
    for (const [i, page] of pages.entries()) {
      expect(page).toContain(`${i + 1} of 3`)
      expect(page).toContain(input.tickets[i]!.code)
      expect(page).toContain('…')
    }
    expect(pages[1]).toContain('Already checked in')
  })

  test("the organiser's information for ticket holders is on every page, as one paragraph", async () => {
    const info = 'Doors open at 19:00.\n\nBring a photo ID; no large bags.'
    const pages = await pagesOf(await renderTicketsPdf(loadTicketFonts(hasDejaVu ? DEJAVU : undefined), { orderId: 'order1', event: { ...event, ticketInfo: info }, tickets: [ticket(1), ticket(2)] }))
    expect(pages).toHaveLength(2)
    for (const page of pages) expect(page).toContain('Doors open at 19:00. Bring a photo ID; no large bags.')
  })

  test('a receipt: one page with the lines, the voucher, the total, the card and a refund; through the same thread', async () => {
    const renderer = ticketsPdfRenderer({ fontDir: hasDejaVu ? DEJAVU : undefined })
    try {
      const receipt = {
        orderId: 'order1',
        paidAt: '2027-05-01T10:00:00.000Z',
        buyerEmail: 'ada@example.com',
        event: { ...event, organizer: 'Jazz Society' },
        items: [{ name: 'Stalls', quantity: 3, unitPriceCents: 2000 }],
        currency: 'EUR',
        voucher: { code: 'SPRING', discountCents: 1200 },
        totalCents: 4800,
        payment: { paymentId: 'pay1', brand: 'visa', last4: '4242' },
        refund: { amountCents: 4800, done: true, at: '2027-05-02T10:00:00.000Z', reason: 'cannot come' },
      }
      const pages = await pagesOf(await renderer.receipt(receipt))
      expect(pages).toHaveLength(1)
      for (const part of ['Receipt (refunded)', 'Receipt number order1', 'Customer ada@example.com', 'Sold by Jazz Society', '3 × Stalls at €20.00', '€60.00', 'Voucher SPRING', '€48.00', 'visa ending 4242', 'Refunded €48.00', 'cannot come'])
        expect(pages[0]).toContain(part)
      expect(pages[0]).toMatch(hasDejaVu ? /−€12\.00/ : /-€12\.00/)
      // Recorded but not back on the card yet: it says so.
      const [pending] = await pagesOf(await renderer.receipt({ ...receipt, refund: { ...receipt.refund, done: false } }))
      expect(pending).toContain('Refund of €48.00 requested')
      expect(pending).toContain('under way')
      expect(pending).not.toContain('Refunded €48.00')
    } finally {
      renderer.close()
    }
  })

  test('the renderer makes PDFs in its own thread, refuses more than it may hold, and starts again after a close', async () => {
    const renderer = ticketsPdfRenderer({ fontDir: hasDejaVu ? DEJAVU : undefined, maxWaiting: 2 })
    try {
      const input = { orderId: 'order1', event, tickets: [ticket(1), ticket(2)] }
      const first = renderer.render(input)
      const second = renderer.render(input)
      await expect(renderer.render(input)).rejects.toBeInstanceOf(RendererBusy)
      const pages = await Promise.all([first, second].map(async (p) => pagesOf(await p)))
      expect(pages.map((p) => p.length)).toEqual([2, 2])
      renderer.close()
      expect((await pagesOf(await renderer.render(input))).length).toBe(2)
    } finally {
      renderer.close()
    }
  })
})
