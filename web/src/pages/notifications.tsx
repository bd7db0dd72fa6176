import { useEffect } from 'preact/hooks'
import { when } from '../lib/format'
import { useTitle } from '../lib/hooks'
import { markNotificationsRead, useNotifications } from '../lib/live'
import { Link } from '../lib/router'
import { Alert, Empty, Loading, PageTitle } from '../components/ui'

export function Notifications() {
  useTitle('Notifications')
  const { items, unread, error, loading, reload } = useNotifications()
  // Read when shown, and again when new ones arrive while the page is open.
  useEffect(() => void markNotificationsRead(), [unread])
  return (
    <section class="container page narrow">
      <PageTitle sub="Order confirmations, refunds, holds about to run out and expired ones, as they happen.">Notifications</PageTitle>
      {error ? <Alert error={error} onRetry={reload} /> : null}
      {loading && !items.length && <Loading label="Loading notifications…" />}
      {!loading && !error && !items.length && (
        <Empty>
          <p>Nothing yet. We will tell you here when something happens to your orders, or when tickets you wait for come back.</p>
        </Empty>
      )}
      <ol class="notifications">
        {items.map((n) => (
          <li key={n.id} class={`card notification notification-${n.type}`}>
            <h2 class="notification-title">{n.title}</h2>
            {n.type === 'event-message' && (
              <p class="muted small">
                From {n.data?.organizer ?? 'the organiser'}
                {n.data?.eventTitle ? ` about ${n.data.eventTitle}` : ''}
              </p>
            )}
            <p class="notification-body">{n.body}</p>
            <p class="muted small">
              <time dateTime={n.createdAt}>{when(n.createdAt)}</time>
              {n.type === 'tickets-available' && n.data?.eventId && (
                <>
                  {' · '}
                  <Link href={`/events/${n.data.eventId}`}>Get tickets</Link>
                </>
              )}
              {(n.type === 'ticket-refunded' || n.type === 'event-message' || (n.type === 'ticket-transferred' && !n.data?.orderId)) && (
                <>
                  {' · '}
                  <Link href="/tickets">See my tickets</Link>
                </>
              )}
              {n.data?.orderId && (
                <>
                  {' · '}
                  {n.type === 'hold-expiring' ? <Link href={`/checkout/${n.data.orderId}`}>Pay now</Link> : <Link href={`/orders/${n.data.orderId}`}>See the order</Link>}
                </>
              )}
            </p>
          </li>
        ))}
      </ol>
    </section>
  )
}
