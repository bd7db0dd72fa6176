import { useEffect, useState } from 'preact/hooks'
import { api } from '../lib/api'
import { plural, when } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { forgetEvent } from '../lib/live'
import { Link, navigate, withQuery } from '../lib/router'
import type { Availability, EventItem } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Empty, Field, Loading, Pager, SelectField, StatusBadge, SearchActions } from '../components/ui'
import { AdminPage, adminEventPage, paidOrderCount, revenueText, totals, type EventPeriod } from './shared'

/** Publishes a draft. */
export async function publishEvent(event: EventItem) {
  const updated = await api<EventItem>(`/events/${event.id}`, { method: 'PATCH', body: { status: 'published' } })
  forgetEvent(event.id)
  toast(`“${event.title}” is published.`, 'success')
  return updated
}

/** Cancels an event after a confirmation that says how many paid orders will be refunded. */
export async function cancelEvent(event: EventItem): Promise<boolean> {
  let count: number | undefined
  try {
    count = await paidOrderCount(event.id)
  } catch {}
  const refunds =
    count === undefined
      ? 'Every paid order of this event will be refunded (the number of paid orders could not be counted right now).'
      : count === 0
        ? 'No paid orders will need a refund.'
        : `${plural(count, 'paid order')} will be refunded.`
  const ok = await confirmDialog({
    title: `Cancel “${event.title}”?`,
    message: `${refunds} Ticket sales stop and buyers are told. This cannot be undone.`,
    confirmLabel: 'Cancel the event',
    cancelLabel: 'Keep it',
    danger: true,
  })
  if (!ok) return false
  await api(`/events/${event.id}/cancel`, { method: 'POST' })
  forgetEvent(event.id)
  toast(`“${event.title}” is cancelled${count ? `; ${plural(count, 'refund')} on the way` : ''}.`, 'success')
  return true
}

const PAGE_SIZE = 25
const PERIODS: Array<[EventPeriod, string]> = [
  ['upcoming', 'Upcoming and on now'],
  ['past', 'Past'],
  ['any', 'Any time'],
]

export default function AdminEvents({ query }: { query: URLSearchParams }) {
  useTitle('Admin · Events')
  const status = query.get('status') ?? ''
  const q = query.get('q') ?? ''
  const period = PERIODS.find(([p]) => p === query.get('when'))?.[0] ?? 'upcoming'
  const page = Math.max(1, Math.floor(Number(query.get('page'))) || 1)
  const filters = { status, q, when: period === 'upcoming' ? '' : period }
  const [find, setFind] = useState(q)
  useEffect(() => setFind(q), [q])
  const events = useAsync(
    async (signal) => {
      const list = await adminEventPage({ status, q, period, page, limit: PAGE_SIZE }, signal)
      const stats = await Promise.all(list.items.map((e) => api<Availability>(`/events/${e.id}/availability`, { signal }).catch(() => undefined)))
      return { rows: list.items.map((event, i) => ({ event, stats: stats[i] })), total: list.total }
    },
    [status, q, period, page],
  )
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState('')

  const act = async (id: string, run: () => Promise<unknown>) => {
    setError(undefined)
    setBusy(id)
    try {
      await run()
      events.reload()
    } catch (err) {
      setError(err)
    } finally {
      setBusy('')
    }
  }
  const search = (e: Event) => {
    e.preventDefault()
    navigate(withQuery('/admin', { ...filters, q: find.trim() }))
  }
  const pages = events.data ? Math.max(1, Math.ceil(events.data.total / PAGE_SIZE)) : 1
  const filtered = status || q || period !== 'upcoming'

  return (
    <AdminPage
      title="Events"
      actions={
        <Link class="button" href="/admin/events/new">
          New event
        </Link>
      }
    >
      <form class="card filters" role="search" aria-label="Events" onSubmit={search}>
        <Field label="Title, description or city" name="q" value={find} onValue={setFind} placeholder="Search events" />
        <SelectField
          label="Show"
          name="status"
          value={status}
          onValue={(s) => navigate(withQuery('/admin', { ...filters, status: s }))}
          options={[
            ['', 'All events'],
            ['published', 'Published'],
            ['draft', 'Drafts'],
            ['cancelled', 'Cancelled'],
          ]}
        />
        <SelectField label="When" name="when" value={period} onValue={(p) => navigate(withQuery('/admin', { ...filters, when: p === 'upcoming' ? '' : p }))} options={PERIODS} />
        <SearchActions />
      </form>
      <Alert error={error} />
      {events.error ? <Alert error={events.error} onRetry={events.reload} /> : null}
      {events.loading && !events.data && <Loading label="Loading events…" />}
      {events.data && events.data.rows.length === 0 &&
        (filtered ? (
          <Empty>
            <p>No events match.</p>
          </Empty>
        ) : (
          <Empty>
            <p>No events here yet.</p>
            <Link class="button" href="/admin/events/new">
              Create the first one
            </Link>
          </Empty>
        ))}
      {events.data && events.data.rows.length > 0 && <p class="muted">{plural(events.data.total, 'event')}{period === 'upcoming' ? ', soonest first' : ', latest first'}</p>}
      {events.data && events.data.rows.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Events table">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Starts</th>
                <th scope="col">State</th>
                <th scope="col" class="num">
                  Sold
                </th>
                <th scope="col" class="num">
                  Held
                </th>
                <th scope="col" class="num">
                  Available
                </th>
                <th scope="col" class="num">
                  Revenue
                </th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {events.data.rows.map(({ event: e, stats }) => {
                const t = totals(stats, e.currency ?? undefined)
                return (
                  <tr key={e.id} data-event={e.id}>
                    <th scope="row">
                      <Link href={`/admin/events/${e.id}`}>{e.title}</Link>
                      <span class="muted block small">{e.venue.city}</span>
                    </th>
                    <td>{when(e.startsAt)}</td>
                    <td>
                      <StatusBadge status={e.status} of="event" />
                    </td>
                    <td class="num">
                      {t.sold} / {t.capacity}
                    </td>
                    <td class="num">{t.held}</td>
                    <td class="num">{t.available}</td>
                    <td class="num">{revenueText(t)}</td>
                    <td class="row-actions">
                      <Link class="button button-small button-secondary" href={`/admin/events/${e.id}`} aria-label={`Edit ${e.title}`}>
                        Edit
                      </Link>
                      <Link class="button button-small button-secondary" href={`/admin/events/${e.id}/attendees`} aria-label={`Attendees of ${e.title}`}>
                        Attendees
                      </Link>
                      {e.status === 'draft' && (
                        <button type="button" class="button button-small" disabled={busy === e.id} onClick={() => act(e.id, () => publishEvent(e))} aria-label={`Publish ${e.title}`}>
                          Publish
                        </button>
                      )}
                      {e.status === 'published' && Date.parse(e.endsAt) > Date.now() && (
                        <button type="button" class="button button-small button-danger" disabled={busy === e.id} onClick={() => act(e.id, () => cancelEvent(e))} aria-label={`Cancel ${e.title}`}>
                          Cancel
                        </button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {events.data && <Pager page={page} pages={pages} href={(n) => withQuery('/admin', { ...filters, page: n })} />}
    </AdminPage>
  )
}
