import { useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { when, zoneOf } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { Link } from '../lib/router'
import { useSession } from '../lib/session'
import type { Ticket, TicketTransfer } from '../lib/types'
import { Alert, Loading, Notice, PageTitle } from '../components/ui'
import { transferText } from '../i18n/transfer'
import { useT } from '../lib/i18n'

const KEPT = 'easypass:ticket-offer'

/** Forgets a link kept for signing in (signing out on a shared computer; a link that is no good). */
export const forgetOffer = () => sessionStorage.removeItem(KEPT)

/**
 * The offer's id and token come in the link's fragment (`#id=…&token=…`), which no server ever sees.
 * They are taken off the address bar at once and kept for this tab only, so that signing in (or
 * creating an account) on the way does not lose them.
 */
function offerFromLink(): { id: string; token: string } | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1))
  const id = fragment.get('id') ?? ''
  const token = fragment.get('token') ?? ''
  if (id && token) {
    history.replaceState(history.state, '', location.pathname + location.search)
    sessionStorage.setItem(KEPT, JSON.stringify({ id, token }))
    return { id, token }
  }
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) ?? 'null') as { id?: unknown; token?: unknown } | null
    return typeof kept?.id === 'string' && typeof kept.token === 'string' ? { id: kept.id, token: kept.token } : undefined
  } catch {
    return undefined
  }
}

export function TransferPage() {
  const m = useT(transferText)
  useTitle(m.title)
  const [link] = useState(offerFromLink)
  const session = useSession()
  if (!link)
    return (
      <section class="container page narrow">
        <PageTitle>{m.title}</PageTitle>
        <Alert error={m.needLink} />
      </section>
    )
  if (!session)
    return (
      <section class="container page narrow">
        <PageTitle>{m.title}</PageTitle>
        <p>{m.signInToAccept}</p>
        <p class="actions">
          <Link class="button" href="/signin?next=%2Ftransfer">
            {m.signIn}
          </Link>
          <Link class="button button-secondary" href="/signup?next=%2Ftransfer">
            {m.createAccount}
          </Link>
        </p>
      </section>
    )
  return <Offer id={link.id} token={link.token} />
}

function Offer({ id, token }: { id: string; token: string }) {
  const m = useT(transferText)
  const offer = useAsync((signal) => api<TicketTransfer>(`/ticket-transfers/${encodeURIComponent(id)}`, { signal }), [id])
  const [accepted, setAccepted] = useState<Ticket>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const accept = async () => {
    setError(undefined)
    setBusy(true)
    try {
      setAccepted(await api<Ticket>(`/ticket-transfers/${encodeURIComponent(id)}/accept`, { body: { token } }))
      forgetOffer()
    } catch (err) {
      setError(err)
      // Refused for good (not whole, taken back, expired, someone else's now): forgotten, and the offer shown as it is.
      if (err instanceof ApiError && [400, 404, 409].includes(err.status)) forgetOffer()
      if (err instanceof ApiError && err.status === 409) offer.reload()
    } finally {
      setBusy(false)
    }
  }
  const o = offer.data
  return (
    <section class="container page narrow">
      <PageTitle>{m.title}</PageTitle>
      {offer.error ? <Alert error={offer.error instanceof ApiError && (offer.error.status === 404 || offer.error.status === 400) ? m.notFound : offer.error} onRetry={offer.reload} /> : null}
      {!o && !offer.error && <Loading label={m.loading} />}
      {o && (
        <article class="card transfer-offer" data-status={accepted ? 'accepted' : o.status}>
          <h2>{o.eventTitle ?? m.event}</h2>
          <p class="muted">
            {o.ticketTypeName ?? m.ticket}
            {o.eventStartsAt && (
              <>
                {' · '}
                <time dateTime={o.eventStartsAt}>{when(o.eventStartsAt, zoneOf({ timeZone: o.eventTimeZone }))}</time>
              </>
            )}
          </p>
          {accepted ? (
            <Notice tone="success">
              <p>
                {m.yours(<Link href="/tickets">{m.myTickets}</Link>)}
              </p>
            </Notice>
          ) : o.status === 'pending' && Date.parse(o.expiresAt) > Date.now() ? (
            <>
              <p>{m.acceptBy(when(o.expiresAt))}</p>
              <Alert error={error} />
              <p class="actions">
                <button type="button" class="button" onClick={accept} disabled={busy}>
                  {busy ? m.accepting : m.accept}
                </button>
              </p>
            </>
          ) : (
            <>
              <Alert error={error} />
              {!error && (
                <Alert
                  tone="warning"
                  error={o.status === 'accepted' ? m.alreadyAccepted : o.status === 'cancelled' ? m.takenBack : m.expired}
                />
              )}
              {o.status === 'accepted' && (
                <p>
                  <Link href="/tickets">{m.seeMyTickets}</Link>
                </p>
              )}
            </>
          )}
        </article>
      )}
    </section>
  )
}
