// Printable e-tickets: one A4 page per ticket with the event, the ticket type, the name on it and its
// QR code drawn as vector squares (sharp at any print size). pdfkit writes the PDF; the fonts are the
// system's DejaVu (any script it covers) when present, else the PDF's built-in Helvetica and Courier,
// which can only show Latin-1 text: other characters then print as "?".
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { t } from 'elysia'
import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import type { Event } from '@easypass/contracts/catalog'
import type { Ticket } from '@easypass/contracts/orders'
import { fail, formatDate, formatTime } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import { statusOf, type OrderState } from '../orders/store'
import { ticketIdsOf, type TicketsService } from './service'

export interface TicketsPdfInput {
  orderId: string
  event: Pick<Event, 'title' | 'startsAt' | 'endsAt' | 'venue' | 'organizer'> | null
  tickets: Ticket[]
}

type Fonts = { regular: string | Buffer; bold: string | Buffer; mono: string | Buffer; unicode: boolean }

const DEJAVU = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono.ttf' }
const BUILT_IN: Fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier', unicode: false }

/** The fonts in `dir` when all three are there (read once), the built-in ones otherwise. */
export function loadTicketFonts(dir: string | undefined): Fonts {
  if (!dir) return BUILT_IN
  const paths = Object.values(DEJAVU).map((file) => join(dir, file))
  if (!paths.every((path) => existsSync(path))) return BUILT_IN
  const [regular, bold, mono] = paths.map((path) => readFileSync(path)) as [Buffer, Buffer, Buffer]
  return { regular, bold, mono, unicode: true }
}

// What the built-in fonts' WinAnsi encoding can show beyond Latin-1.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ')
const latin1Only = (text: string) =>
  Array.from(text, (c) => ((c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! <= 0xff && c.codePointAt(0) !== 0x7f) || WIN_ANSI_EXTRA.has(c) ? c : '?')).join('')

const PAGE = { width: 595.28, height: 841.89, margin: 56 }
const QR_SIZE = 230
const GREY = '#57606a'

function drawQr(doc: PDFKit.PDFDocument, code: string, x: number, y: number) {
  const qr = QRCode.create(code, { errorCorrectionLevel: 'M' })
  const count = qr.modules.size
  const quiet = 4 // the white border readers need, in modules
  const cell = QR_SIZE / (count + 2 * quiet)
  doc.save().rect(x, y, QR_SIZE, QR_SIZE).fill('#ffffff').restore()
  // One rectangle per run of dark modules in a row: a few hundred path pieces instead of ~700.
  for (let row = 0; row < count; row++) {
    let col = 0
    while (col < count) {
      if (!qr.modules.get(row, col)) {
        col++
        continue
      }
      const start = col
      while (col < count && qr.modules.get(row, col)) col++
      doc.rect(x + (quiet + start) * cell, y + (quiet + row) * cell, (col - start) * cell, cell)
    }
  }
  doc.fill('#000000')
}

/** The order's tickets as one PDF, a page each, in seat order. */
export function renderTicketsPdf(fonts: Fonts, input: TicketsPdfInput): Promise<Buffer> {
  const text = (value: string) => (fonts.unicode ? value : latin1Only(value))
  const title = input.event?.title?.trim() || 'Your event'
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    autoFirstPage: false,
    info: { Title: text(`Tickets for ${title}`), Author: 'EasyPass', Subject: `Order ${input.orderId}` },
  })
  doc.registerFont('regular', fonts.regular)
  doc.registerFont('bold', fonts.bold)
  doc.registerFont('mono', fonts.mono)
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })

  const width = PAGE.width - 2 * PAGE.margin
  const when = input.event?.startsAt ? formatDate(input.event.startsAt) : undefined
  const until = input.event?.endsAt ? formatTime(input.event.endsAt) : undefined
  const venue = input.event?.venue
  const place = venue ? [venue.name, venue.address, venue.city].map((part) => part?.trim()).filter(Boolean).join(', ') : ''

  input.tickets.forEach((ticket, i) => {
    doc.addPage()
    doc.font('regular').fontSize(10).fillColor(GREY).text(text(`EasyPass e-ticket · ${i + 1} of ${input.tickets.length}`), { width })
    doc.moveDown(0.8)
    doc.font('bold').fontSize(24).fillColor('#000000').text(text(title), { width })
    doc.moveDown(0.3)
    doc.font('regular').fontSize(13)
    if (when) doc.text(text(until ? `${when} – ${until}` : when), { width })
    if (place) doc.text(text(place), { width })
    if (input.event?.organizer?.trim()) doc.fillColor(GREY).fontSize(11).text(text(`Organised by ${input.event.organizer.trim()}`), { width }).fillColor('#000000')
    doc.moveDown(1.2)

    doc.font('bold').fontSize(18).text(text(ticket.ticketTypeName ?? 'Ticket'), { width })
    if (ticket.attendeeName) doc.font('regular').fontSize(13).text(text(`Name: ${ticket.attendeeName}`), { width })
    if (ticket.status === 'checked_in')
      doc.font('regular').fontSize(11).fillColor('#9a6700').text(text(`Already checked in${ticket.checkedInAt ? ` at ${formatDate(ticket.checkedInAt) ?? ''}` : ''}: this code will not admit anyone again.`), { width }).fillColor('#000000')
    doc.moveDown(1)

    const qrY = doc.y
    drawQr(doc, ticket.code, (PAGE.width - QR_SIZE) / 2, qrY)
    doc.y = qrY + QR_SIZE + 8
    doc.font('mono').fontSize(15).text(ticket.code, PAGE.margin, doc.y, { width, align: 'center', characterSpacing: 1 })
    doc.moveDown(1.5)

    doc.font('regular').fontSize(10).fillColor(GREY)
    doc.text(text('Show this page, printed or on screen, at the entrance. Each code admits one person, once: keep it to yourself, as anyone holding it can use it.'), { width })
    doc.text(text(`Order ${input.orderId} · ticket ${ticket.id}`), { width })
    doc.fillColor('#000000')
  })
  doc.end()
  return done
}

/** The PDF of a paid order's tickets, for its buyer (the public route) and for the confirmation email. */
export function ticketsPdfService({ tickets, catalog, fontDir }: { tickets: TicketsService; catalog: CatalogClient; fontDir: string | undefined }) {
  const fonts = loadTicketFonts(fontDir)
  return {
    fonts,
    async render(state: OrderState): Promise<{ filename: string; pdf: Buffer }> {
      const status = statusOf(state)
      if (status === 'refunded') throw fail('CONFLICT', 'the order was refunded: its tickets are no longer valid')
      if (status !== 'paid') throw fail('CONFLICT', 'tickets are issued once the order is paid')
      const list = await tickets.list(state.doc, false)
      if (list.length !== ticketIdsOf(state.doc).length)
        throw fail('UNAVAILABLE', 'the tickets of this order are still being issued, try again in a moment', { retryAfterSeconds: 1 })
      const event = await catalog.event(state.doc.eventId)
      const pdf = await renderTicketsPdf(fonts, { orderId: state.doc._id, event, tickets: list })
      return { filename: `easypass-tickets-${state.doc._id}.pdf`, pdf }
    },
  }
}
export type TicketsPdfService = ReturnType<typeof ticketsPdfService>

/** How the PDF answer is documented (the gateway lists it under `application/pdf`). */
export const TicketsPdf = t.String({ contentMediaType: 'application/pdf', contentEncoding: 'binary', description: 'The tickets as a PDF, one A4 page each' })

/** The PDF as an HTTP answer: a download named after the order, never cached by a shared cache. */
export const pdfResponse = ({ filename, pdf }: { filename: string; pdf: Buffer }) =>
  new Response(Uint8Array.from(pdf), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
    },
  })
