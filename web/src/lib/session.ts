// The signed-in session: the account and its short-lived access token, kept in localStorage so they
// survive reloads and are shared by tabs. The refresh token is not here: the API keeps it in an
// HttpOnly cookie that no script can read (the app asks with `X-Session-Cookie: 1`), so a script
// injected into the page could use the session while it runs but never carry it away for 30 days.
// Refresh tokens rotate; refreshes and sign-ins are serialised (across tabs too, with Web Locks), so
// two requests failing at once do not spend the same token twice and the cookie's last writer is
// the session stored last.
import { useEffect, useState } from 'preact/hooks'
import type { AuthResult, User } from './types'
import { serverNow } from './clock'

export interface Session {
  user: User
  accessToken: string
  /** Only in a session stored before the cookie: its first refresh sends it, and the cookie takes over. */
  refreshToken?: string
}

/** Asks the API for the refresh token as a cookie (and to read it from there). */
export const SESSION_COOKIE_HEADER = 'x-session-cookie'

const KEY = 'easypass.session'
const listeners = new Set<() => void>()

/** False once storage refused a read or a write: the session in memory is then the only true one. */
let storageWorks = true

/** The stored session, or the one in memory when storage cannot be used (private mode, blocked storage). */
function load(): Session | null {
  let raw: string | null
  try {
    raw = localStorage.getItem(KEY)
  } catch {
    storageWorks = false
    return current
  }
  if (!storageWorks) return current
  if (!raw) return null
  try {
    const s = JSON.parse(raw) as Session
    return s && typeof s.accessToken === 'string' && s.user ? s : null
  } catch {
    return null
  }
}

let current: Session | null = null
current = load()

function emit() {
  for (const listener of listeners) listener()
}

// Another tab signed in, out, or refreshed the tokens.
window.addEventListener('storage', (e) => {
  if (e.key !== KEY && e.key !== null) return
  current = load()
  emit()
})

export function getSession() {
  return current
}

export function setSession(session: Session | null) {
  current = session
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session))
    else localStorage.removeItem(KEY)
    storageWorks = true
  } catch {
    // Private mode without storage: the session lives for this page only.
    storageWorks = false
  }
  emit()
}

export function sessionFrom(result: AuthResult): Session {
  return { user: result.user, accessToken: result.accessToken }
}

/** The signed-in user as the server now describes them; an answer about another account (one signed out since, in another tab) changes nothing. */
export function updateUser(user: User) {
  if (current && current.user.id === user.id) setSession({ ...current, user })
}

export function useSession(): Session | null {
  const [session, set] = useState(current)
  useEffect(() => {
    const update = () => set(current)
    listeners.add(update)
    update()
    return () => void listeners.delete(update)
  }, [])
  return session
}

/** Seconds until the access token expires (its `exp` claim, by the server's clock); Infinity when unreadable. */
function secondsLeft(token: string) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number }
    return typeof payload.exp === 'number' ? payload.exp - serverNow() / 1000 : Infinity
  } catch {
    return Infinity
  }
}

export class RefreshUnavailable extends Error {}

let endedListener: (() => void) | undefined

/** Called when the API ended the session (the refresh token stopped working), not when the user signed out. */
export function onSessionEnded(listener: () => void) {
  endedListener = listener
}

function sessionEnded() {
  setSession(null)
  endedListener?.()
}

let inflight: Promise<Session | null> | null = null

/**
 * Gets a new token pair because `staleAccessToken` was refused or is about to expire. Resolves to the
 * new session, or null when the refresh token is no longer valid (the user is signed out). Throws
 * RefreshUnavailable when the API could not be reached: a transient failure never signs anyone out.
 */
export function refreshSession(staleAccessToken: string): Promise<Session | null> {
  inflight ??= withLock(async () => {
    const stored = load()
    if (!stored) {
      setSession(null)
      return null
    }
    // Someone (another request or tab) refreshed already.
    if (stored.accessToken !== staleAccessToken) {
      current = stored
      emit()
      return stored
    }
    let response: Response
    try {
      response = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_COOKIE_HEADER]: '1' },
        body: JSON.stringify(stored.refreshToken ? { refreshToken: stored.refreshToken } : {}),
        credentials: 'same-origin',
      })
    } catch {
      throw new RefreshUnavailable('could not reach the API to refresh the session')
    }
    if (response.ok) {
      const body = (await response.json()) as Partial<AuthResult>
      if (!body.accessToken) throw new RefreshUnavailable('the refresh answer had no token')
      // A session stored meanwhile (a password change in this tab) wins over this refresh's: a new
      // password ends every family, this one's included.
      const meanwhile = load()
      if (meanwhile && meanwhile.accessToken !== stored.accessToken) {
        current = meanwhile
        emit()
        return meanwhile
      }
      // The cookie is another account's (signed in elsewhere without this tab knowing): never switch
      // accounts under the user's feet.
      if (body.user && body.user.id !== stored.user.id) {
        sessionEnded()
        return null
      }
      const next: Session = { user: body.user ?? stored.user, accessToken: body.accessToken }
      setSession(next)
      return next
    }
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      const again = load()
      if (again && again.accessToken !== stored.accessToken) {
        current = again
        emit()
        return again
      }
      sessionEnded()
      return null
    }
    throw new RefreshUnavailable(`refresh answered ${response.status}`)
  }).finally(() => {
    inflight = null
  })
  return inflight
}

/** Runs a sign-in (its answer writes the cookie) after any refresh under way, in this tab or another. */
export function withLock<T>(run: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks
  return locks ? (locks.request('easypass.refresh', run) as Promise<T>) : run()
}

/** The access token to send now, refreshed first when it expires within 30 seconds. */
export async function freshAccessToken(): Promise<string | null> {
  const s = current
  if (!s) return null
  if (secondsLeft(s.accessToken) > 30) return s.accessToken
  try {
    const next = await refreshSession(s.accessToken)
    return next?.accessToken ?? null
  } catch {
    return s.accessToken
  }
}
