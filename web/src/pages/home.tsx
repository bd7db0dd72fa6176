import { useEffect, useState } from 'preact/hooks'
import { api } from '../lib/api'
import { dateBadge, money, when, zoneOf } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { Link, navigate, withQuery } from '../lib/router'
import type { EventItem, List } from '../lib/types'
import { Alert, Empty, Field, Loading, PageTitle, Pager, SearchActions, SelectField } from '../components/ui'
import { homeText } from '../i18n/home'
import { useT } from '../lib/i18n'

export const CATEGORIES = ['music', 'theatre', 'comedy', 'sports', 'conference', 'festival', 'family', 'film', 'art', 'other']
const PAGE_SIZE = 12

/** The last lists shown, by their query: Back to the list draws it at once (and at the place it was left), then refreshes it. */
const shownLists = new Map<string, List<EventItem>>()

/** A local calendar day (YYYY-MM-DD) → the ISO instant of its start or end. */
function dayBound(value: string, end: boolean) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined
  const d = new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

export function Home({ query }: { query: URLSearchParams }) {
  const m = useT(homeText)
  useTitle(m.title)
  const filters = {
    q: query.get('q') ?? '',
    category: query.get('category') ?? '',
    city: query.get('city') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  }
  const page = Math.max(1, Number(query.get('page')) || 1)
  const [form, setForm] = useState(filters)
  // Back/forward and links change the URL: the form follows it.
  useEffect(() => setForm(filters), [query.toString()])

  const listKey = query.toString()
  const loaded = useAsync(async (signal) => {
    const answer = await api<List<EventItem>>(
      withQuery('/events', { q: filters.q, category: filters.category, city: filters.city, from: dayBound(filters.from, false), to: dayBound(filters.to, true), page, limit: PAGE_SIZE }),
      { signal },
    )
    shownLists.delete(listKey)
    shownLists.set(listKey, answer)
    if (shownLists.size > 20) shownLists.delete(shownLists.keys().next().value!)
    return answer
  }, [listKey])
  const list = { ...loaded, data: (loaded.loading ? shownLists.get(listKey) : undefined) ?? loaded.data }

  const submit = (e: Event) => {
    e.preventDefault()
    navigate(withQuery('/', { ...form, q: form.q.trim(), city: form.city.trim() }))
  }
  const filtered = Object.values(filters).some(Boolean)
  const cities = [...new Set((list.data?.items ?? []).map((e) => e.venue?.city).filter(Boolean))]
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / list.data.limit)) : 1

  return (
    <>
      <section class="hero">
        <div class="container">
          <PageTitle sub={m.sub}>{m.heading}</PageTitle>
          <form class="search" role="search" aria-label={m.searchLabel} onSubmit={submit}>
            <Field class="search-q" label={m.search} name="q" type="search" value={form.q} onValue={(q) => setForm({ ...form, q })} placeholder={m.searchPlaceholder} />
            <SelectField
              label={m.category}
              name="category"
              value={form.category}
              onValue={(category) => setForm({ ...form, category })}
              options={[['', m.anyCategory], ...CATEGORIES.map((c): [string, string] => [c, m.categoryName(c)])]}
            />
            <Field label={m.city} name="city" value={form.city} onValue={(city) => setForm({ ...form, city })} list="city-options" autoComplete="address-level2" />
            <datalist id="city-options">
              {cities.map((c) => (
                <option value={c} key={c} />
              ))}
            </datalist>
            <Field label={m.from} name="from" type="date" value={form.from} onValue={(from) => setForm({ ...form, from })} />
            <Field label={m.to} name="to" type="date" value={form.to} onValue={(to) => setForm({ ...form, to })} min={form.from || undefined} />
            <SearchActions>
              {filtered && (
                <Link class="button button-secondary" href="/">
                  {m.clear}
                </Link>
              )}
            </SearchActions>
          </form>
        </div>
      </section>
      <section class="container page" aria-labelledby="results-title">
        <h2 id="results-title" class="results-title">
          {filtered ? m.matching : m.upcoming}
          {/* Announced when a search or another page answers (the page itself stays). */}
          <span class="muted" role="status">
            {list.data ? m.found(list.data.total) : ''}
          </span>
        </h2>
        {list.error ? <Alert error={list.error} onRetry={list.reload} /> : null}
        {list.loading && !list.data && <Loading label={m.loading} />}
        {list.data && list.data.items.length === 0 && (
          <Empty>
            {page > 1 && list.data.total > 0 ? (
              <p>
                {m.pastEnd} <Link href={withQuery('/', { ...filters, page: 1 })}>{m.firstPage}</Link>
              </p>
            ) : (
              <p>{filtered ? m.noMatch : m.noUpcoming}</p>
            )}
          </Empty>
        )}
        {list.data && list.data.items.length > 0 && (
          <ul class="event-grid" aria-busy={list.loading}>
            {list.data.items.map((e) => (
              <li key={e.id}>
                <EventCard event={e} />
              </li>
            ))}
          </ul>
        )}
        <Pager page={page} pages={pages} href={(n) => withQuery('/', { ...filters, page: n })} />
      </section>
    </>
  )
}

function EventCard({ event }: { event: EventItem }) {
  const m = useT(homeText)
  const badge = dateBadge(event.startsAt, zoneOf(event))
  return (
    <article class="event-card">
      <div class="event-card-media" aria-hidden="true">
        {event.imageUrl ? <img src={event.imageUrl} alt="" loading="lazy" /> : <div class={`placeholder cat-${CATEGORIES.includes(event.category) ? event.category : 'other'}`} />}
        <span class="date-badge">
          <span class="date-day">{badge.day}</span>
          <span class="date-month">{badge.month}</span>
        </span>
      </div>
      <div class="event-card-body">
        <p class="chip">{m.categoryName(event.category)}</p>
        <h3>
          <Link href={`/events/${event.id}`} class="stretched">
            {event.title}
          </Link>
        </h3>
        <p class="muted">
          <time dateTime={event.startsAt}>{when(event.startsAt, zoneOf(event))}</time>
        </p>
        <p class="muted">
          {event.venue?.name}
          {event.venue?.city ? `, ${event.venue.city}` : ''}
        </p>
        {typeof event.fromPriceCents === 'number' && event.currency && <p class="from-price">{m.fromPrice(money(event.fromPriceCents, event.currency))}</p>}
        {/* Sold out only when there were tickets to sell: an event whose tickets are not announced yet has none either. */}
        {event.available === 0 && typeof event.fromPriceCents === 'number' && event.status !== 'cancelled' && <p class="badge badge-cancelled">{m.soldOut}</p>}
        {typeof event.fromPriceCents !== 'number' && event.status !== 'cancelled' && <p class="badge">{m.comingSoon}</p>}
        {event.status === 'cancelled' && <p class="badge badge-cancelled">{m.cancelled}</p>}
      </div>
    </article>
  )
}
