import { useEffect, useState } from 'preact/hooks'
import { api } from '../lib/api'
import { when, zoneOf } from '../lib/format'
import { t, useT } from '../lib/i18n'
import { adminEventsText } from '../i18n/admin-events'
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
  toast(t(adminEventsText).published(event.title), 'success')
  return updated
}

/** Cancels an event after a confirmation that says how many paid orders will be refunded. */
export async function cancelEvent(event: EventItem): Promise<boolean> {
  let count: number | undefined
  try {
    count = await paidOrderCount(event.id)
  } catch {}
  const m = t(adminEventsText)
  const refunds = count === undefined ? m.refundsUnknown : count === 0 ? m.refundsNone : m.refundsSome(count)
  const ok = await confirmDialog({
    title: m.cancelTitle(event.title),
    message: m.cancelMessage(refunds),
    confirmLabel: m.cancelConfirm,
    cancelLabel: m.cancelKeep,
    danger: true,
  })
  if (!ok) return false
  await api(`/events/${event.id}/cancel`, { method: 'POST' })
  forgetEvent(event.id)
  toast(t(adminEventsText).cancelled(event.title, count), 'success')
  return true
}

const PAGE_SIZE = 25
const PERIODS: EventPeriod[] = ['upcoming', 'past', 'any']

export default function AdminEvents({ query }: { query: URLSearchParams }) {
  const m = useT(adminEventsText)
  useTitle(m.pageTitle)
  const status = query.get('status') ?? ''
  const q = query.get('q') ?? ''
  const period = PERIODS.find((p) => p === query.get('when')) ?? 'upcoming'
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
      title={m.title}
      actions={
        <Link class="button" href="/admin/events/new">
          {m.newEvent}
        </Link>
      }
    >
      <form class="card filters" role="search" aria-label={m.title} onSubmit={search}>
        <Field label={m.find} name="q" value={find} onValue={setFind} placeholder={m.findPlaceholder} />
        <SelectField
          label={m.show}
          name="status"
          value={status}
          onValue={(s) => navigate(withQuery('/admin', { ...filters, status: s }))}
          options={[
            ['', m.status.all],
            ['published', m.status.published],
            ['draft', m.status.draft],
            ['cancelled', m.status.cancelled],
          ]}
        />
        <SelectField
          label={m.when}
          name="when"
          value={period}
          onValue={(p) => navigate(withQuery('/admin', { ...filters, when: p === 'upcoming' ? '' : p }))}
          options={PERIODS.map((p): [string, string] => [p, m.period[p]])}
        />
        <SearchActions />
      </form>
      <Alert error={error} />
      {events.error ? <Alert error={events.error} onRetry={events.reload} /> : null}
      {events.loading && !events.data && <Loading label={m.loading} />}
      {events.data && events.data.rows.length === 0 &&
        (filtered ? (
          <Empty>
            <p>{m.noMatch}</p>
          </Empty>
        ) : (
          <Empty>
            <p>{m.noneYet}</p>
            <Link class="button" href="/admin/events/new">
              {m.createFirst}
            </Link>
          </Empty>
        ))}
      {events.data && events.data.rows.length > 0 && <p class="muted">{m.listed(events.data.total, period === 'upcoming')}</p>}
      {events.data && events.data.rows.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={m.table}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{m.head.event}</th>
                <th scope="col">{m.head.starts}</th>
                <th scope="col">{m.head.state}</th>
                <th scope="col" class="num">
                  {m.head.sold}
                </th>
                <th scope="col" class="num">
                  {m.head.held}
                </th>
                <th scope="col" class="num">
                  {m.head.available}
                </th>
                <th scope="col" class="num">
                  {m.head.revenue}
                </th>
                <th scope="col">
                  <span class="sr-only">{m.head.actions}</span>
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
                    <td>{when(e.startsAt, zoneOf(e))}</td>
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
                      <Link class="button button-small button-secondary" href={`/admin/events/${e.id}`} aria-label={m.editOf(e.title)}>
                        {m.edit}
                      </Link>
                      <Link class="button button-small button-secondary" href={`/admin/events/${e.id}/attendees`} aria-label={m.attendeesOf(e.title)}>
                        {m.attendees}
                      </Link>
                      {e.status === 'draft' && (
                        <button type="button" class="button button-small" disabled={busy === e.id} onClick={() => act(e.id, () => publishEvent(e))} aria-label={m.publishOf(e.title)}>
                          {m.publish}
                        </button>
                      )}
                      {e.status === 'published' && Date.parse(e.endsAt) > Date.now() && (
                        <button type="button" class="button button-small button-danger" disabled={busy === e.id} onClick={() => act(e.id, () => cancelEvent(e))} aria-label={m.cancelOf(e.title)}>
                          {m.cancel}
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
