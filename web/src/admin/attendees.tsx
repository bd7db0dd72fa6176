import { useEffect, useRef, useState } from 'preact/hooks'
import type { Attendee, AttendeeList, SalesReport } from '@easypass/contracts/reports'
import { api, ApiError, describe, uuid } from '../lib/api'
import { useDownload } from '../lib/download'
import { money, percent, when, zoneOf } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { t, useT } from '../lib/i18n'
import { attendeesText } from '../i18n/admin-attendees'
import { getEvent } from '../lib/live'
import { Link, navigate, withQuery } from '../lib/router'
import { useSession } from '../lib/session'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Empty, Field, Loading, Pager, SearchActions, SelectField } from '../components/ui'
import { GiveComplimentary } from './complimentary'
import { HolderMessages } from './messages'
import { AdminPage } from './shared'

const PAGE_SIZE = 50

/**
 * An event's attendee list and sales report: who comes, who came in, what it sold. Door staff see the
 * list only (no sales, no file, no codes) and check guests in from it.
 */
export default function AdminAttendees({ id, query }: { id: string; query: URLSearchParams }) {
  const filters = { q: query.get('q') ?? '', status: query.get('status') ?? '', ticketTypeId: query.get('ticketTypeId') ?? '' }
  const page = Math.max(1, Number(query.get('page')) || 1)
  const [form, setForm] = useState(filters)
  const [error, setError] = useState<unknown>()
  useEffect(() => {
    setForm(filters)
    setError(undefined)
  }, [query.toString()])
  const admin = useSession()?.user.role === 'admin'
  const m = useT(attendeesText)
  const statusLabel: Record<Attendee['status'], string> = m.status
  const event = useAsync(() => getEvent(id), [id])
  useTitle(m.pageTitle(admin, event.data ? event.data.title : undefined))
  const sales = useAsync(async (signal) => (admin ? api<SalesReport>(`/events/${id}/sales`, { signal }) : undefined), [id, admin])
  const list = useAsync((signal) => api<AttendeeList>(withQuery(`/events/${id}/attendees`, { ...filters, page, limit: PAGE_SIZE }), { signal }), [id, query.toString()])
  const csv = useDownload(withQuery(`/events/${id}/attendees.csv`, filters), `attendees-${id}.csv`)
  const here = (extra: Record<string, string | number>) => withQuery(`/admin/events/${id}/attendees`, { ...filters, ...extra })

  // The ticket being checked in (a ref as well: a second click comes before the state shows).
  const [admitting, setAdmitting] = useState<string>()
  const admittingRef = useRef<string | undefined>(undefined)
  /** The door's own check-in, for a guest without their QR code (found by name or email here), by the ticket's id. */
  const admit = async (row: Attendee) => {
    if (admittingRef.current) return
    admittingRef.current = row.ticketId
    const who = row.attendeeName ?? row.holderEmail
    const words = t(attendeesText)
    // The button stays enabled while the dialog is open: focus returns to it when the dialog closes.
    if (!(await confirmDialog({ title: words.admitTitle, message: words.admitMessage(row.ticketTypeName ?? '', who), confirmLabel: words.admitConfirm }))) {
      admittingRef.current = undefined
      return
    }
    setAdmitting(row.ticketId)
    setError(undefined)
    try {
      await api('/checkins', { body: { ticketId: row.ticketId, eventId: id }, idempotencyKey: uuid() })
      toast(t(attendeesText).admitted(who), 'success')
    } catch (err) {
      // Already in, refunded or passed on meanwhile: the list below shows how it stands now.
      setError(err instanceof ApiError ? new Error(t(attendeesText).notAdmitted(describe(err))) : err)
    } finally {
      admittingRef.current = undefined
      setAdmitting(undefined)
      list.reload()
      sales.reload()
    }
  }

  const counts = list.data?.counts
  const admittable = counts ? counts.valid + counts.checkedIn : 0
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / list.data.limit)) : 1

  return (
    <AdminPage
      title={event.data ? m.titleOf(event.data.title) : m.title}
      sub={event.data ? <>{m.starts(when(event.data.startsAt, zoneOf(event.data)))}{admin && <> · <Link href={`/admin/events/${id}`}>{m.editEvent}</Link></>}</> : undefined}
      actions={
        admin && (
          <button type="button" class="button button-secondary" onClick={csv.save} aria-disabled={csv.busy ? true : undefined}>
            {csv.busy ? m.preparingCsv : m.downloadCsv}
          </button>
        )
      }
    >
      {event.error ? <Alert error={event.error} onRetry={event.reload} /> : null}
      <Alert error={csv.error} />
      {sales.error ? <Alert error={sales.error} onRetry={sales.reload} /> : null}
      {sales.data && <SalesSummary report={sales.data} />}
      {counts && (
        <p class="checkin-progress" data-testid="checkin-progress">
          <strong>{m.progress(counts.checkedIn, admittable)}</strong>
          <progress max={admittable || 1} value={counts.checkedIn} aria-label={m.progressLabel} />
          {counts.refunded > 0 && <span class="muted small">{m.refundedNotCounted(counts.refunded)}</span>}
        </p>
      )}
      <form
        class="card filters"
        role="search"
        aria-label={m.title}
        onSubmit={(e) => {
          e.preventDefault()
          navigate(here({ ...form, q: form.q.trim(), page: '' }))
        }}
      >
        <Field label={m.search} name="q" value={form.q} onValue={(q) => setForm({ ...form, q })} placeholder={m.searchPlaceholder} maxLength={200} />
        <SelectField label={m.statusLabel} name="status" value={form.status} onValue={(status) => setForm({ ...form, status })} options={[['', m.anyStatus], ...Object.entries(statusLabel)]} />
        <SelectField
          label={m.ticketType}
          name="ticketTypeId"
          value={form.ticketTypeId}
          onValue={(ticketTypeId) => setForm({ ...form, ticketTypeId })}
          options={[
            ['', m.anyTicketType],
            ...(event.data?.ticketTypes ?? []).map((t): [string, string] => [t.id, t.name]),
            // One filtered on that the event no longer offers (removed since).
            ...(filters.ticketTypeId && !event.data?.ticketTypes?.some((t) => t.id === filters.ticketTypeId) ? [[filters.ticketTypeId, m.typeGone] as [string, string]] : []),
          ]}
        />
        <SearchActions />
      </form>
      <Alert error={error} />
      {list.error ? <Alert error={list.error} onRetry={list.reload} /> : null}
      {list.loading && <Loading label={m.loading} />}
      {list.data && list.data.items.length === 0 && (
        <Empty>
          <p>{counts?.tickets ? m.noMatch : m.noneSold}</p>
        </Empty>
      )}
      {list.data && list.data.items.length > 0 && (
        <>
          <p class="muted">{m.tickets(list.data.total)}</p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={m.tableLabel} aria-busy={list.loading ? true : undefined}>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{m.name}</th>
                  <th scope="col">{m.holder}</th>
                  <th scope="col">{m.ticket}</th>
                  <th scope="col">{m.statusColumn}</th>
                  <th scope="col">{m.order}</th>
                  <th scope="col">
                    <span class="sr-only">{m.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((row) => (
                  <tr key={row.ticketId} data-ticket={row.ticketId}>
                    <th scope="row">{row.attendeeName ?? <span class="muted">{m.noName}</span>}</th>
                    <td>
                      {row.holderEmail ?? '–'}
                      {row.passedOn && <span class="muted block small">{m.passedOnBy(row.buyerEmail)}</span>}
                    </td>
                    <td>
                      {row.ticketTypeName}
                      {row.addOn && <span class="muted block small">{m.extra}</span>}
                      {row.seat && <span class="muted block small">{m.seat(row.seat)}</span>}
                    </td>
                    <td>
                      <span class={`badge badge-ticket-${row.status}`}>{statusLabel[row.status]}</span>
                      {row.checkedInAt && <span class="muted block small">{when(row.checkedInAt)}</span>}
                    </td>
                    <td>
                      {/* Door staff may not open other people's orders. */}
                      {admin ? (
                        <Link href={`/orders/${row.orderId}`} title={row.orderId}>
                          <span class="sr-only">{m.orderBefore}</span>…{row.orderId.slice(-8)}
                        </Link>
                      ) : (
                        <span title={row.orderId}>…{row.orderId.slice(-8)}</span>
                      )}
                    </td>
                    <td class="row-actions">
                      {row.status === 'valid' && (
                        <button type="button" class="button button-small" disabled={admitting === row.ticketId} onClick={() => admit(row)} aria-label={m.checkInWho(row.attendeeName ?? row.holderEmail ?? row.ticketId)}>
                          {m.checkIn}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} href={(n) => here({ page: n })} />
        </>
      )}
      {admin && event.data?.status === 'published' && <GiveComplimentary event={event.data} onGiven={() => (list.reload(), sales.reload())} />}
      {admin && <HolderMessages eventId={id} tickets={counts && admittable} />}
    </AdminPage>
  )
}

/** What the event sold: tickets per type (and how many came in), money per currency, the tax it includes. */
function SalesSummary({ report }: { report: SalesReport }) {
  const { orders } = report
  // `m` is each currency's money below.
  const w = useT(attendeesText)
  return (
    <section class="card sales-summary" aria-labelledby="sales-title">
      <h2 id="sales-title">{w.sales}</h2>
      <p class="muted small">
        {w.orders(orders.paid, orders.refunded)}
        {report.refundsUnderWay > 0 && w.stillRefunding(report.refundsUnderWay)}
        {w.openOrders(orders.reserved + orders.pending)}
      </p>
      {report.money.length > 0 && (
        <dl class="stats" data-testid="sales-money">
          {report.money.map((m) => (
            <div key={m.currency}>
              <dt>{w.net(m.currency)}</dt>
              <dd data-stat={`net-${m.currency}`}>{money(m.netCents, m.currency)}</dd>
              <dd class="small muted">
                {w.taken(money(m.takenCents, m.currency))}
                {m.refundedCents + m.refundingCents > 0 && w.refunded(money(m.refundedCents + m.refundingCents, m.currency))}
                {m.discountCents > 0 && w.offWithVouchers(money(m.discountCents, m.currency))}
              </dd>
              {m.atTheDoor && (
                <dd class="small muted" data-stat={`door-${m.currency}`}>
                  {w.doorCash(money(m.atTheDoor.cashCents - m.atTheDoor.cashPaidBackCents, m.currency))}
                  {m.atTheDoor.cashPaidBackCents > 0 && w.doorCashBack(money(m.atTheDoor.cashCents, m.currency), money(m.atTheDoor.cashPaidBackCents, m.currency))} ·{' '}
                  {w.doorTerminal(money(m.atTheDoor.terminalCents - m.atTheDoor.terminalPaidBackCents, m.currency))}
                </dd>
              )}
            </div>
          ))}
        </dl>
      )}
      {report.taxes.length > 0 && (
        <p class="small muted" data-testid="sales-taxes">
          {w.taxIn}{' '}
          {report.taxes
            .filter((t) => t.rateBasisPoints > 0)
            .map((t) => w.tax(money(t.taxCents, t.currency), percent(t.rateBasisPoints), money(t.netCents, t.currency)))
            .join(' · ')}
        </p>
      )}
      {report.ticketTypes.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={w.byType}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{w.ticketType}</th>
                <th scope="col" class="num">
                  {w.sold}
                </th>
                <th scope="col" class="num">
                  {w.checkedIn}
                </th>
                <th scope="col" class="num">
                  {w.refundedColumn}
                </th>
                <th scope="col" class="num">
                  {w.salesColumn}
                </th>
              </tr>
            </thead>
            <tbody>
              {report.ticketTypes.map((t) => (
                <tr key={t.ticketTypeId} data-type={t.ticketTypeId}>
                  <th scope="row">
                    {t.name}
                    {t.addOn && <span class="muted block small">{w.extra}</span>}
                  </th>
                  <td class="num">
                    {t.sold}
                    {t.complimentary ? <span class="muted block small">{w.complimentary(t.complimentary)}</span> : null}
                    {t.atTheDoor ? <span class="muted block small">{w.atTheDoor(t.atTheDoor)}</span> : null}
                  </td>
                  <td class="num">{t.checkedIn}</td>
                  <td class="num">{t.refunded}</td>
                  <td class="num">{money(t.salesCents, t.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
