import { useEffect, useRef, useState } from 'preact/hooks'
import type { Attendee, AttendeeList, SalesReport } from '@easypass/contracts/reports'
import { api, ApiError, describe, uuid } from '../lib/api'
import { useDownload } from '../lib/download'
import { money, percent, plural, when } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { getEvent } from '../lib/live'
import { Link, navigate, withQuery } from '../lib/router'
import { useSession } from '../lib/session'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Empty, Field, Loading, Pager, SearchActions, SelectField } from '../components/ui'
import { GiveComplimentary } from './complimentary'
import { HolderMessages } from './messages'
import { AdminPage } from './shared'

const PAGE_SIZE = 50
const STATUS_LABEL: Record<Attendee['status'], string> = { valid: 'Valid', checked_in: 'Checked in', refunded: 'Refunded' }

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
  const event = useAsync(() => getEvent(id), [id])
  useTitle(`${admin ? 'Admin' : 'Door'} · Attendees${event.data ? ` · ${event.data.title}` : ''}`)
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
    const who = row.attendeeName ?? row.holderEmail ?? 'this guest'
    // The button stays enabled while the dialog is open: focus returns to it when the dialog closes.
    if (!(await confirmDialog({ title: 'Check in without a scan?', message: `Check in the ${row.ticketTypeName ?? ''} ticket of ${who}. Do this only after checking who they are.`, confirmLabel: 'Check in' }))) {
      admittingRef.current = undefined
      return
    }
    setAdmitting(row.ticketId)
    setError(undefined)
    try {
      await api('/checkins', { body: { ticketId: row.ticketId, eventId: id }, idempotencyKey: uuid() })
      toast(`${who} checked in.`, 'success')
    } catch (err) {
      // Already in, refunded or passed on meanwhile: the list below shows how it stands now.
      setError(err instanceof ApiError ? new Error(`Not checked in: ${describe(err)}`) : err)
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
      title={event.data ? `Attendees · ${event.data.title}` : 'Attendees'}
      sub={event.data ? <>Starts {when(event.data.startsAt)}{admin && <> · <Link href={`/admin/events/${id}`}>Edit the event</Link></>}</> : undefined}
      actions={
        admin && (
          <button type="button" class="button button-secondary" onClick={csv.save} aria-disabled={csv.busy ? true : undefined}>
            {csv.busy ? 'Preparing the CSV…' : 'Download CSV'}
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
          <strong>
            {counts.checkedIn} of {plural(admittable, 'ticket')} checked in
          </strong>
          <progress max={admittable || 1} value={counts.checkedIn} aria-label="Checked in" />
          {counts.refunded > 0 && <span class="muted small">{plural(counts.refunded, 'refunded ticket')} not counted</span>}
        </p>
      )}
      <form
        class="card filters"
        role="search"
        aria-label="Attendees"
        onSubmit={(e) => {
          e.preventDefault()
          navigate(here({ ...form, q: form.q.trim(), page: '' }))
        }}
      >
        <Field label="Search" name="q" value={form.q} onValue={(q) => setForm({ ...form, q })} placeholder="Name, email, ticket or order id" maxLength={200} />
        <SelectField label="Status" name="status" value={form.status} onValue={(status) => setForm({ ...form, status })} options={[['', 'Any status'], ...Object.entries(STATUS_LABEL)]} />
        <SelectField
          label="Ticket type"
          name="ticketTypeId"
          value={form.ticketTypeId}
          onValue={(ticketTypeId) => setForm({ ...form, ticketTypeId })}
          options={[
            ['', 'Any ticket type'],
            ...(event.data?.ticketTypes ?? []).map((t): [string, string] => [t.id, t.name]),
            // One filtered on that the event no longer offers (removed since).
            ...(filters.ticketTypeId && !event.data?.ticketTypes?.some((t) => t.id === filters.ticketTypeId) ? [[filters.ticketTypeId, 'A ticket type no longer offered'] as [string, string]] : []),
          ]}
        />
        <SearchActions />
      </form>
      <Alert error={error} />
      {list.error ? <Alert error={list.error} onRetry={list.reload} /> : null}
      {list.loading && <Loading label="Loading attendees…" />}
      {list.data && list.data.items.length === 0 && (
        <Empty>
          <p>{counts?.tickets ? 'No ticket matches.' : 'No tickets sold yet.'}</p>
        </Empty>
      )}
      {list.data && list.data.items.length > 0 && (
        <>
          <p class="muted">{plural(list.data.total, 'ticket')}</p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Attendees table" aria-busy={list.loading ? true : undefined}>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Holder</th>
                  <th scope="col">Ticket</th>
                  <th scope="col">Status</th>
                  <th scope="col">Order</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((row) => (
                  <tr key={row.ticketId} data-ticket={row.ticketId}>
                    <th scope="row">{row.attendeeName ?? <span class="muted">No name given</span>}</th>
                    <td>
                      {row.holderEmail ?? '–'}
                      {row.passedOn && <span class="muted block small">Passed on by {row.buyerEmail ?? 'its buyer'}</span>}
                    </td>
                    <td>
                      {row.ticketTypeName}
                      {row.addOn && <span class="muted block small">Extra</span>}
                      {row.seat && <span class="muted block small">Seat {row.seat}</span>}
                    </td>
                    <td>
                      <span class={`badge badge-ticket-${row.status}`}>{STATUS_LABEL[row.status]}</span>
                      {row.checkedInAt && <span class="muted block small">{when(row.checkedInAt)}</span>}
                    </td>
                    <td>
                      {/* Door staff may not open other people's orders. */}
                      {admin ? (
                        <Link href={`/orders/${row.orderId}`} title={row.orderId}>
                          <span class="sr-only">Order </span>…{row.orderId.slice(-8)}
                        </Link>
                      ) : (
                        <span title={row.orderId}>…{row.orderId.slice(-8)}</span>
                      )}
                    </td>
                    <td class="row-actions">
                      {row.status === 'valid' && (
                        <button type="button" class="button button-small" disabled={admitting === row.ticketId} onClick={() => admit(row)} aria-label={`Check in ${row.attendeeName ?? row.holderEmail ?? row.ticketId}`}>
                          Check in
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
  return (
    <section class="card sales-summary" aria-labelledby="sales-title">
      <h2 id="sales-title">Sales</h2>
      <p class="muted small">
        {plural(orders.paid, 'paid order')} · {plural(orders.refunded, 'refunded order')}
        {report.refundsUnderWay > 0 && ` (${report.refundsUnderWay} still being refunded)`} · {plural(orders.reserved + orders.pending, 'order')} open
      </p>
      {report.money.length > 0 && (
        <dl class="stats" data-testid="sales-money">
          {report.money.map((m) => (
            <div key={m.currency}>
              <dt>Net {m.currency}</dt>
              <dd data-stat={`net-${m.currency}`}>{money(m.netCents, m.currency)}</dd>
              <dd class="small muted">
                {money(m.takenCents, m.currency)} taken
                {m.refundedCents + m.refundingCents > 0 && ` · ${money(m.refundedCents + m.refundingCents, m.currency)} refunded`}
                {m.discountCents > 0 && ` · ${money(m.discountCents, m.currency)} off with vouchers`}
              </dd>
              {m.atTheDoor && (
                <dd class="small muted" data-stat={`door-${m.currency}`}>
                  At the door: {money(m.atTheDoor.cashCents - m.atTheDoor.cashPaidBackCents, m.currency)} in cash
                  {m.atTheDoor.cashPaidBackCents > 0 && ` (${money(m.atTheDoor.cashCents, m.currency)} taken, ${money(m.atTheDoor.cashPaidBackCents, m.currency)} paid back)`} ·{' '}
                  {money(m.atTheDoor.terminalCents - m.atTheDoor.terminalPaidBackCents, m.currency)} on the terminal
                </dd>
              )}
            </div>
          ))}
        </dl>
      )}
      {report.taxes.length > 0 && (
        <p class="small muted" data-testid="sales-taxes">
          Tax in paid orders:{' '}
          {report.taxes
            .filter((t) => t.rateBasisPoints > 0)
            .map((t) => `${money(t.taxCents, t.currency)} at ${percent(t.rateBasisPoints)} on ${money(t.netCents, t.currency)} net`)
            .join(' · ')}
        </p>
      )}
      {report.ticketTypes.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Sales by ticket type">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Ticket type</th>
                <th scope="col" class="num">
                  Sold
                </th>
                <th scope="col" class="num">
                  Checked in
                </th>
                <th scope="col" class="num">
                  Refunded
                </th>
                <th scope="col" class="num">
                  Sales
                </th>
              </tr>
            </thead>
            <tbody>
              {report.ticketTypes.map((t) => (
                <tr key={t.ticketTypeId} data-type={t.ticketTypeId}>
                  <th scope="row">
                    {t.name}
                    {t.addOn && <span class="muted block small">Extra</span>}
                  </th>
                  <td class="num">
                    {t.sold}
                    {t.complimentary ? <span class="muted block small">{t.complimentary} complimentary</span> : null}
                    {t.atTheDoor ? <span class="muted block small">{t.atTheDoor} at the door</span> : null}
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
