import { useEffect, useState } from 'preact/hooks'
import { api } from '../lib/api'
import { when, zoneOf } from '../lib/format'
import { useT } from '../lib/i18n'
import { dashboardText } from '../i18n/admin-events'
import { useAsync, useTitle } from '../lib/hooks'
import { useAvailability } from '../lib/live'
import { Link, withQuery } from '../lib/router'
import type { EventItem } from '../lib/types'
import { Alert, Empty, Loading } from '../components/ui'
import { AdminPage, adminEvents, revenueText, totals } from './shared'

/** Streams held open at once: each holds one of the browser's ~6 connections per host (HTTP/1.1). */
const MAX_STREAMS = 3

export default function Dashboard() {
  const m = useT(dashboardText)
  useTitle(m.pageTitle)
  // The catalog lists only events that have not ended yet.
  const events = useAsync((signal) => adminEvents('published', signal), [])
  const [streamed, setStreamed] = useState<string[] | undefined>()
  const list = events.data ?? []
  // The soonest events are followed live by default; the admin may pick others.
  const live = streamed ?? list.slice(0, MAX_STREAMS).map((e) => e.id)
  // Demand beyond the capacity: buyers on each event's waiting list, refreshed every 30 seconds.
  const ids = list.map((e) => e.id).slice(0, 100).join(',')
  const waiting = useAsync(
    async (signal) =>
      ids ? new Map((await api<{ items: Array<{ eventId: string; waiting: number }> }>(withQuery('/notifications/waitlist/counts', { eventIds: ids }), { signal })).items.map((c) => [c.eventId, c.waiting])) : new Map<string, number>(),
    [ids],
  )
  useEffect(() => {
    const timer = setInterval(() => !document.hidden && waiting.reload(), 30_000)
    return () => clearInterval(timer)
  }, [waiting.reload])
  const toggle = (id: string) => {
    const next = live.includes(id) ? live.filter((x) => x !== id) : [...live, id].slice(-MAX_STREAMS)
    setStreamed(next)
  }

  return (
    <AdminPage title={m.title} sub={m.sub(MAX_STREAMS)}>
      {events.error ? <Alert error={events.error} onRetry={events.reload} /> : null}
      {events.loading && !events.data && <Loading label={m.loading} />}
      {events.data && list.length === 0 && (
        <Empty>
          <p>{m.none}</p>
        </Empty>
      )}
      <ul class="dashboard">
        {list.map((e) => (
          <EventStats key={e.id} event={e} live={live.includes(e.id)} waiting={waiting.error ? undefined : waiting.data?.get(e.id)} onToggle={() => toggle(e.id)} />
        ))}
      </ul>
    </AdminPage>
  )
}

function EventStats({ event, live, waiting, onToggle }: { event: EventItem; live: boolean; waiting?: number; onToggle: () => void }) {
  const a = useAvailability(event.id, live ? 'stream' : 'poll')
  const t = totals(a.availability, event.currency ?? 'EUR')
  const soldShare = t.capacity ? t.sold / t.capacity : 0
  const heldShare = t.capacity ? t.held / t.capacity : 0
  const m = useT(dashboardText)
  return (
    <li class="card stat-card" data-event={event.id}>
      <div class="stat-head">
        <h2>
          <Link href={`/admin/events/${event.id}`}>{event.title}</Link>
        </h2>
        <p class="muted small">
          {when(event.startsAt, zoneOf(event))} · {event.venue.city}
        </p>
      </div>
      {a.error ? <Alert error={a.error} onRetry={a.refresh} /> : null}
      <dl class="stats">
        <div>
          <dt>{m.sold}</dt>
          <dd data-stat="sold">{t.sold}</dd>
        </div>
        <div>
          <dt>{m.held}</dt>
          <dd data-stat="held">{t.held}</dd>
        </div>
        <div>
          <dt>{m.available}</dt>
          <dd data-stat="available">{t.available}</dd>
        </div>
        <div>
          <dt>{m.waiting}</dt>
          <dd data-stat="waiting">{waiting ?? '–'}</dd>
        </div>
        <div>
          <dt>{m.revenue}</dt>
          <dd data-stat="revenue">{revenueText(t)}</dd>
        </div>
      </dl>
      <div
        class="meter"
        role="img"
        aria-label={m.meter(Math.round(soldShare * 100), Math.round(heldShare * 100))}
      >
        <span class="meter-sold" style={{ width: `${soldShare * 100}%` }} />
        <span class="meter-held" style={{ width: `${heldShare * 100}%` }} />
      </div>
      <p class="live-state small">
        <span class={`dot dot-${live ? a.state : 'polling'}`} aria-hidden="true" />
        <span data-live-state={live ? a.state : 'polling'}>
          {live ? (a.state === 'open' ? m.live : a.state === 'polling' ? m.polling : m.connecting) : m.polling}
        </span>{' '}
        <button type="button" class="link-button" onClick={onToggle} aria-pressed={live}>
          {live ? m.stopFollowing : m.follow}
        </button>
      </p>
    </li>
  )
}
