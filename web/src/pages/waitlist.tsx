// The waiting list on a sold-out event's page: join it, see that you are on it, leave it. When tickets
// come back the first in line are told by notification (live, in the app) and by email.
import { useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { when } from '../lib/format'
import { useAsync } from '../lib/hooks'
import { Link, withQuery } from '../lib/router'
import { useSession } from '../lib/session'
import type { List } from '../lib/types'
import { toast } from '../components/overlay'
import { Alert, Notice } from '../components/ui'
import { waitlistText } from '../i18n/waitlist'
import { useT } from '../lib/i18n'

interface WaitlistEntry {
  eventId: string
  joinedAt: string
  offeredAt: string | null
}

export function WaitlistPanel({ eventId, onStale }: { eventId: string; onStale: () => void }) {
  const m = useT(waitlistText)
  const session = useSession()
  const mine = useAsync(
    async (signal) => (session ? (await api<List<WaitlistEntry>>(withQuery('/notifications/waitlist', { eventId }), { signal })).items[0] ?? null : null),
    [eventId, session?.user.id],
  )
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  if (!session)
    return (
      <div class="waitlist">
        <p>
          {m.signInToJoin(<Link href={`/signin?next=${encodeURIComponent(`/events/${eventId}`)}`}>{m.signIn}</Link>)}
        </p>
      </div>
    )

  const entry = mine.data
  const waiting = entry && !entry.offeredAt

  const change = async (join: boolean) => {
    setError(undefined)
    setBusy(true)
    try {
      if (join) {
        const joined = await api<WaitlistEntry>('/notifications/waitlist', { body: { eventId } })
        mine.setData(joined)
        toast(m.joined, 'success')
      } else {
        await api(`/notifications/waitlist/${eventId}`, { method: 'DELETE' })
        mine.setData(null)
        toast(m.left)
      }
    } catch (err) {
      setError(err)
      // Tickets came back meanwhile (409): the numbers above are refreshed, and they can be bought.
      if (err instanceof ApiError && err.status === 409) onStale()
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="waitlist" data-waitlist={waiting ? 'waiting' : 'none'}>
      {waiting ? (
        <Notice tone="success">
          <p>
            {m.onList(when(entry.joinedAt))}
          </p>
        </Notice>
      ) : (
        <p>
          {entry?.offeredAt ? m.cameBack(when(entry.offeredAt)) : ''}
          {m.invite}
        </p>
      )}
      <Alert error={error ?? mine.error} />
      {!mine.loading && (
        <button type="button" class={`button button-block${waiting ? ' button-secondary' : ''}`} disabled={busy} onClick={() => change(!waiting)}>
          {busy ? m.oneMoment : waiting ? m.leave : entry?.offeredAt ? m.joinAgain : m.join}
        </button>
      )}
    </div>
  )
}
