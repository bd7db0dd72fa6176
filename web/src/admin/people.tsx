// The people with accounts, for admins: found by address and role; a role given or taken (door staff,
// admins), two-step sign-in turned off for someone who lost their phone, guests told apart. The same
// calls as Swagger UI's: GET /api/users, PATCH /api/users/:id, DELETE /api/users/:id/two-factor and /passkeys, and
// DELETE /api/users/:id to close a buyer's account when they ask for it. Door staff may be given the
// events whose door they work (PATCH /api/users/:id with `events`).
import { useEffect, useRef, useState } from 'preact/hooks'
import { when, zoneOf } from '../lib/format'
import { api, isTransient } from '../lib/api'
import { day } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { t, useT } from '../lib/i18n'
import { peopleText } from '../i18n/admin-people'
import { navigate, withQuery } from '../lib/router'
import { useSession } from '../lib/session'
import type { EventItem, List, Role, User } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Empty, Field, Loading, Pager, SearchActions, SelectField } from '../components/ui'
import { AdminPage, adminEventPage } from './shared'

const PAGE_SIZE = 50

export default function People({ query }: { query: URLSearchParams }) {
  const m = useT(peopleText)
  useTitle(m.pageTitle)
  const me = useSession()?.user
  const filters = { q: query.get('q') ?? '', role: query.get('role') ?? '' }
  const page = Math.max(1, Number(query.get('page')) || 1)
  const [form, setForm] = useState(filters)
  useEffect(() => setForm(filters), [query.toString()])
  const list = useAsync((signal) => api<List<User>>(withQuery('/users', { ...filters, page, limit: PAGE_SIZE }), { signal }), [query.toString()])
  const [busy, setBusy] = useState<string>()
  const [error, setError] = useState<unknown>()
  const [retry, setRetry] = useState<() => void>()
  // A change answered 503 may be written with its old tokens not yet withdrawn (the list then shows the
  // new role): picking that role again must send it again, which finishes the withdrawal.
  const unsettled = useRef(new Map<string, Role>())

  /** True when the role was changed; otherwise the caller puts the picker back. */
  const setRole = async (user: User, role: Role, asked = false): Promise<boolean> => {
    // After a 503 the list may show a role not settled: any pick is sent (the same again, or the old one back).
    if (role === user.role && !unsettled.current.has(user.id)) return true
    const words = t(peopleText)
    const ok = asked || await confirmDialog({
      title: words.roleTitle(user.name || user.email, role),
      message: `${words.roleMeans[role]}${user.id === me?.id ? words.ownAccount : ''}${words.tokensStop}`,
      confirmLabel: words.changeRole,
      danger: role !== 'admin' && user.role === 'admin',
    })
    if (!ok) return false
    setBusy(user.id)
    setError(undefined)
    setRetry(undefined)
    try {
      await api(`/users/${user.id}`, { method: 'PATCH', body: { role } })
      unsettled.current.delete(user.id)
      toast(t(peopleText).roleChanged(user.email, role), 'success')
      return true
    } catch (err) {
      setError(err)
      if (isTransient(err)) {
        unsettled.current.set(user.id, role)
        setRetry(() => () => void setRole({ ...user, role }, role, true))
      }
      return false
    } finally {
      setBusy(undefined)
      list.reload()
    }
  }

  /** A change to someone's account, asked for in a dialog first: the call, then what is said. */
  const confirmed = async (user: User, dialog: Parameters<typeof confirmDialog>[0], call: () => Promise<unknown>, done: string) => {
    if (!(await confirmDialog({ ...dialog, danger: true }))) return
    setBusy(user.id)
    setError(undefined)
    try {
      await call()
      toast(done, 'success')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(undefined)
      list.reload()
    }
  }

  const turnOffTwoFactor = (user: User) => {
    const words = t(peopleText)
    return confirmed(
      user,
      {
        title: words.turnOffTitle(user.email),
        message: words.turnOffMessage,
        confirmLabel: words.turnItOff,
      },
      () => api(`/users/${user.id}/two-factor`, { method: 'DELETE' }),
      words.turnedOff(user.email),
    )
  }

  const removePasskeys = (user: User) => {
    const words = t(peopleText)
    return confirmed(
      user,
      {
        title: words.removeTitle(user.email),
        message: words.removeMessage,
        confirmLabel: words.removeThem,
      },
      () => api(`/users/${user.id}/passkeys`, { method: 'DELETE' }),
      words.removed(user.email),
    )
  }

  const closeAccount = (user: User) => {
    const words = t(peopleText)
    return confirmed(
      user,
      {
        title: words.closeTitle(user.email),
        message: words.closeMessage,
        confirmLabel: words.closeConfirm,
      },
      () => api(`/users/${user.id}`, { method: 'DELETE' }),
      words.closed(user.email),
    )
  }

  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1
  return (
    <AdminPage title={m.title} sub={m.sub}>
      <form
        class="card filters"
        role="search"
        aria-label={m.title}
        onSubmit={(e) => {
          e.preventDefault()
          navigate(withQuery('/admin/people', { ...form, q: form.q.trim() }))
        }}
      >
        <Field label={m.email} name="q" value={form.q} onValue={(q) => setForm({ ...form, q })} placeholder={m.emailPlaceholder} maxLength={254} />
        <SelectField
          label={m.roleLabel}
          name="role"
          value={form.role}
          onValue={(role) => setForm({ ...form, role })}
          options={[
            ['', m.anyRole],
            ['customer', m.buyers],
            ['staff', m.doorStaff],
            ['admin', m.admins],
          ]}
        />
        <SearchActions />
      </form>
      <Alert error={error} onRetry={retry} />
      {list.error ? <Alert error={list.error} onRetry={list.reload} /> : null}
      {list.loading && !list.data && <Loading label={m.loading} />}
      {list.data && list.data.items.length === 0 && (
        <Empty>
          <p>{m.nobody}</p>
        </Empty>
      )}
      {list.data && list.data.items.length > 0 && (
        <>
          <p class="muted">{m.total(list.data.total)}</p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={m.tableLabel}>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{m.name}</th>
                  <th scope="col">{m.email}</th>
                  <th scope="col">{m.roleLabel}</th>
                  <th scope="col">{m.twoStep}</th>
                  <th scope="col">{m.since}</th>
                  <th scope="col">
                    <span class="sr-only">{m.close}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((u) => (
                  <tr key={u.id} data-user={u.id}>
                    <th scope="row">
                      {u.name}
                      {u.id === me?.id && <span class="muted block small">{m.you}</span>}
                    </th>
                    <td>{u.email}</td>
                    <td>
                      {u.guest ? (
                        <span class="muted">{m.guest}</span>
                      ) : (
                        <select
                          aria-label={m.roleOf(u.email)}
                          value={u.role}
                          disabled={busy === u.id}
                          onChange={(e) => {
                            const picker = e.currentTarget
                            void setRole(u, picker.value as Role).then((changed) => {
                              if (!changed) picker.value = u.role
                            })
                          }}
                        >
                          {(Object.keys(m.role) as Role[]).map((role) => (
                            <option value={role} key={role}>
                              {m.role[role]}
                            </option>
                          ))}
                        </select>
                      )}
                      {u.role === 'staff' && <StaffEvents user={u} onSaved={list.reload} />}
                    </td>
                    <td>
                      {u.twoFactor ? (
                        <>
                          {m.on}
                          {u.id !== me?.id && (
                            <button type="button" class="button button-small button-secondary" style="margin-left:8px" disabled={busy === u.id} onClick={() => turnOffTwoFactor(u)} aria-label={m.turnOffFor(u.email)}>
                              {m.turnOff}
                            </button>
                          )}
                        </>
                      ) : (
                        <span class="muted">{m.off}</span>
                      )}
                      {!!u.passkeys && (
                        <p class="muted">
                          {m.passkeys(u.passkeys)}
                          {u.id !== me?.id && (
                            <button type="button" class="button button-small button-secondary" style="margin-left:8px" disabled={busy === u.id} onClick={() => removePasskeys(u)} aria-label={m.removeOf(u.email)}>
                              {m.remove}
                            </button>
                          )}
                        </p>
                      )}
                    </td>
                    <td>{u.createdAt ? day(u.createdAt) : ''}</td>
                    <td>
                      {u.role === 'customer' && u.id !== me?.id && (
                        <button type="button" class="button button-small button-secondary" disabled={busy === u.id} onClick={() => closeAccount(u)} aria-label={m.closeAccountOf(u.email)}>
                          {m.closeAccount}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} href={(p) => withQuery('/admin/people', { ...filters, page: p })} />
        </>
      )}
    </AdminPage>
  )
}

/**
 * Which doors a door worker works: every event's, or the ones chosen here (they then check in, list
 * and sell for those only). Folded under their role; the events are found by title among the upcoming.
 */
function StaffEvents({ user, onSaved }: { user: User; onSaved: () => void }) {
  const m = useT(peopleText)
  const [open, setOpen] = useState(false)
  const [every, setEvery] = useState(!user.events)
  const [chosen, setChosen] = useState<string[]>(user.events ?? [])
  const [find, setFind] = useState('')
  const [query, setQuery] = useState('')
  const [fieldError, setFieldError] = useState<string>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    const id = setTimeout(() => setQuery(find.trim()), 250)
    return () => clearTimeout(id)
  }, [find])
  // The list read again (another admin's change): what it says now.
  useEffect(() => {
    setEvery(!user.events)
    setChosen(user.events ?? [])
  }, [user.events?.join(',')])
  const upcoming = useAsync((signal) => (open ? adminEventPage({ status: 'published', q: query, period: 'upcoming', limit: 50 }, signal) : Promise.resolve(undefined)), [open, query])
  // The ones given before, also when they are past or not found by the search.
  const given = useAsync(
    (signal) => (open && user.events ? Promise.all(user.events.map((id) => api<EventItem>(`/events/${id}`, { signal }).catch(() => undefined))) : Promise.resolve([])),
    [open, user.events?.join(',')],
  )
  const listed = new Map<string, EventItem>()
  for (const e of [...(given.data ?? []), ...(upcoming.data?.items ?? [])]) if (e) listed.set(e.id, e)
  // Given before and gone since (deleted): still listed, to be unticked.
  const gone = given.data ? chosen.filter((id) => !listed.has(id)) : []

  const save = async () => {
    if (!every && !chosen.length) return setFieldError(t(peopleText).chooseOne)
    setFieldError(undefined)
    setError(undefined)
    setBusy(true)
    try {
      await api(`/users/${user.id}`, { method: 'PATCH', body: every ? { role: 'staff' } : { role: 'staff', events: chosen } })
      toast(every ? t(peopleText).worksEveryDoor(user.email) : t(peopleText).worksDoors(user.email, chosen.length), 'success')
      onSaved()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <details class="staff-events" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{m.worksDoorOf(user.events?.length)}</summary>
      {open && (
        <div class="stack">
          <fieldset>
            <legend>{m.doorsOf(user.email)}</legend>
            <label class="choice">
              <input type="radio" name={`every-${user.id}`} checked={every} onChange={() => setEvery(true)} /> {m.everyEvent}
            </label>
            <label class="choice">
              <input type="radio" name={`every-${user.id}`} checked={!every} onChange={() => setEvery(false)} /> {m.theseOnly}
            </label>
            {!every && (
              <>
                <Field label={m.findEvent} aria-label={m.findEventFor(user.email)} name={`staff-find-${user.id}`} value={find} onValue={setFind} placeholder={m.findPlaceholder} autoComplete="off" />
                {upcoming.loading && !upcoming.data && <Loading label={m.loadingEvents} />}
                {[...listed.values()].map((e) => (
                  <label class="choice" key={e.id}>
                    <input
                      type="checkbox"
                      checked={chosen.includes(e.id)}
                      onChange={(ev) => setChosen(ev.currentTarget.checked ? [...chosen, e.id] : chosen.filter((id) => id !== e.id))}
                    />{' '}
                    {e.title} ({when(e.startsAt, zoneOf(e))})
                  </label>
                ))}
                {gone.map((id) => (
                  <label class="choice" key={id}>
                    <input type="checkbox" checked onChange={() => setChosen(chosen.filter((c) => c !== id))} /> {m.deletedSince(id)}
                  </label>
                ))}
                {fieldError && (
                  <p class="field-error" role="alert">
                    {fieldError}
                  </p>
                )}
              </>
            )}
          </fieldset>
          <Alert error={error} />
          <button type="button" class="button button-small" disabled={busy} onClick={save} aria-label={m.saveDoorsOf(user.email)}>
            {m.saveDoors}
          </button>
        </div>
      )}
    </details>
  )
}
