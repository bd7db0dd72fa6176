import { countOnce } from '@easypass/contracts/capacity'
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { money, when, zoneOf } from '../lib/format'
import { useAsync } from '../lib/hooks'
import { Link, useLocation, withQuery } from '../lib/router'
import { useSession } from '../lib/session'
import type { Availability, EventItem, List } from '../lib/types'
import { Field, PageTitle, SelectField } from '../components/ui'
import { useT } from '../lib/i18n'
import { doorText } from '../i18n/door'

type Tab = keyof (typeof doorText)['en']['tabs']
/** The admin pages; `door`: door staff have them too. */
const TABS: Array<[href: string, label: Exclude<Tab, 'nav'>, door?: boolean]> = [
  ['/admin', 'events'],
  ['/admin/orders', 'orders'],
  ['/admin/checkin', 'checkin', true],
  ['/admin/dashboard', 'dashboard'],
  ['/admin/webhooks', 'webhooks'],
  ['/admin/people', 'people'],
  ['/admin/activity', 'activity'],
]

export function AdminPage({ title, sub, actions, children, wide = true }: { title: string; sub?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; wide?: boolean }) {
  const { path } = useLocation()
  const admin = useSession()?.user.role === 'admin'
  const tabs = TABS.filter(([, , door]) => admin || door)
  const names = useT(doorText).tabs
  return (
    <div class={`container page admin${wide ? '' : ' narrow'}`}>
      <nav class="admin-nav" aria-label={names.nav}>
        <ul>
          {tabs.map(([href, label]) => (
            <li key={href}>
              <Link href={href} aria-current={(href === '/admin' ? path === '/admin' || path.startsWith('/admin/events') : path.startsWith(href)) ? 'page' : undefined}>
                {names[label]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div class="admin-head">
        <PageTitle sub={sub}>{title}</PageTitle>
        {actions && <div class="admin-actions">{actions}</div>}
      </div>
      {children}
    </div>
  )
}

/** The API's field errors of `error` on a form's fields (`map`: API field path → form field), the first per field. */
export function fieldErrorsOf<K extends string>(error: unknown, map: Record<string, K>): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {}
  if (!(error instanceof ApiError)) return out
  for (const [path, message] of Object.entries(error.fields)) {
    const key = map[path] ?? map[path.split('.')[0]!]
    if (key && !out[key]) out[key] = message
  }
  return out
}

/** Which events an admin list shows by date: not ended yet (soonest first), ended (latest first), or any (latest first). */
export type EventPeriod = 'upcoming' | 'past' | 'any'

/** The catalog's query for one period: past events are not listed without `endedBefore` or an explicit `from`. */
function periodQuery(period: EventPeriod) {
  if (period === 'past') return { endedBefore: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(), sort: 'latest' }
  if (period === 'any') return { from: '1970-01-01T00:00:00.000Z', sort: 'latest' }
  return {}
}

/** One page of events as admins see them: one state (`published`, `draft`, `cancelled`) or every state (`all`). */
export function adminEventPage(
  { status = 'all', q = '', period = 'upcoming', page = 1, limit = 100 }: { status?: string; q?: string; period?: EventPeriod; page?: number; limit?: number },
  signal?: AbortSignal,
): Promise<List<EventItem>> {
  return api<List<EventItem>>(withQuery('/events', { status: status || 'all', limit, page, ...(q.trim() ? { q: q.trim() } : {}), ...periodQuery(period) }), { signal })
}

/** Events that have not ended yet, as admins see them, soonest first (the first 100). */
export async function adminEvents(status: string, signal?: AbortSignal): Promise<EventItem[]> {
  return (await adminEventPage({ status }, signal)).items
}

const eventOption = (e: EventItem) => `${e.title} (${when(e.startsAt, zoneOf(e))})`

/**
 * A choice of one event among any number: a search by title narrows the list, and the event chosen
 * stays named (by its own record) when the list does not reach it.
 */
export function EventPicker({
  label,
  name,
  value,
  onValue,
  anyLabel,
  status = 'all',
  period = 'upcoming',
  only,
}: {
  label: string
  name: string
  value: string
  onValue: (eventId: string) => void
  /** The option that chooses no event. */
  anyLabel: string
  status?: string
  period?: EventPeriod
  /** These events only (door staff given some events): looked up by id, found by title here. */
  only?: string[]
}) {
  const [find, setFind] = useState('')
  const [query, setQuery] = useState('')
  // One search per pause in typing, not one per key.
  useEffect(() => {
    const id = setTimeout(() => setQuery(find.trim()), 250)
    return () => clearTimeout(id)
  }, [find])
  const events = useAsync(async (signal) => {
    if (!only) return adminEventPage({ status, q: query, period }, signal)
    const found = await Promise.all(only.map((id) => api<EventItem>(`/events/${id}`, { signal }).catch(() => undefined)))
    const items = found.filter((e): e is EventItem => !!e && e.title.toLowerCase().includes(query.toLowerCase()))
    return { items, total: items.length }
  }, [query, status, period, only?.join(',')])
  const chosen = useAsync(async (signal) => (value ? await api<EventItem>(`/events/${value}`, { signal }).catch(() => undefined) : undefined), [value])
  const items = events.data?.items ?? []
  const m = useT(doorText).picker
  return (
    <div class="event-picker">
      <Field label={m.find} name={`${name}-find`} value={find} onValue={setFind} placeholder={m.findPlaceholder} autoComplete="off" />
      <SelectField
        label={label}
        name={name}
        value={value}
        onValue={onValue}
        options={[
          ['', events.data ? anyLabel : `${anyLabel} (${m.loading})`],
          ...(value && !items.some((e) => e.id === value) ? [[value, chosen.data ? eventOption(chosen.data) : m.chosenBefore] as [string, string]] : []),
          ...items.map((e): [string, string] => [e.id, eventOption(e)]),
        ]}
      />
      {events.data && events.data.total > items.length && (
        <p class="muted small field-note">
          {m.listed(items.length, events.data.total, !!query)}
        </p>
      )}
    </div>
  )
}

export interface Totals {
  capacity: number
  sold: number
  held: number
  available: number
  /** Sold × current price, per currency (an event may price its types in several), in the order of its types. */
  revenue: Array<{ currency: string; cents: number }>
}

/**
 * Sold, held, available and revenue of an event. No total of what was paid is published, so revenue
 * is sold × the price each type has now: after a price change it is an estimate, and is labelled so.
 */
export function totals(a: Availability | undefined, fallbackCurrency = 'EUR'): Totals {
  const t: Totals = { capacity: 0, sold: 0, held: 0, available: 0, revenue: [] }
  const byCurrency = new Map<string, number>()
  // Places are admission's: an extra (parking, a T-shirt) is no place of the event; its money is revenue all the same.
  const admission = (a?.ticketTypes ?? []).filter((tt) => !tt.addOn)
  for (const tt of a?.ticketTypes ?? []) {
    byCurrency.set(tt.currency, (byCurrency.get(tt.currency) ?? 0) + tt.sold * tt.priceCents)
    if (tt.addOn) continue
    t.capacity += tt.capacity
    t.sold += tt.sold
    t.held += tt.held
    t.available += tt.available
  }
  // Types sharing a pool each show what the pool leaves them: the same seats, counted once.
  if (a?.pools?.length) {
    t.capacity = countOnce(admission, a.pools, 'capacity')
    t.available = countOnce(admission, a.pools, 'available')
  }
  t.revenue = [...byCurrency].map(([currency, cents]) => ({ currency, cents }))
  if (!t.revenue.length) t.revenue = [{ currency: fallbackCurrency, cents: 0 }]
  return t
}

/** Revenue in each of its currencies ("€120.00 + ¥5,000"): amounts in different currencies are never added up. */
export const revenueText = (t: Totals) => t.revenue.map((r) => money(r.cents, r.currency)).join(' + ')

/** How many orders of an event are paid or being paid (they are refunded when it is cancelled). */
export async function paidOrderCount(eventId: string): Promise<number> {
  const [paid, pending] = await Promise.all(['paid', 'pending'].map((status) => api<List<unknown>>(withQuery('/orders', { eventId, status, limit: 1 }))))
  return paid!.total + pending!.total
}
