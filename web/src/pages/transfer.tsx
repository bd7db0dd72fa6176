import { useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { when } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { Link } from '../lib/router'
import { useSession } from '../lib/session'
import type { Ticket, TicketTransfer } from '../lib/types'
import { Alert, Loading, Notice, PageTitle } from '../components/ui'

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
  useTitle('A ticket for you')
  const [link] = useState(offerFromLink)
  const session = useSession()
  if (!link)
    return (
      <section class="container page narrow">
        <PageTitle>A ticket for you</PageTitle>
        <Alert error="This page needs the link from the email that offered you a ticket. Open the link from the email again." />
      </section>
    )
  if (!session)
    return (
      <section class="container page narrow">
        <PageTitle>A ticket for you</PageTitle>
        <p>Someone sent you a ticket. Sign in, or create an account, to accept it: it will then be in your tickets.</p>
        <p class="actions">
          <Link class="button" href="/signin?next=%2Ftransfer">
            Sign in
          </Link>
          <Link class="button button-secondary" href="/signup?next=%2Ftransfer">
            Create an account
          </Link>
        </p>
      </section>
    )
  return <Offer id={link.id} token={link.token} />
}

function Offer({ id, token }: { id: string; token: string }) {
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
      <PageTitle>A ticket for you</PageTitle>
      {offer.error ? <Alert error={offer.error instanceof ApiError && (offer.error.status === 404 || offer.error.status === 400) ? 'This offer does not exist: the link may have been cut short. Open it from the email again.' : offer.error} onRetry={offer.reload} /> : null}
      {!o && !offer.error && <Loading label="Loading the offer…" />}
      {o && (
        <article class="card transfer-offer" data-status={accepted ? 'accepted' : o.status}>
          <h2>{o.eventTitle ?? 'Event'}</h2>
          <p class="muted">
            {o.ticketTypeName ?? 'Ticket'}
            {o.eventStartsAt && (
              <>
                {' · '}
                <time dateTime={o.eventStartsAt}>{when(o.eventStartsAt)}</time>
              </>
            )}
          </p>
          {accepted ? (
            <Notice tone="success">
              <p>
                The ticket is yours. Its QR code is in <Link href="/tickets">My tickets</Link>; the sender's copy no longer works.
              </p>
            </Notice>
          ) : o.status === 'pending' && Date.parse(o.expiresAt) > Date.now() ? (
            <>
              <p>Accept it by {when(o.expiresAt)}. It is then yours, with a code of its own.</p>
              <Alert error={error} />
              <p class="actions">
                <button type="button" class="button" onClick={accept} disabled={busy}>
                  {busy ? 'Accepting…' : 'Accept the ticket'}
                </button>
              </p>
            </>
          ) : (
            <>
              <Alert error={error} />
              {!error && (
                <Alert
                  tone="warning"
                  error={o.status === 'accepted' ? 'This ticket was accepted already.' : o.status === 'cancelled' ? 'The sender took this offer back.' : 'This offer has expired: ask the sender to offer the ticket again.'}
                />
              )}
              {o.status === 'accepted' && (
                <p>
                  <Link href="/tickets">See my tickets</Link>
                </p>
              )}
            </>
          )}
        </article>
      )}
    </section>
  )
}
