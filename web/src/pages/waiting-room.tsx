// The waiting room of a hot on-sale on the event page: a buyer joins the line, sees their number and
// about how long until their turn, and buys once let in. The page asks for its place every few seconds
// while it waits (the line moves at a set rate, so a poll is as good as a stream, and cheaper).
import { useEffect, useState } from 'preact/hooks'
import { api } from '../lib/api'
import { plural, when } from '../lib/format'
import { useAsync, type Async } from '../lib/hooks'
import type { Session } from '../lib/session'
import type { WaitingRoom } from '../lib/types'
import { Alert, Notice } from '../components/ui'

/** The room of the event (and the buyer's place), asked again every 3 s while they wait, every 30 s otherwise. */
export function useWaitingRoom(eventId: string, userId: string | undefined): Async<WaitingRoom> {
  const room = useAsync((signal) => api<WaitingRoom>(`/events/${eventId}/waiting-room`, { signal }), [eventId, userId])
  const waiting = !!room.data?.you && !room.data.you.admitted
  const enabled = !!room.data?.enabled
  useEffect(() => {
    if (!enabled) return
    const id = setInterval(room.reload, waiting ? 3_000 : 30_000)
    return () => clearInterval(id)
  }, [enabled, waiting, room.reload])
  return room
}

/** Whether the buyer must wait in the line before buying (admins never do). */
export const mustWait = (room: WaitingRoom | undefined, session: Session | null) => !!room?.enabled && session?.user.role !== 'admin' && !room.you?.admitted

/** In place of the Buy button while the buyer is not let in: join, or their place in the line. */
export function WaitingRoomPanel({ room, session, onSignIn }: { room: Async<WaitingRoom>; session: Session | null; onSignIn: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const data = room.data!
  const you = data.you
  const join = async () => {
    if (busy) return
    setBusy(true)
    setError(undefined)
    try {
      room.setData(await api<WaitingRoom>(`/events/${data.eventId}/waiting-room`, { method: 'POST' }))
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const opening = data.opensAt && Date.parse(data.opensAt) > Date.now() ? data.opensAt : undefined
  return (
    <div class="waiting-room" data-testid="waiting-room">
      {!you ? (
        <>
          <Notice>
            <p>
              <strong>This sale goes through a waiting room.</strong> Join the line to get your place: buyers are let in in the order they joined
              {opening ? `, from ${when(opening)}` : ''}. {data.waiting > 0 ? `${plural(data.waiting, 'person is', 'people are')} waiting.` : 'Nobody is waiting now.'}
            </p>
          </Notice>
          <Alert error={error} />
          {session ? (
            <button type="button" class="button button-block" onClick={join} aria-disabled={busy ? true : undefined}>
              {busy ? 'Joining…' : 'Join the line'}
            </button>
          ) : (
            <button type="button" class="button button-block" onClick={onSignIn}>
              Sign in to join the line
            </button>
          )}
        </>
      ) : (
        <div role="status" aria-live="polite">
          <Notice>
            <p class="waiting-place">
              You are number <strong>{you.position.toLocaleString()}</strong> in the line{you.aheadOfYou ? `, ${plural(you.aheadOfYou, 'person', 'people')} ahead of you` : ''}.
            </p>
            {you.passEndsAt && !you.admitted ? (
              <p>Your turn to buy has ended. Join the line again for a new place.</p>
            ) : (
              <p>
                {opening ? `The line starts moving ${when(opening)}. ` : ''}
                {you.estimatedWaitSeconds !== undefined ? `About ${you.estimatedWaitSeconds >= 60 ? plural(Math.ceil(you.estimatedWaitSeconds / 60), 'minute') : plural(Math.max(1, you.estimatedWaitSeconds), 'second')} to go. ` : ''}Keep this page open: it lets you in by itself.
              </p>
            )}
          </Notice>
          {you.passEndsAt && !you.admitted && (
            <button type="button" class="button button-block" onClick={join} aria-disabled={busy ? true : undefined}>
              {busy ? 'Joining…' : 'Join the line again'}
            </button>
          )}
          <Alert error={error} />
        </div>
      )}
    </div>
  )
}

/** Above the Buy button once let in: until when the buyer may start a purchase. */
export function TurnNotice({ room }: { room: WaitingRoom | undefined }) {
  if (!room?.enabled || !room.you?.admitted || !room.you.passEndsAt) return null
  return (
    <Notice tone="success">
      <p role="status">It is your turn: pick your tickets and buy before {when(room.you.passEndsAt)}.</p>
    </Notice>
  )
}
