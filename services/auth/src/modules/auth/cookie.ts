// The browser's session cookie. A client that sends `X-Session-Cookie: 1` (the web app) gets its refresh
// token as an HttpOnly cookie instead of in the answer's body, and refreshes and signs out with that
// cookie: no script on the page (an injected one included) can read the long-lived token. Clients that
// do not ask keep the contract's body form. The cookie is SameSite=Strict and scoped to /api/auth, and
// is honoured only with the header, which no cross-site form can send and no cross-site script can add
// without a CORS preflight the API never grants.
import type { AuthResult } from '@easypass/contracts/auth'
import { fail } from '@easypass/kit'
import { REFRESH_TOKEN_TTL_SECONDS } from './sessions'

const SESSION_COOKIE = 'easypass_refresh'
const COOKIE_MODE_HEADER = 'x-session-cookie'
const PATH = '/api/auth'

const wantsCookie = (request: Request) => request.headers.get(COOKIE_MODE_HEADER) === '1'

/** Secure whenever the client reached us over HTTPS (the gateway says how, behind Traefik too). */
const secure = (request: Request) => (request.headers.get('x-forwarded-proto') ?? new URL(request.url).protocol.replace(':', '')) === 'https'

function cookie(request: Request, value: string, maxAge: number) {
  return `${SESSION_COOKIE}=${value}; Path=${PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure(request) ? '; Secure' : ''}`
}

/** The refresh token of the session cookie, when the client asked for cookie mode. */
function cookieToken(request: Request): string | undefined {
  if (!wantsCookie(request)) return undefined
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === SESSION_COOKIE) return value.join('=') || undefined
  }
  return undefined
}

/** The refresh token a request presents: its body's, else (cookie mode) its cookie's; 400 when neither. */
export function presentedToken(request: Request, fromBody: string | undefined): string {
  const token = fromBody ?? cookieToken(request)
  if (token) return token
  const message = wantsCookie(request) ? 'no session cookie: sign in again' : 'required'
  throw fail('VALIDATION', `refreshToken: ${message}`, { fields: [{ path: 'refreshToken', message }] })
}

type Headers = Record<string, string | number>

/** The answer as the client asked for it: in cookie mode the refresh token moves into the cookie. */
export function deliver<T extends AuthResult>(request: Request, headers: Headers, result: T): T {
  if (!wantsCookie(request) || !result.refreshToken) return result
  headers['set-cookie'] = cookie(request, result.refreshToken, REFRESH_TOKEN_TTL_SECONDS)
  headers['cache-control'] = 'no-store'
  const { refreshToken: _, ...rest } = result
  return rest as T
}

/** Forgets the session cookie (signed out, or the cookie's session ended). */
export function clearCookie(request: Request, headers: Headers) {
  if (wantsCookie(request)) headers['set-cookie'] = cookie(request, '', 0)
}
