// The audit log for admins: every change an admin or door worker asked for, who, when and how it ended,
// newest first; filtered by who and by outcome, and read further back page by page.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { AuditEntry, AuditList } from '@easypass/contracts/audit'
import { api } from '../lib/api'
import { when } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { useT } from '../lib/i18n'
import { activityText, type Outcome } from '../i18n/admin-people'
import { navigate, withQuery } from '../lib/router'
import { Alert, Empty, Field, Loading, SearchActions, SelectField } from '../components/ui'
import { AdminPage } from './shared'

const PAGE_SIZE = 50
/** 499: the client left before the answer; the change may or may not have been made. */
const outcomeOf = (status: number): Outcome => (status < 400 ? 'done' : status === 403 ? 'refused' : status === 499 ? 'unknown' : 'failed')

export default function Activity({ query }: { query: URLSearchParams }) {
  const m = useT(activityText)
  useTitle(m.pageTitle)
  const filters = { actor: query.get('actor') ?? '', outcome: query.get('outcome') ?? '' }
  const [form, setForm] = useState(filters)
  useEffect(() => setForm(filters), [query.toString()])
  const params = { actor: filters.actor, ...(filters.outcome ? { failed: filters.outcome === 'refused' ? 'true' : 'false' } : {}), limit: PAGE_SIZE }
  // Older pages are added below the first as the admin asks for them.
  const [older, setOlder] = useState<{ items: AuditEntry[]; next: string | null }>()
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [olderError, setOlderError] = useState<unknown>()
  // Which search the older pages belong to: one that answers after the filters changed is dropped.
  const search = useRef(0)
  const first = useAsync(
    (signal) => {
      search.current++
      setOlder(undefined)
      setOlderError(undefined)
      return api<AuditList>(withQuery('/audit', params), { signal })
    },
    [query.toString()],
  )
  const items = [...(first.data?.items ?? []), ...(older?.items ?? [])]
  const next = older ? older.next : first.data?.next
  const more = async () => {
    if (!next || loadingOlder) return
    const asked = search.current
    setLoadingOlder(true)
    setOlderError(undefined)
    try {
      const page = await api<AuditList>(withQuery('/audit', { ...params, before: next }))
      if (asked === search.current) setOlder((o) => ({ items: [...(o?.items ?? []), ...page.items], next: page.next }))
    } catch (err) {
      if (asked === search.current) setOlderError(err)
    } finally {
      setLoadingOlder(false)
    }
  }
  // While a new search loads, the rows of the last one are not shown as its answer.
  const shown = first.loading ? [] : items

  return (
    <AdminPage title={m.title} sub={m.sub}>
      <form
        class="card filters"
        role="search"
        aria-label={m.title}
        onSubmit={(e) => {
          e.preventDefault()
          navigate(withQuery('/admin/activity', { ...form, actor: form.actor.trim() }))
        }}
      >
        <Field label={m.who} name="actor" value={form.actor} onValue={(actor) => setForm({ ...form, actor })} placeholder={m.whoPlaceholder} maxLength={254} />
        <SelectField
          label={m.outcomeLabel}
          name="outcome"
          value={form.outcome}
          onValue={(outcome) => setForm({ ...form, outcome })}
          options={[
            ['', m.anyOutcome],
            ['done', m.done],
            ['refused', m.refusedOrFailed],
          ]}
        />
        <SearchActions />
      </form>
      {first.error ? <Alert error={first.error} onRetry={first.reload} /> : null}
      {first.loading && <Loading label={m.loading} />}
      {first.data && !first.loading && items.length === 0 && (
        <Empty>
          <p>{next ? m.nothingLatest : m.nothing}</p>
        </Empty>
      )}
      {shown.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={m.tableLabel}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{m.when}</th>
                <th scope="col">{m.who}</th>
                <th scope="col">{m.what}</th>
                <th scope="col">{m.outcomeLabel}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr key={e.id} data-entry={e.id}>
                  <td>{when(e.at)}</td>
                  <th scope="row">
                    {e.actor.email ?? e.actor.id}
                    <span class="muted block small">{e.actor.role === 'staff' ? m.doorStaff : e.actor.role === 'admin' ? m.admin : e.actor.role}</span>
                  </th>
                  <td>
                    {m.method[e.method] ?? e.method} <code>{e.path}</code>
                  </td>
                  <td>
                    <span class={`badge badge-${e.status < 400 ? 'paid' : 'failed'}`}>{m.outcome[outcomeOf(e.status)]}</span>
                    <span class="muted block small">HTTP {e.status}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Alert error={olderError} />
      {next && !first.loading && (
        <p aria-live="polite">
          <button type="button" class="button button-secondary" onClick={more} aria-disabled={loadingOlder ? true : undefined}>
            {loadingOlder ? m.loadingOlder : items.length ? m.older : m.further}
          </button>
        </p>
      )}
    </AdminPage>
  )
}
