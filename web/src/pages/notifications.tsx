import { useEffect } from 'preact/hooks'
import { when } from '../lib/format'
import { useTitle } from '../lib/hooks'
import { useT } from '../lib/i18n'
import { markNotificationsRead, useNotifications } from '../lib/live'
import { Link } from '../lib/router'
import { Alert, Empty, Loading, PageTitle } from '../components/ui'
import { notificationsText } from '../i18n/notifications'

export function Notifications() {
  const m = useT(notificationsText)
  useTitle(m.title)
  const { items, unread, error, loading, reload } = useNotifications()
  // Read when shown, and again when new ones arrive while the page is open.
  useEffect(() => void markNotificationsRead(), [unread])
  return (
    <section class="container page narrow">
      <PageTitle sub={m.sub}>{m.title}</PageTitle>
      {error ? <Alert error={error} onRetry={reload} /> : null}
      {loading && !items.length && <Loading label={m.loading} />}
      {!loading && !error && !items.length && (
        <Empty>
          <p>{m.empty}</p>
        </Empty>
      )}
      <ol class="notifications">
        {items.map((n) => (
          <li key={n.id} class={`card notification notification-${n.type}`}>
            <h2 class="notification-title">{n.title}</h2>
            {n.type === 'event-message' && (
              <p class="muted small">
                {m.from(n.data?.organizer, n.data?.eventTitle)}
              </p>
            )}
            <p class="notification-body">{n.body}</p>
            <p class="muted small">
              <time dateTime={n.createdAt}>{when(n.createdAt)}</time>
              {n.type === 'tickets-available' && n.data?.eventId && (
                <>
                  {' · '}
                  <Link href={`/events/${n.data.eventId}`}>{m.getTickets}</Link>
                </>
              )}
              {(n.type === 'ticket-refunded' || n.type === 'event-message' || (n.type === 'ticket-transferred' && !n.data?.orderId)) && (
                <>
                  {' · '}
                  <Link href="/tickets">{m.seeMyTickets}</Link>
                </>
              )}
              {n.data?.orderId && (
                <>
                  {' · '}
                  {n.type === 'hold-expiring' ? <Link href={`/checkout/${n.data.orderId}`}>{m.payNow}</Link> : <Link href={`/orders/${n.data.orderId}`}>{m.seeOrder}</Link>}
                </>
              )}
            </p>
          </li>
        ))}
      </ol>
    </section>
  )
}
