// The people with accounts, for admins: found by address and role; a role given or taken (door staff,
// admins), two-step sign-in turned off for someone who lost their phone, guests told apart. The same
// calls as Swagger UI's: GET /api/users, PATCH /api/users/:id, DELETE /api/users/:id/two-factor and /passkeys, and
// DELETE /api/users/:id to close a buyer's account when they ask for it. Door staff may be given the
// events whose door they work (PATCH /api/users/:id with `events`).
import { useEffect, useState } from 'preact/hooks'
import { when } from '../lib/format'
import { api } from '../lib/api'
import { day } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { navigate, withQuery } from '../lib/router'
import { useSession } from '../lib/session'
import type { EventItem, List, Role, User } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Empty, Field, Loading, Pager, SearchActions, SelectField } from '../components/ui'
import { AdminPage, adminEventPage } from './shared'

const PAGE_SIZE = 50
const ROLE_WORD: Record<Role, string> = { customer: 'Buyer', staff: 'Door staff', admin: 'Admin' }
/** What each role may do, said where it is given. */
const ROLE_MEANS: Record<Role, string> = {
  customer: 'They keep their tickets and orders and lose everything else of their role.',
  staff: 'They can check tickets in and read attendee lists, and nothing more.',
  admin: 'They can run every event, refund any order and give roles.',
}

export default function People({ query }: { query: URLSearchParams }) {
  useTitle('Admin · People')
  const me = useSession()?.user
  const filters = { q: query.get('q') ?? '', role: query.get('role') ?? '' }
  const page = Math.max(1, Number(query.get('page')) || 1)
  const [form, setForm] = useState(filters)
  useEffect(() => setForm(filters), [query.toString()])
  const list = useAsync((signal) => api<List<User>>(withQuery('/users', { ...filters, page, limit: PAGE_SIZE }), { signal }), [query.toString()])
  const [busy, setBusy] = useState<string>()
  const [error, setError] = useState<unknown>()

  /** True when the role was changed; otherwise the caller puts the picker back. */
  const setRole = async (user: User, role: Role): Promise<boolean> => {
    if (role === user.role) return true
    const ok = await confirmDialog({
      title: `Make ${user.name || user.email} ${ROLE_WORD[role].toLowerCase()}?`,
      message: `${ROLE_MEANS[role]}${user.id === me?.id ? ' This is your own account.' : ''} Tokens they hold with more than the new role stop working at once.`,
      confirmLabel: 'Change the role',
      danger: role !== 'admin' && user.role === 'admin',
    })
    if (!ok) return false
    setBusy(user.id)
    setError(undefined)
    try {
      await api(`/users/${user.id}`, { method: 'PATCH', body: { role } })
      toast(`${user.email} is ${ROLE_WORD[role].toLowerCase()} now.`, 'success')
      return true
    } catch (err) {
      setError(err)
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

  const turnOffTwoFactor = (user: User) =>
    confirmed(
      user,
      {
        title: `Turn off two-step sign-in for ${user.email}?`,
        message: 'Their password alone signs them in until they set it up again. Do this only when they lost their phone and their recovery codes, and you are sure it is them asking.',
        confirmLabel: 'Turn it off',
      },
      () => api(`/users/${user.id}/two-factor`, { method: 'DELETE' }),
      `Two-step sign-in is off for ${user.email}.`,
    )

  const removePasskeys = (user: User) =>
    confirmed(
      user,
      {
        title: `Remove every passkey of ${user.email}?`,
        message: 'Each device signed in with one of them is signed out, and they sign in with their password. Do this when a phone was stolen or they did not add a passkey themselves, and you are sure it is them asking.',
        confirmLabel: 'Remove them',
      },
      () => api(`/users/${user.id}/passkeys`, { method: 'DELETE' }),
      `The passkeys of ${user.email} are removed.`,
    )

  const closeAccount = (user: User) =>
    confirmed(
      user,
      {
        title: `Close the account of ${user.email}?`,
        message:
          'Do this only when they asked for it and you are sure it is them asking. The account, its sessions and links are deleted, and its address is taken off its orders; its notifications, waiting lists and saved invoice details go. Its orders, tickets (still valid) and invoices stay. This cannot be undone.',
        confirmLabel: 'Close the account',
      },
      () => api(`/users/${user.id}`, { method: 'DELETE' }),
      `The account of ${user.email} is closed.`,
    )

  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1
  return (
    <AdminPage title="People" sub="Everyone with an account, and guests who bought without one. Give door staff and admins their role here; a role change takes effect at once.">
      <form
        class="card filters"
        role="search"
        aria-label="People"
        onSubmit={(e) => {
          e.preventDefault()
          navigate(withQuery('/admin/people', { ...form, q: form.q.trim() }))
        }}
      >
        <Field label="Email" name="q" value={form.q} onValue={(q) => setForm({ ...form, q })} placeholder="Part of the email address" maxLength={254} />
        <SelectField
          label="Role"
          name="role"
          value={form.role}
          onValue={(role) => setForm({ ...form, role })}
          options={[
            ['', 'Any role'],
            ['customer', 'Buyers'],
            ['staff', 'Door staff'],
            ['admin', 'Admins'],
          ]}
        />
        <SearchActions />
      </form>
      <Alert error={error} />
      {list.error ? <Alert error={list.error} onRetry={list.reload} /> : null}
      {list.loading && !list.data && <Loading label="Loading people…" />}
      {list.data && list.data.items.length === 0 && (
        <Empty>
          <p>Nobody matches.</p>
        </Empty>
      )}
      {list.data && list.data.items.length > 0 && (
        <>
          <p class="muted">{list.data.total === 1 ? '1 person' : `${list.data.total} people`}</p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="People table">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Two-step sign-in, passkeys</th>
                  <th scope="col">Since</th>
                  <th scope="col">
                    <span class="sr-only">Close</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((u) => (
                  <tr key={u.id} data-user={u.id}>
                    <th scope="row">
                      {u.name}
                      {u.id === me?.id && <span class="muted block small">You</span>}
                    </th>
                    <td>{u.email}</td>
                    <td>
                      {u.guest ? (
                        <span class="muted">Guest (no password, no role)</span>
                      ) : (
                        <select
                          aria-label={`Role of ${u.email}`}
                          value={u.role}
                          disabled={busy === u.id}
                          onChange={(e) => {
                            const picker = e.currentTarget
                            void setRole(u, picker.value as Role).then((changed) => {
                              if (!changed) picker.value = u.role
                            })
                          }}
                        >
                          {(Object.keys(ROLE_WORD) as Role[]).map((role) => (
                            <option value={role} key={role}>
                              {ROLE_WORD[role]}
                            </option>
                          ))}
                        </select>
                      )}
                      {u.role === 'staff' && <StaffEvents user={u} onSaved={list.reload} />}
                    </td>
                    <td>
                      {u.twoFactor ? (
                        <>
                          On
                          {u.id !== me?.id && (
                            <button type="button" class="button button-small button-secondary" style="margin-left:8px" disabled={busy === u.id} onClick={() => turnOffTwoFactor(u)} aria-label={`Turn off two-step sign-in for ${u.email}`}>
                              Turn off
                            </button>
                          )}
                        </>
                      ) : (
                        <span class="muted">Off</span>
                      )}
                      {!!u.passkeys && (
                        <p class="muted">
                          {u.passkeys === 1 ? '1 passkey' : `${u.passkeys} passkeys`}
                          {u.id !== me?.id && (
                            <button type="button" class="button button-small button-secondary" style="margin-left:8px" disabled={busy === u.id} onClick={() => removePasskeys(u)} aria-label={`Remove the passkeys of ${u.email}`}>
                              Remove
                            </button>
                          )}
                        </p>
                      )}
                    </td>
                    <td>{u.createdAt ? day(u.createdAt) : ''}</td>
                    <td>
                      {u.role === 'customer' && u.id !== me?.id && (
                        <button type="button" class="button button-small button-secondary" disabled={busy === u.id} onClick={() => closeAccount(u)} aria-label={`Close account of ${u.email}`}>
                          Close account
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
  const label = user.events ? (user.events.length === 1 ? '1 event' : `${user.events.length} events`) : 'every event'

  const save = async () => {
    if (!every && !chosen.length) return setFieldError('Choose at least one event, or every event.')
    setFieldError(undefined)
    setError(undefined)
    setBusy(true)
    try {
      await api(`/users/${user.id}`, { method: 'PATCH', body: every ? { role: 'staff' } : { role: 'staff', events: chosen } })
      toast(every ? `${user.email} works every door now.` : `${user.email} works the door of ${chosen.length === 1 ? '1 event' : `${chosen.length} events`} now.`, 'success')
      onSaved()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <details class="staff-events" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Works the door of {label}</summary>
      {open && (
        <div class="stack">
          <fieldset>
            <legend>Doors {user.email} works</legend>
            <label class="choice">
              <input type="radio" name={`every-${user.id}`} checked={every} onChange={() => setEvery(true)} /> Every event
            </label>
            <label class="choice">
              <input type="radio" name={`every-${user.id}`} checked={!every} onChange={() => setEvery(false)} /> These events only:
            </label>
            {!every && (
              <>
                <Field label="Find an event" aria-label={`Find an event for ${user.email}`} name={`staff-find-${user.id}`} value={find} onValue={setFind} placeholder="Part of its title" autoComplete="off" />
                {upcoming.loading && !upcoming.data && <Loading label="Loading events…" />}
                {[...listed.values()].map((e) => (
                  <label class="choice" key={e.id}>
                    <input
                      type="checkbox"
                      checked={chosen.includes(e.id)}
                      onChange={(ev) => setChosen(ev.currentTarget.checked ? [...chosen, e.id] : chosen.filter((id) => id !== e.id))}
                    />{' '}
                    {e.title} ({when(e.startsAt)})
                  </label>
                ))}
                {gone.map((id) => (
                  <label class="choice" key={id}>
                    <input type="checkbox" checked onChange={() => setChosen(chosen.filter((c) => c !== id))} /> An event deleted since ({id})
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
          <button type="button" class="button button-small" disabled={busy} onClick={save} aria-label={`Save doors of ${user.email}`}>
            Save doors
          </button>
        </div>
      )}
    </details>
  )
}
