// A ticket as an Apple Wallet pass (`.pkpass`): the event, its date and venue, the ticket's type, seat
// and name, and its code as the QR code the door scans, signed with the operator's Pass Type ID
// certificate (passkit-generator). Offered only where the operator set up that certificate
// (WALLET_* settings): a pass signed with anything else is refused by every iPhone.
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { PKPass } from 'passkit-generator'
import type { Event } from '@easypass/contracts/catalog'
import { canonicalTimeZone, isoInZone } from '@easypass/contracts/time-zones'
import { languageOf, type Language } from '@easypass/contracts/languages'
import type { Ticket } from '@easypass/contracts/orders'
import { fail, type Logger } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import type { OrdersConfig } from '../../config'
import { statusOf, type OrderState } from '../orders/store'
import { eventToPrint } from './pdf'

export interface WalletSettings {
  passTypeId: string
  teamId: string
  certificates: { wwdr: string; signerCert: string; signerKey: string; signerKeyPassphrase?: string }
}

/** The operator's settings: all of them or none (no passes); some without the others stop the start. */
export function walletSettings(config: Pick<OrdersConfig, 'WALLET_PASS_TYPE_ID' | 'WALLET_TEAM_ID' | 'WALLET_CERT' | 'WALLET_KEY' | 'WALLET_KEY_PASSPHRASE' | 'WALLET_WWDR'>): WalletSettings | undefined {
  const required = { WALLET_PASS_TYPE_ID: config.WALLET_PASS_TYPE_ID, WALLET_TEAM_ID: config.WALLET_TEAM_ID, WALLET_CERT: config.WALLET_CERT, WALLET_KEY: config.WALLET_KEY, WALLET_WWDR: config.WALLET_WWDR }
  const missing = Object.entries(required).filter(([, value]) => !value).map(([key]) => key)
  if (missing.length === Object.keys(required).length) return undefined
  if (missing.length) throw new Error(`Apple Wallet passes need every WALLET_* setting: ${missing.join(', ')} missing`)
  const settings: WalletSettings = {
    passTypeId: config.WALLET_PASS_TYPE_ID!,
    teamId: config.WALLET_TEAM_ID!,
    certificates: { wwdr: config.WALLET_WWDR!, signerCert: config.WALLET_CERT!, signerKey: config.WALLET_KEY!, ...(config.WALLET_KEY_PASSPHRASE ? { signerKeyPassphrase: config.WALLET_KEY_PASSPHRASE } : {}) },
  }
  // One pass signed now: a key that is not the certificate's, a wrong passphrase or a broken PEM stops
  // the start, rather than failing every ticket's pass later.
  try {
    const key = createPrivateKey({ key: settings.certificates.signerKey, ...(settings.certificates.signerKeyPassphrase ? { passphrase: settings.certificates.signerKeyPassphrase } : {}) })
    if (!new X509Certificate(settings.certificates.signerCert).checkPrivateKey(key)) throw new Error('WALLET_KEY is not the key of WALLET_CERT')
    void new X509Certificate(settings.certificates.wwdr) // a broken WWDR certificate throws here
    const sample = new PKPass({ 'icon.png': markPng(29) }, settings.certificates, { formatVersion: 1, passTypeIdentifier: settings.passTypeId, teamIdentifier: settings.teamId, serialNumber: 'start-check', organizationName: 'EasyPass', description: 'start check' })
    sample.type = 'eventTicket'
    sample.getAsBuffer()
  } catch (error) {
    throw new Error(`the WALLET_* settings cannot sign a pass: ${error instanceof Error ? error.message : String(error)}`)
  }
  return settings
}

const LABELS: Record<Language, { event: string; date: string; venue: string; type: string; seat: string; name: string; address: string; info: string; order: string; code: string; ticketFor: (title: string) => string }> = {
  en: { event: 'Event', date: 'Date', venue: 'Venue', type: 'Ticket', seat: 'Seat', name: 'Name', address: 'Address', info: 'From the organiser', order: 'Order', code: 'Code', ticketFor: (title) => `Ticket for ${title}` },
  de: { event: 'Veranstaltung', date: 'Datum', venue: 'Ort', type: 'Ticket', seat: 'Platz', name: 'Name', address: 'Adresse', info: 'Vom Veranstalter', order: 'Bestellung', code: 'Code', ticketFor: (title) => `Ticket für ${title}` },
  fr: { event: 'Événement', date: 'Date', venue: 'Lieu', type: 'Billet', seat: 'Place', name: 'Nom', address: 'Adresse', info: 'De la part de l’organisateur', order: 'Commande', code: 'Code', ticketFor: (title) => `Billet pour ${title}` },
}

// --- The pass's images: EasyPass's mark, drawn here as PNGs (a pass needs an icon; the logo heads it).

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** The mark at `size` pixels: an indigo rounded square with a white ticket (notched at both sides). */
export function markPng(size: number): Buffer {
  const rows: Buffer[] = []
  const r = size * 0.22
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4)
    for (let x = 0; x < size; x++) {
      const cx = Math.min(x + 0.5, size - x - 0.5)
      const cy = Math.min(y + 0.5, size - y - 0.5)
      const outside = cx < r && cy < r && Math.hypot(r - cx, r - cy) > r
      const u = (x + 0.5) / size
      const v = (y + 0.5) / size
      const inTicket = u > 0.2 && u < 0.8 && v > 0.32 && v < 0.68 && Math.hypot(u - 0.2, v - 0.5) > 0.08 && Math.hypot(u - 0.8, v - 0.5) > 0.08
      const [red, green, blue] = inTicket ? [255, 255, 255] : [55, 48, 163]
      row.set([red, green, blue, outside ? 0 : 255], 1 + x * 4)
    }
    rows.push(row)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

export function walletPasses(settings: WalletSettings | undefined, { catalog, log }: { catalog: CatalogClient; log: Logger }) {
  const images = settings
    ? { 'icon.png': markPng(29), 'icon@2x.png': markPng(58), 'icon@3x.png': markPng(87), 'logo.png': markPng(50), 'logo@2x.png': markPng(100) }
    : undefined

  return {
    offered: !!settings,

    /** The pass of a valid ticket its holder has; 404 where passes are not offered, 409 for one that no longer admits anyone. */
    async pass(state: OrderState, ticket: Ticket): Promise<{ filename: string; body: Buffer }> {
      if (!settings || !images) throw fail('NOT_FOUND', 'Apple Wallet passes are not offered here (the operator has not set up a pass certificate)')
      if (statusOf(state) !== 'paid' || ticket.status === 'refunded' || !ticket.code) throw fail('CONFLICT', 'this ticket is no longer valid: it has no pass')
      const w = LABELS[languageOf(state.doc.language)]
      const event: Partial<Event> = (await eventToPrint(catalog, state, log)) ?? {}
      const title = event.title ?? state.doc.eventTitle ?? w.event
      const startsAt = event.startsAt ?? state.doc.eventStartsAt?.toISOString()
      try {
        const pass = new PKPass({ ...images }, settings.certificates, {
          formatVersion: 1,
          passTypeIdentifier: settings.passTypeId,
          teamIdentifier: settings.teamId,
          serialNumber: ticket.id,
          organizationName: event.organizer || 'EasyPass',
          description: w.ticketFor(title),
          logoText: 'EasyPass',
          backgroundColor: 'rgb(55, 48, 163)',
          foregroundColor: 'rgb(255, 255, 255)',
          labelColor: 'rgb(199, 210, 254)',
          // Checked in already: the pass says so at once (the door would refuse the code anyway).
          ...(ticket.checkedInAt ? { voided: true } : {}),
        })
        pass.type = 'eventTicket'
        pass.primaryFields.push({ key: 'event', label: w.event, value: title })
        // With the venue's zone the pass shows the venue's clock (its offset, not the phone's zone): the doors
        // open at 20:00 in Helsinki whatever zone the holder's phone is in on the way there.
        // An event without a zone keeps the instant as it is: the phone shows it in its own zone, as before.
        const zone = event.timeZone ? canonicalTimeZone(event.timeZone) : null
        if (startsAt)
          pass.secondaryFields.push({
            key: 'date',
            label: w.date,
            dateStyle: 'PKDateStyleMedium',
            timeStyle: 'PKDateStyleShort',
            ...(zone ? { value: isoInZone(new Date(startsAt), zone), ignoresTimeZone: true } : { value: startsAt }),
          })
        if (event.venue?.name) pass.secondaryFields.push({ key: 'venue', label: w.venue, value: event.venue.name })
        pass.auxiliaryFields.push({ key: 'type', label: w.type, value: ticket.ticketTypeName ?? w.type })
        if (ticket.seat) pass.auxiliaryFields.push({ key: 'seat', label: w.seat, value: ticket.seat })
        if (ticket.attendeeName) pass.auxiliaryFields.push({ key: 'name', label: w.name, value: ticket.attendeeName })
        if (event.venue) pass.backFields.push({ key: 'address', label: w.address, value: [event.venue.name, event.venue.address, event.venue.city].filter(Boolean).join('\n') })
        if (event.ticketInfo) pass.backFields.push({ key: 'info', label: w.info, value: event.ticketInfo })
        pass.backFields.push({ key: 'order', label: w.order, value: state.doc._id }, { key: 'code', label: w.code, value: ticket.code })
        pass.setBarcodes({ format: 'PKBarcodeFormatQR', message: ticket.code, messageEncoding: 'iso-8859-1', altText: ticket.code })
        if (startsAt) pass.setRelevantDate(new Date(startsAt))
        if (event.endsAt) pass.setExpirationDate(new Date(event.endsAt))
        return { filename: `easypass-ticket-${ticket.id}.pkpass`, body: pass.getAsBuffer() }
      } catch (error) {
        log.error({ ticketId: ticket.id, err: String(error) }, 'the wallet pass could not be made')
        throw fail('UNAVAILABLE', 'the wallet pass could not be made just now, try again in a moment', { retryAfterSeconds: 5 })
      }
    },
  }
}
export type WalletPasses = ReturnType<typeof walletPasses>

/** The pass as an HTTP answer: a download Safari hands to Wallet, never cached by a shared cache. */
export function passResponse({ filename, body }: { filename: string; body: Buffer }): Response {
  return new Response(new Uint8Array(body), {
    headers: { 'content-type': 'application/vnd.apple.pkpass', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'private, no-store' },
  })
}
