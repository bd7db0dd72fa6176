import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { saveFile } from '../lib/download'
import { money, moneyInput, when } from '../lib/format'
import { t, useT } from '../lib/i18n'
import { adminOrdersText } from '../i18n/admin-orders'
import { useAsync, useTitle } from '../lib/hooks'
import { navigate, withQuery, Link } from '../lib/router'
import type { List, Order, User } from '../lib/types'
import { Alert, Empty, Field, Loading, Pager, SelectField, StatusBadge, SearchActions } from '../components/ui'
import { refundOrder } from '../pages/tickets'
import { toast } from '../components/overlay'
import { AdminPage, EventPicker } from './shared'

const STATUSES = ['paid', 'reserved', 'pending', 'refunded', 'cancelled', 'expired', 'failed']
const PAGE_SIZE = 25

/** The accounts of these ids (their emails name the buyers), 100 at a time. */
async function accountsOf(ids: string[], signal?: AbortSignal): Promise<User[]> {
  const unique = [...new Set(ids)]
  const lists = await Promise.all(
    Array.from({ length: Math.ceil(unique.length / 100) }, (_, i) => api<List<User>>(withQuery('/users', { ids: unique.slice(i * 100, i * 100 + 100).join(','), limit: 100 }), { signal })),
  )
  return lists.flatMap((l) => l.items)
}

/** One CSV cell: quoted, and never read as a formula by a spreadsheet (a leading = + - @ is escaped). */
const csvCell = (value: string | number) => {
  const text = String(value)
  return `"${(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text).replaceAll('"', '""')}"`
}

/** Every order the filters match (all pages), with its buyer's email, as a CSV file the browser saves. */
async function downloadCsv(filters: { eventId: string; status: string }, shown?: Order[]) {
  const orders: Order[] = shown ? [...shown] : []
  for (let page = 1; !shown && page <= 500; page++) {
    const r = await api<List<Order>>(withQuery('/orders', { ...filters, page, limit: 100 }))
    orders.push(...r.items)
    if (r.items.length < 100 || orders.length >= r.total) break
  }
  const emails = new Map((await accountsOf(orders.map((o) => o.userId))).map((u) => [u.id, u.email]))
  const header = ['order', 'status', 'buyer', 'event', 'tickets', 'total', 'currency', 'placed', 'voucher', 'discount', 'given back']
  const rows = orders.map((o) => [
    o.id,
    o.status,
    emails.get(o.userId) ?? o.userId,
    o.eventTitle ?? o.eventId,
    o.items.map((i) => `${i.quantity} x ${i.name}`).join('; '),
    moneyInput(o.totalCents, o.currency),
    o.currency,
    o.createdAt,
    o.voucher?.code ?? '',
    o.voucher ? moneyInput(o.voucher.discountCents, o.currency) : '',
    // Of a paid order: what refunds of some tickets or of an amount gave back so far (a refunded one gave it all).
    o.status === 'paid' && o.refundedCents ? moneyInput(o.refundedCents, o.currency) : '',
  ])
  const csv = [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')
  // The byte-order mark tells spreadsheets the file is UTF-8 (names and titles in any script).
  saveFile(new Blob(['\ufeff', csv, '\r\n'], { type: 'text/csv;charset=utf-8' }), `orders${filters.eventId ? `-${filters.eventId}` : ''}${filters.status ? `-${filters.status}` : ''}.csv`)
  return orders.length
}

/** Accounts whose email contains `text`. */
async function findBuyers(text: string, signal: AbortSignal): Promise<User[]> {
  const r = await api<List<User>>(withQuery('/users', { q: text.trim().toLowerCase(), limit: 100 }), { signal })
  return r.items
}

/** What the list says about its buyer search, in the language in use when shown. */
type Note = ((m: (typeof adminOrdersText)['en']) => string) | undefined

export default function AdminOrders({ query }: { query: URLSearchParams }) {
  const m = useT(adminOrdersText)
  useTitle(m.pageTitle)
  const filters = { eventId: query.get('eventId') ?? '', status: query.get('status') ?? '', buyer: query.get('buyer') ?? '' }
  const page = Math.max(1, Number(query.get('page')) || 1)
  const [form, setForm] = useState(filters)
  useEffect(() => setForm(filters), [query.toString()])
  const [users, setUsers] = useState(new Map<string, User>())

  const orders = useAsync(
    async (signal) => {
      let buyers: User[] | undefined
      if (filters.buyer) {
        buyers = await findBuyers(filters.buyer, signal)
        setUsers((m) => new Map([...m, ...buyers!.map((u): [string, User] => [u.id, u])]))
        if (!buyers.length) return { items: [], total: 0, page: 1, limit: PAGE_SIZE, note: ((words) => words.noBuyer(filters.buyer)) as Note }
      }
      const base = { eventId: filters.eventId, status: filters.status }
      if (!buyers) {
        const r = await api<List<Order>>(withQuery('/orders', { ...base, page, limit: PAGE_SIZE }), { signal })
        return { ...r, note: undefined as Note }
      }
      // One query per matching buyer; their orders are merged here.
      const lists = await Promise.all(buyers.slice(0, 10).map((u) => api<List<Order>>(withQuery('/orders', { ...base, userId: u.id, limit: 100 }), { signal })))
      const ids = new Set(buyers.map((u) => u.id))
      const items = lists.flatMap((l) => l.items).filter((o) => ids.has(o.userId))
      const matches = buyers.length
      const note: Note = matches > 10 ? (words) => words.manyBuyers(matches) : undefined
      return { items, total: items.length, page: 1, limit: Math.max(items.length, 1), note }
    },
    [query.toString()],
  )

  // Buyer emails for the rows shown (best effort: the order itself only has the user id).
  useEffect(() => {
    const missing = (orders.data?.items ?? []).filter((o) => !users.has(o.userId)).map((o) => o.userId)
    if (!missing.length) return
    accountsOf(missing).then(
      (found) => setUsers((m) => new Map([...m, ...found.map((u): [string, User] => [u.id, u])])),
      () => {},
    )
  }, [orders.data])
  const [exporting, setExporting] = useState(false)
  const exportCsv = async () => {
    if (exporting) return
    setError(undefined)
    setExporting(true)
    try {
      const n = await downloadCsv({ eventId: filters.eventId, status: filters.status }, filters.buyer ? orders.data?.items : undefined)
      toast(t(adminOrdersText).savedCsv(n), 'success')
    } catch (err) {
      setError(err)
    } finally {
      setExporting(false)
    }
  }

  const [error, setError] = useState<unknown>()
  // Every order with a refund in flight (an admin may start another before the first is answered).
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set())
  const refund = async (o: Order) => {
    setError(undefined)
    setBusy((b) => new Set(b).add(o.id))
    try {
      const done = await refundOrder(o, 'admin')
      if (done) orders.setData((d) => ({ ...d!, items: d!.items.map((x) => (x.id === o.id ? done : x)) }))
    } catch (err) {
      setError(err)
      // Refunded meanwhile (elsewhere, or an answer that was lost): show the order as it is now.
      if (err instanceof ApiError && err.status === 409) orders.reload()
    } finally {
      setBusy((b) => {
        const next = new Set(b)
        next.delete(o.id)
        return next
      })
    }
  }

  const submit = (e: Event) => {
    e.preventDefault()
    navigate(withQuery('/admin/orders', { ...form, buyer: form.buyer.trim() }))
  }
  const pages = orders.data ? Math.max(1, Math.ceil(orders.data.total / orders.data.limit)) : 1

  return (
    <AdminPage title={m.title}>
      <form class="card filters" role="search" aria-label={m.title} onSubmit={submit}>
        <EventPicker label={m.event} name="eventId" value={form.eventId} onValue={(eventId) => setForm({ ...form, eventId })} anyLabel={m.allEvents} period="any" />
        <SelectField
          label={m.status}
          name="status"
          value={form.status}
          onValue={(status) => setForm({ ...form, status })}
          options={[['', m.anyStatus], ...STATUSES.map((s): [string, string] => [s, m.statuses[s] ?? s])]}
        />
        <Field label={m.buyer} name="buyer" value={form.buyer} onValue={(buyer) => setForm({ ...form, buyer })} placeholder={m.buyerPlaceholder} />
        <SearchActions />
      </form>
      <Alert error={error} />
      {orders.error ? <Alert error={orders.error} onRetry={orders.reload} /> : null}
      {orders.loading && !orders.data && <Loading label={m.loading} />}
      {orders.data?.note && <p class="muted">{orders.data.note(m)}</p>}
      {filters.status && <p class="muted small">{m.statusLag}</p>}
      {orders.data && orders.data.items.length === 0 && (
        <Empty>
          <p>{m.noMatch}</p>
        </Empty>
      )}
      {orders.data && orders.data.items.length > 0 && (
        <>
          <p class="muted toolbar-line">
            <span>{m.total(orders.data.total)}</span>
            <button type="button" class="button button-small button-secondary" onClick={exportCsv} aria-disabled={exporting ? true : undefined}>
              {exporting ? m.preparingCsv : m.downloadCsv}
            </button>
          </p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={m.table}>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{m.head.order}</th>
                  <th scope="col">{m.head.buyer}</th>
                  <th scope="col">{m.head.event}</th>
                  <th scope="col">{m.head.tickets}</th>
                  <th scope="col" class="num">
                    {m.head.total}
                  </th>
                  <th scope="col">{m.head.status}</th>
                  <th scope="col">{m.head.placed}</th>
                  <th scope="col">
                    <span class="sr-only">{m.head.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {orders.data.items.map((o) => (
                  <tr key={o.id} data-order={o.id}>
                    <th scope="row">
                      <Link href={`/orders/${o.id}`}>
                        <code>{o.id.slice(-8)}</code>
                      </Link>
                    </th>
                    <td>
                      {users.get(o.userId)?.email ?? <code>{o.userId.slice(-8)}</code>}
                      {users.get(o.userId)?.guest && <span class="muted">{m.guest}</span>}
                    </td>
                    <td>{o.eventTitle ?? <code>{o.eventId.slice(-8)}</code>}</td>
                    <td>{o.items.map((i) => `${i.quantity} × ${i.name}`).join(', ')}</td>
                    <td class="num">
                      {money(o.totalCents, o.currency)}
                      {o.voucher && <span class="muted small block">{m.withVoucher(o.voucher.code)}</span>}
                      {o.status === 'paid' && !!o.refundedCents && <span class="muted small block">{m.givenBack(money(o.refundedCents, o.currency))}</span>}
                    </td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                    <td>{when(o.createdAt)}</td>
                    <td class="row-actions">
                      {o.status === 'paid' && (
                        <button type="button" class="button button-small button-danger" disabled={busy.has(o.id)} onClick={() => refund(o)} aria-label={m.refundOf(o.id.slice(-8))}>
                          {m.refund}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} href={(n) => withQuery('/admin/orders', { ...filters, page: n })} />
        </>
      )}
    </AdminPage>
  )
}
