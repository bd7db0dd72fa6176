// Printable e-tickets: one A4 page per ticket with the event, the ticket type, the name on it and its
// QR code drawn as vector squares (sharp at any print size). pdfkit writes the PDF; the fonts are the
// system's DejaVu (Latin, Greek, Cyrillic) when present and usable, else the PDF's built-in Helvetica
// and Courier, which can only show Latin-1 text: other characters then print as "?".
// Every text block has a fixed room (longer text ends in "…"), so the QR code always sits in the same
// place on its own page, whatever the titles and names.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import { formatDate, formatTime } from '@easypass/kit/format'
import { wallTimeInput, zoneOrUtc } from '@easypass/contracts/time-zones'
import { languageOf, type Language } from '@easypass/contracts/languages'
import { WORDS } from './words'

/** What a page needs of a ticket (the orders API's Ticket has all of it). */
export interface PrintedTicket {
  id: string
  code: string
  ticketTypeName?: string
  /** Its numbered seat (row-number), when it has one. */
  seat?: string
  attendeeName?: string
  status: string
  checkedInAt?: string
}

export interface TicketsPdfInput {
  orderId: string
  /** `ticketInfo`: the organiser's practical information for ticket holders (doors, what to bring). */
  event: { title?: string; startsAt?: string; endsAt?: string; timeZone?: string; venue?: { name?: string; address?: string; city?: string }; organizer?: string; ticketInfo?: string } | null
  tickets: PrintedTicket[]
  /** The language the pages are printed in (absent: English). */
  language?: Language
}

export interface TicketFonts {
  regular: string | Buffer
  bold: string | Buffer
  mono: string | Buffer
  /** Whether the fonts go beyond Latin-1. */
  unicode: boolean
}

const DEJAVU = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono.ttf' }
const BUILT_IN_FONTS: TicketFonts = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier', unicode: false }

/** The fonts in `dir` when all three are there, readable and usable (tried once), the built-in ones otherwise. */
export function loadTicketFonts(dir: string | undefined): TicketFonts {
  if (!dir) return BUILT_IN_FONTS
  try {
    const paths = Object.values(DEJAVU).map((file) => join(dir, file))
    if (!paths.every((path) => existsSync(path))) return BUILT_IN_FONTS
    const [regular, bold, mono] = paths.map((path) => readFileSync(path)) as [Buffer, Buffer, Buffer]
    const fonts = { regular, bold, mono, unicode: true }
    // A damaged file would fail every PDF: found out here, once.
    const probe = new PDFDocument({ autoFirstPage: false })
    for (const [name, src] of [['r', regular], ['b', bold], ['m', mono]] as const) probe.registerFont(name, src).font(name)
    return fonts
  } catch {
    return BUILT_IN_FONTS
  }
}

// What the built-in fonts' WinAnsi encoding shows beyond printable ASCII and Latin-1.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ')
const printableLatin1 = (c: string) => {
  const code = c.codePointAt(0)!
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c)
}
/** Text the built-in fonts can show: anything else becomes "?". */
export const latin1Only = (text: string) => Array.from(text, (c) => (printableLatin1(c) ? c : '?')).join('')

/** The dark modules of a QR code as runs per row, `[row, firstColumn, length]`: one rectangle each. */
export function qrRuns(code: string): { size: number; runs: Array<[number, number, number]> } {
  const qr = QRCode.create(code, { errorCorrectionLevel: 'M' })
  const size = qr.modules.size
  const runs: Array<[number, number, number]> = []
  for (let row = 0; row < size; row++) {
    let col = 0
    while (col < size) {
      if (!qr.modules.get(row, col)) {
        col++
        continue
      }
      const start = col
      while (col < size && qr.modules.get(row, col)) col++
      runs.push([row, start, col - start])
    }
  }
  return { size, runs }
}

export const PAGE = { width: 595.28, height: 841.89, margin: 56 }
const QR = { size: 230, top: 430 }
export const GREY = '#57606a'
const QUIET_MODULES = 4 // the white border readers need

function drawQr(doc: PDFKit.PDFDocument, code: string, x: number, y: number) {
  const { size, runs } = qrRuns(code)
  const cell = QR.size / (size + 2 * QUIET_MODULES)
  doc.save().rect(x, y, QR.size, QR.size).fill('#ffffff').restore()
  for (const [row, col, length] of runs) doc.rect(x + (QUIET_MODULES + col) * cell, y + (QUIET_MODULES + row) * cell, length * cell, cell)
  doc.fill('#000000')
}

/** An event's time on the venue's clock: `Tuesday, 1 June 2027 at 21:00 EEST – 23:00 EEST`, the end's date too when it is another day there. */
function eventTime(startsAt: string | undefined, endsAt: string | undefined, lang: Language, timeZone: string | undefined): string | undefined {
  const start = startsAt ? formatDate(startsAt, lang, timeZone) : undefined
  if (!start) return undefined
  if (!endsAt) return start
  const zone = zoneOrUtc(timeZone)
  const dayOf = (iso: string) => wallTimeInput(new Date(iso), zone).slice(0, 10)
  const sameDay = !Number.isNaN(Date.parse(endsAt)) && dayOf(startsAt!) === dayOf(endsAt)
  const end = sameDay ? formatTime(endsAt, lang, timeZone) : formatDate(endsAt, lang, timeZone)
  return end ? `${start} – ${end}` : start
}

/**
 * An A4 document with the fonts registered (`regular`, `bold`, `mono`), `text` (what the fonts can show
 * of a value) and `done` (the bytes, once `doc.end()` was called). `lang`: the document's language (its
 * subject is written in it, and a German or French one says which it is).
 */
export function openPdf(fonts: TicketFonts, title: string, orderId: string, autoFirstPage: boolean, lang: Language = 'en') {
  const text = (value: string) => (fonts.unicode ? value : latin1Only(value))
  const info = { Title: text(title), Author: 'EasyPass', Subject: WORDS[lang].orderSubject(orderId) }
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, autoFirstPage, info, ...(lang === 'en' ? {} : { lang }) })
  doc.registerFont('regular', fonts.regular)
  doc.registerFont('bold', fonts.bold)
  doc.registerFont('mono', fonts.mono)
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  return { doc, text, done }
}

/** The order's tickets as one PDF, a page each, in the order given (seat order). */
export function renderTicketsPdf(fonts: TicketFonts, input: TicketsPdfInput): Promise<Buffer> {
  const lang = languageOf(input.language)
  const words = WORDS[lang]
  const title = input.event?.title?.trim() || words.yourEvent
  const { doc, text, done } = openPdf(fonts, words.ticketsTitle(title), input.orderId, false, lang)

  const width = PAGE.width - 2 * PAGE.margin
  const when = eventTime(input.event?.startsAt, input.event?.endsAt, lang, input.event?.timeZone)
  const venue = input.event?.venue
  const place = venue ? [venue.name, venue.address, venue.city].map((part) => part?.trim()).filter(Boolean).join(', ') : ''
  const organizer = input.event?.organizer?.trim()
  // One paragraph: line breaks would spend the block's few lines on empty ones.
  const info = input.event?.ticketInfo?.replace(/\s+/g, ' ').trim()
  /** Text in at most `lines` lines of its size (the rest ends in "…"). */
  const block = (value: string, font: 'regular' | 'bold' | 'mono', size: number, lines: number, color = '#000000') => {
    doc.font(font).fontSize(size).fillColor(color)
    doc.text(text(value), PAGE.margin, doc.y, { width, height: doc.currentLineHeight(true) * lines, ellipsis: true })
  }

  input.tickets.forEach((ticket, i) => {
    doc.addPage()
    block(words.ticketOf(i + 1, input.tickets.length), 'regular', 10, 1, GREY)
    doc.moveDown(0.8)
    block(title, 'bold', 24, 3)
    doc.moveDown(0.3)
    if (when) block(when, 'regular', 13, 2)
    if (place) block(place, 'regular', 13, 2)
    if (organizer) block(words.organisedBy(organizer), 'regular', 11, 1, GREY)
    doc.moveDown(1.2)
    // The seat shares the type's room (two lines), so the page keeps its layout.
    block(`${ticket.ticketTypeName ?? words.ticket}${ticket.seat ? words.seat(ticket.seat) : ''}`, 'bold', 18, 2)
    if (ticket.attendeeName) block(words.attendee(ticket.attendeeName), 'regular', 13, 1)
    if (ticket.status === 'checked_in')
      block(words.checkedIn(ticket.checkedInAt ? (formatDate(ticket.checkedInAt, lang) ?? '') : undefined), 'regular', 11, 2, '#9a6700')
    if (info) {
      doc.moveDown(0.6)
      block(info, 'regular', 10, 4)
    }

    drawQr(doc, ticket.code, (PAGE.width - QR.size) / 2, QR.top)
    doc.y = QR.top + QR.size + 8
    doc.font('mono').fontSize(15).fillColor('#000000').text(ticket.code, PAGE.margin, doc.y, { width, align: 'center', characterSpacing: 1 })
    doc.moveDown(1.5)
    block(words.showAtEntrance, 'regular', 10, 3, GREY)
    block(words.ticketFooter(input.orderId, ticket.id), 'regular', 10, 1, GREY)
  })
  doc.end()
  return done
}
