import type { ComponentChildren } from 'preact'
import { useMemo } from 'preact/hooks'
import { useT } from '../lib/i18n'
import type { Ticket } from '../lib/types'
import { qrText } from '../i18n/qr'

/**
 * The ticket's QR code, drawn from the API's SVG as an image (a data URL): large, on white with a quiet
 * zone so a phone can scan it, and never inserted as markup (an image cannot run script).
 */
export function TicketQr({ ticket, label, children }: { ticket: Ticket; label: string; children?: ComponentChildren }) {
  const m = useT(qrText)
  const src = useMemo(() => (ticket.qrSvg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(ticket.qrSvg)}` : undefined), [ticket.qrSvg])
  return (
    <figure class={`ticket ticket-${ticket.status}`}>
      {/* A ticket passed on has no code here: it is its new holder's. */}
      {src && (
        <div class="ticket-qr">
          <img src={src} width={240} height={240} alt={m.alt(ticket.code)} />
        </div>
      )}
      <figcaption>
        <strong class="ticket-type">{label}</strong>
        {ticket.attendeeName && <span class="ticket-attendee">{ticket.attendeeName}</span>}
        {ticket.code && <code class="ticket-code">{ticket.code}</code>}
        <span class={`badge badge-ticket-${ticket.status}`}>{m.status[ticket.status] ?? ticket.status}</span>
      </figcaption>
      {/* Controls about the ticket come after its caption, so that they are not read as part of its name. */}
      {children}
    </figure>
  )
}
