// What receipts, invoices and credit notes write alike on their one A4 page: lines that never run
// over their room, rows with the amount on the right, rules, the event, who a document is made out
// to, and the lines sold (or taken back) with the tax per rate.
import { formatDate, formatMoney } from '@easypass/kit'
import type { Language } from '@easypass/contracts/languages'
import { GREY, PAGE, type TicketFonts } from './render'
import { WORDS } from './words'

type PdfDoc = PDFKit.PDFDocument

export interface PrintedEvent {
  title?: string
  startsAt?: string
  /** The event's time zone (absent: UTC). */
  timeZone?: string
  venue?: { name?: string; address?: string; city?: string }
  organizer?: string
}
export interface BillTo {
  name: string
  company?: string
  address: string
  taxId?: string
}
export interface PrintedLine {
  name: string
  quantity: number
  unitPriceCents: number
  taxRateBasisPoints?: number
}
export interface TaxRow {
  rateBasisPoints: number
  netCents: number
  taxCents: number
  grossCents: number
}

/** The page's tools in `lang` (English when absent): its fixed texts (`words`), amounts and dates. */
export function paper(doc: PdfDoc, text: (value: string) => string, fonts: TicketFonts, currency: string, lang: Language = 'en') {
  const words = WORDS[lang]
  const percent = words.percent
  const width = PAGE.width - 2 * PAGE.margin
  // French groups thousands with a narrow no-break space, which the built-in fonts lack: a no-break space there.
  const money = (cents: number) => {
    const amount = formatMoney(cents, currency, lang)
    return fonts.unicode ? amount : amount.replace(/\u202f/g, '\u00a0')
  }
  // The minus sign is not in the built-in fonts' Latin-1.
  const minus = (cents: number) => `${fonts.unicode ? '−' : '-'}${money(cents)}`
  /** A text of at most `lines` lines (longer: cut with "…"); the refund statements, longer in German and French, get 4. */
  const line = (value: string, font: 'regular' | 'bold' = 'regular', size = 11, color = '#000000', lines = 2) => {
    doc.font(font).fontSize(size).fillColor(color).text(text(value), PAGE.margin, doc.y, { width, height: doc.currentLineHeight(true) * lines, ellipsis: true })
  }
  /** A row: the label on the left, the amount on the right, on one line. */
  const row = (label: string, amount: string, font: 'regular' | 'bold' = 'regular') => {
    const y = doc.y
    doc.font(font).fontSize(11).fillColor('#000000')
    doc.text(text(label), PAGE.margin, y, { width: width - 120, height: doc.currentLineHeight(true), ellipsis: true })
    doc.text(text(amount), PAGE.margin + width - 120, y, { width: 120, align: 'right' })
    doc.y = y + doc.currentLineHeight(true) + 4
  }
  const rule = () => {
    doc.moveTo(PAGE.margin, doc.y).lineTo(PAGE.margin + width, doc.y).strokeColor('#d0d7de').lineWidth(1).stroke()
    doc.y += 6
  }
  // A long name is shortened, never the price after it.
  const short = (name: string) => (name.length > 48 ? `${name.slice(0, 47)}…` : name)
  const date = (iso: string) => formatDate(iso, lang) ?? iso

  return {
    words,
    money,
    minus,
    line,
    row,
    rule,
    date,

    /** Who issued it (name, address, tax number), in grey under the title. */
    issuer(issuer: { name: string; address?: string; taxId?: string }) {
      const { name, address, taxId } = issuer
      line(words.issuedBy([name, address].filter(Boolean).join(', '), taxId), 'regular', 11, GREY)
    },

    /** Who it is made out to: the billing details given, else the buyer's email. */
    customer(billTo: BillTo | undefined, buyerEmail: string | undefined) {
      if (billTo) {
        const who = [billTo.name, billTo.company].filter(Boolean).join(', ')
        line(words.billTo(who), 'regular', 11, GREY)
        line(billTo.address.split('\n').join(', '), 'regular', 11, GREY)
        if (billTo.taxId) line(words.customerTaxId(billTo.taxId), 'regular', 11, GREY)
      } else if (buyerEmail) line(words.customer(buyerEmail), 'regular', 11, GREY)
    },

    /** The event's title, date and place. */
    event(event: PrintedEvent | null) {
      line(event?.title?.trim() || words.event, 'bold', 15)
      const when = event?.startsAt ? formatDate(event.startsAt, lang, event.timeZone) : undefined
      if (when) line(when)
      const venue = event?.venue
      const place = venue ? [venue.name, venue.address, venue.city].map((p) => p?.trim()).filter(Boolean).join(', ') : ''
      if (place) line(place)
    },

    /** One row per line (20 at most: a page), each amount with a minus when `negative` (a credit note). */
    lines(lines: readonly PrintedLine[], taxed: boolean, negative = false) {
      for (const item of lines.slice(0, 20)) {
        const amount = item.quantity * item.unitPriceCents
        row(words.line(item.quantity, short(item.name), money(item.unitPriceCents), taxed ? percent(item.taxRateBasisPoints ?? 0) : undefined), negative ? minus(amount) : money(amount))
      }
    },

    /** What the total includes per rate. */
    taxes(taxes: readonly TaxRow[] | undefined, negative = false) {
      for (const tax of taxes ?? [])
        row(words.includesTax(percent(tax.rateBasisPoints), money(tax.taxCents), money(tax.netCents)), negative ? minus(tax.grossCents) : money(tax.grossCents))
    },
  }
}
