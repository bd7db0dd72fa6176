import type { ComponentChildren } from 'preact'
import { api } from '../lib/api'
import { Link, useLocation, withQuery } from '../lib/router'
import type { Availability, EventItem, List } from '../lib/types'
import { PageTitle } from '../components/ui'

const TABS: Array<[href: string, label: string]> = [
  ['/admin', 'Events'],
  ['/admin/orders', 'Orders'],
  ['/admin/checkin', 'Check-in'],
  ['/admin/dashboard', 'Sales dashboard'],
]

export function AdminPage({ title, sub, actions, children, wide = true }: { title: string; sub?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; wide?: boolean }) {
  const { path } = useLocation()
  return (
    <div class={`container page admin${wide ? '' : ' narrow'}`}>
      <nav class="admin-nav" aria-label="Admin">
        <ul>
          {TABS.map(([href, label]) => (
            <li key={href}>
              <Link href={href} aria-current={(href === '/admin' ? path === '/admin' || path.startsWith('/admin/events') : path.startsWith(href)) ? 'page' : undefined}>
                {label}
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

/**
 * Events that have not ended yet, as admins see them: one state (`published`, `draft`, `cancelled`) or
 * every state (`all`), soonest first.
 */
export async function adminEvents(status: string, signal?: AbortSignal, q = ''): Promise<EventItem[] & { total?: number }> {
  const list = await api<List<EventItem>>(withQuery('/events', { status: status || 'all', limit: 100, ...(q ? { q } : {}) }), { signal })
  return Object.assign(list.items, { total: list.total })
}

export interface Totals {
  capacity: number
  sold: number
  held: number
  available: number
  /** Sold × current price, not the sum of what buyers paid. */
  revenueCents: number
  currency: string
}

/**
 * Sold, held, available and revenue of an event. No total of what was paid is published, so revenue
 * is sold × the price each type has now: after a price change it is an estimate, and is labelled so.
 */
export function totals(a: Availability | undefined, fallbackCurrency = 'EUR'): Totals {
  const t: Totals = { capacity: 0, sold: 0, held: 0, available: 0, revenueCents: 0, currency: a?.ticketTypes[0]?.currency ?? fallbackCurrency }
  for (const tt of a?.ticketTypes ?? []) {
    t.capacity += tt.capacity
    t.sold += tt.sold
    t.held += tt.held
    t.available += tt.available
    t.revenueCents += tt.sold * tt.priceCents
  }
  return t
}

/** How many paid orders an event has (they are refunded when it is cancelled). */
export async function paidOrderCount(eventId: string): Promise<number> {
  const r = await api<List<unknown>>(withQuery('/orders', { eventId, status: 'paid', limit: 1 }))
  return r.total
}
