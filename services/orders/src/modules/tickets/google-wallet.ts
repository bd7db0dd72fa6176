// A ticket in Google Wallet: a "save to Google Wallet" link carrying a JWT signed with the operator's
// Google Cloud service account key (RS256), which holds the event as an event ticket class and the ticket
// as its object (the event, its date and venue, the ticket's type, seat and name, its code as the QR
// code the door scans). Google creates both when the link is opened; nothing is called from here, so no
// Google credential ever travels but the signature. Offered only where the operator set up an issuer
// (GOOGLE_WALLET_* settings): Google refuses a link signed by any other account. Kept short (Google asks
// links to stay under about 1,800 characters): no fine print, colour or confirmation code, no repeated
// fields, short ids.
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto'
import { importPKCS8, SignJWT } from 'jose'
import type { Event } from '@easypass/contracts/catalog'
import { canonicalTimeZone, isoInZone } from '@easypass/contracts/time-zones'
import { languageOf } from '@easypass/contracts/languages'
import type { Ticket } from '@easypass/contracts/orders'
import { fail, type Logger } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import type { OrdersConfig } from '../../config'
import { statusOf, type OrderState } from '../orders/store'
import { eventToPrint } from './pdf'

export interface GoogleWalletSettings {
  issuerId: string
  serviceAccount: string
  key: string
  /** The web app's origins, where the button is shown (the JWT names them, as Google asks). */
  origins: string[]
}

/** Where a saved ticket's link goes: Google's page, with the signed JWT. */
export const GOOGLE_WALLET_SAVE_URL = 'https://pay.google.com/gp/v/save/'

/** The operator's settings: all of them or none (no links); some without the others, or a key that is not an RSA private key, stop the start. */
export function googleWalletSettings(config: Pick<OrdersConfig, 'GOOGLE_WALLET_ISSUER_ID' | 'GOOGLE_WALLET_SERVICE_ACCOUNT' | 'GOOGLE_WALLET_KEY' | 'PUBLIC_URL'>): GoogleWalletSettings | undefined {
  const required = { GOOGLE_WALLET_ISSUER_ID: config.GOOGLE_WALLET_ISSUER_ID, GOOGLE_WALLET_SERVICE_ACCOUNT: config.GOOGLE_WALLET_SERVICE_ACCOUNT, GOOGLE_WALLET_KEY: config.GOOGLE_WALLET_KEY }
  const missing = Object.entries(required).filter(([, value]) => !value).map(([key]) => key)
  if (missing.length === Object.keys(required).length) return undefined
  if (missing.length) throw new Error(`Google Wallet tickets need every GOOGLE_WALLET_* setting: ${missing.join(', ')} missing`)
  let key: KeyObject
  try {
    key = createPrivateKey(config.GOOGLE_WALLET_KEY!)
  } catch {
    throw new Error('GOOGLE_WALLET_KEY is not a private key (the service account key file\'s "private_key", PEM)')
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`GOOGLE_WALLET_KEY must be the service account's RSA key, not ${key.asymmetricKeyType}`)
  if (!config.PUBLIC_URL) throw new Error('Google Wallet tickets need PUBLIC_URL: the link names the site its button is on')
  // Kept as PKCS #8, whichever PEM it came in (a service account's is; `BEGIN RSA PRIVATE KEY` is taken too).
  return { issuerId: config.GOOGLE_WALLET_ISSUER_ID!, serviceAccount: config.GOOGLE_WALLET_SERVICE_ACCOUNT!, key: key.export({ type: 'pkcs8', format: 'pem' }).toString(), origins: [new URL(config.PUBLIC_URL).origin] }
}

/** Google's ids: `<issuer id>.<our id>`, of letters, digits, `.`, `_` and `-`. */
const idOf = (issuerId: string, kind: 'e' | 't', id: string) => `${issuerId}.ep-${kind}-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`

/**
 * A ticket's object id names its code too: a save link never changes an object Google has already, so a
 * ticket passed on (a new code) or saved again is a new object, never the giver's stale one.
 */
const ticketObjectId = (issuerId: string, ticket: Ticket) => idOf(issuerId, 't', `${ticket.id}-${createHash('sha256').update(ticket.code!).digest('base64url').slice(0, 12)}`)

export function googleWallet(settings: GoogleWalletSettings | undefined, { catalog, log }: { catalog: CatalogClient; log: Logger }) {
  const key = settings ? importPKCS8(settings.key, 'RS256') : undefined

  return {
    offered: !!settings,

    /** The save link of a valid ticket its holder has; 404 where Google Wallet is not offered, 409 for one that no longer admits anyone. */
    async link(state: OrderState, ticket: Ticket): Promise<{ url: string }> {
      if (!settings || !key) throw fail('NOT_FOUND', 'Google Wallet tickets are not offered here (the operator has not set up a Google Wallet issuer)')
      if (statusOf(state) !== 'paid' || ticket.status === 'refunded' || !ticket.code) throw fail('CONFLICT', 'this ticket is no longer valid: it cannot be saved to Google Wallet')
      const lang = languageOf(state.doc.language)
      const text = (value: string) => ({ defaultValue: { language: lang, value } })
      const event: Partial<Event> = (await eventToPrint(catalog, state, log)) ?? {}
      // The order keeps its event's title: the catalog's is only newer.
      const title = event.title ?? state.doc.eventTitle ?? 'EasyPass'
      const startsAt = event.startsAt ?? state.doc.eventStartsAt?.toISOString()
      // An event without a zone keeps the instant as it is: the phone shows it in its own zone, as before.
      const zone = event.timeZone ? canonicalTimeZone(event.timeZone) : null
      const onVenueClock = (iso: string) => (zone ? isoInZone(new Date(iso), zone) : iso)
      const classId = idOf(settings.issuerId, 'e', state.doc.eventId)
      const eventTicketClass = {
        id: classId,
        issuerName: (event.organizer || 'EasyPass').slice(0, 60),
        // A class made by a save link is reviewed by Google before it shows widely; its passes work meanwhile.
        reviewStatus: 'UNDER_REVIEW',
        eventId: state.doc.eventId,
        eventName: text(title),
        ...(event.venue ? { venue: { name: text(event.venue.name), address: text([event.venue.address, event.venue.city].filter(Boolean).join(', ')) } } : {}),
        // With an offset, Google shows the time as it is there: the venue's clock when the event has a zone.
        ...(startsAt ? { dateTime: { start: onVenueClock(startsAt), ...(event.endsAt ? { end: onVenueClock(event.endsAt) } : {}) } } : {}),
      }
      const seat = ticket.seat ? /^(.+?)-(\d+)$/.exec(ticket.seat) : null
      const eventTicketObject = {
        id: ticketObjectId(settings.issuerId, ticket),
        classId,
        // Checked in already: shown as used (the door would refuse the code anyway).
        state: ticket.checkedInAt ? 'COMPLETED' : 'ACTIVE',
        barcode: { type: 'QR_CODE', value: ticket.code },
        ...(ticket.ticketTypeName ? { ticketType: text(ticket.ticketTypeName) } : {}),
        ...(ticket.attendeeName ? { ticketHolderName: ticket.attendeeName } : {}),
        ...(seat ? { seatInfo: { row: text(seat[1]!), seat: text(seat[2]!) } } : ticket.seat ? { seatInfo: { seat: text(ticket.seat) } } : {}),
      }
      try {
        const jwt = await new SignJWT({ origins: settings.origins, typ: 'savetowallet', payload: { eventTicketClasses: [eventTicketClass], eventTicketObjects: [eventTicketObject] } })
          .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
          .setIssuer(settings.serviceAccount)
          .setAudience('google')
          .setIssuedAt()
          .sign(await key)
        return { url: `${GOOGLE_WALLET_SAVE_URL}${jwt}` }
      } catch (error) {
        log.error({ ticketId: ticket.id, err: String(error) }, 'the Google Wallet link could not be made')
        throw fail('UNAVAILABLE', 'the Google Wallet link could not be made just now, try again in a moment', { retryAfterSeconds: 5 })
      }
    },
  }
}
export type GoogleWallet = ReturnType<typeof googleWallet>
