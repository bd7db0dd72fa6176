import { Elysia, status, t } from 'elysia'
import { BEARER, ErrorResponse, tagsOf } from '@easypass/contracts'
import { pickLanguage } from '@easypass/contracts/languages'
import { AccountClosed, CloseAccountBody, Accepted, AuthResult, ChangePasswordBody, GuestAccountBody, GuestBody, GuestLinkBody, GuestSessionBody, LoginBody, LogoutBody, PasswordResetConfirmBody, PasswordResetRequestBody, RefreshBody, RecoveryCodes, RegisterBody, TwoFactorConfirmBody, TwoFactorEnabled, TwoFactorSetup, UpdateMeBody, User } from '@easypass/contracts/auth'
import { AppError, authPlugin, clientAddress, strictBody, type AuthConfig } from '@easypass/kit'
import { clearCookie, deliver, presentedToken } from './cookie'
import type { AuthService } from './service'
import type { AccountClosing } from './closing'
import { SameClientRefresh } from './sessions'

const tags = tagsOf('Identity')
export const COOKIE_MODE =
  ' With the header `X-Session-Cookie: 1` (the web app sends it) the refresh token is set as the HttpOnly, SameSite=Strict cookie `easypass_refresh` (path /api/auth) and left out of the body, so no script can read it.'


/** A change of how one signs in, confirmed with the password and a code: who may ask, the body and the refusals. */
const confirmedByCode = {
  auth: 'user' as const,
  ...strictBody(TwoFactorConfirmBody),
}
const confirmRefusals = { 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse }

export function authModule(auth: AuthService, closing: AccountClosing, config: AuthConfig) {
  return new Elysia({ name: 'auth.identity' })
    .use(authPlugin(config))
    .post('/api/auth/register', async ({ body, request, server, set }) => status(201, deliver(request, set.headers, await auth.register(body, clientAddress(request, server)))), {
      ...strictBody(RegisterBody),
      response: { 201: AuthResult, 400: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Create a customer account',
        description: 'Signs the new customer in at once.' + COOKIE_MODE + ' Every new account is a `customer`; a role cannot be chosen. 409 when the email is taken; 400 for a password under 8 characters or an invalid email; 429 with `Retry-After` when one address tried to create too many accounts (default 30 an hour; sign-ups refused for a taken email count too, which bounds probing which emails have accounts).',
      },
    })
    .post('/api/auth/login', async ({ body, request, server, set }) => deliver(request, set.headers, await auth.login(body, clientAddress(request, server))), {
      ...strictBody(LoginBody),
      response: { 200: AuthResult, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Sign in with email and password',
        description: 'The same 401 for an unknown email and a wrong password. An account with two-step sign-in on also needs `code` (from its authenticator app, or one of its recovery codes): without it, 401 `TWO_FACTOR_REQUIRED` (the password was right; send it again with the code); a wrong or used code is 401 and counts like a wrong password. Too many failures for one account from one address, for one account from everywhere, or from one address within 15 minutes → 429 with `Retry-After`. Guesses from elsewhere never lock the owner out at their own address until the account-wide limit (default 100).' + COOKIE_MODE,
      },
    })
    .post(
      '/api/auth/refresh',
      async ({ body, request, set }) => {
        try {
          return deliver(request, set.headers, await auth.refresh(presentedToken(request, body.refreshToken)))
        } catch (error) {
          // The cookie's session is over (not when we could not tell, nor when its own client just
          // rotated it: that answer's cookie is the session's new one): the browser forgets it.
          if (error instanceof AppError && error.status === 401 && !(error instanceof SameClientRefresh)) clearCookie(request, set.headers)
          throw error
        }
      },
      {
      ...strictBody(RefreshBody),
      response: { 200: AuthResult, 400: ErrorResponse, 401: ErrorResponse },
      detail: {
        tags,
        summary: 'Exchange a refresh token for a new pair',
        description: 'Refresh tokens are single use: the presented one stops working. Presenting one that was already used ends the whole session (every token from the same sign-in) → 401, unless it comes within 2 s of its use: that is taken for the same client refreshing twice at once, and only that request is refused. With `X-Session-Cookie: 1` the body may leave the token out: the session cookie is used, and replaced by the new one (a refusal clears it).',
      },
    })
    .post(
      '/api/auth/logout',
      async ({ body, principal, request, set }) => {
        await auth.logout(presentedToken(request, body.refreshToken), principal!)
        clearCookie(request, set.headers)
        return status(204, undefined)
      },
      {
        auth: 'user',
        ...strictBody(LogoutBody),
        response: { 204: t.Void(), 400: ErrorResponse, 401: ErrorResponse },
        detail: { tags, summary: 'End the session of a refresh token', description: 'With `X-Session-Cookie: 1` the session cookie stands in for the token and is cleared.', security: BEARER },
      },
    )
    .post(
      '/api/auth/password-reset',
      async ({ body, request, server }) => {
        await auth.requestPasswordReset(body.email, clientAddress(request, server), pickLanguage(request.headers.get('accept-language')))
        return status(202, { message: 'If an account has this email, a link to choose a new password is on its way.' })
      },
      {
        ...strictBody(PasswordResetRequestBody),
        response: { 202: Accepted, 400: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
        detail: {
          tags,
          summary: 'Email a link to choose a new password',
          description:
            'Always 202 with the same words, whether or not an account has this email (the link is made and sent after the answer). The link is `<web app>/reset-password#token=…`, works once, for 60 minutes (`PASSWORD_RESET_MINUTES`), and no longer once the password has changed. 429 with `Retry-After` beyond 10 requests an hour from one address. Beyond 3 an hour for one email (from anywhere) the answer is the same 202 and no email is sent, so nobody can keep an owner from asking. Without `SMTP_URL` a development system writes the link to auth\'s log.',
        },
      },
    )
    .post('/api/auth/guest', async ({ body, request, server, set }) => status(201, deliver(request, set.headers, await auth.startGuest(body, clientAddress(request, server)))), {
      ...strictBody(GuestBody),
      response: { 201: AuthResult, 400: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Buy without an account (a guest session)',
        description:
          'A session for a buyer who gives only an address and a name: a `customer` with `guest: true`, and no password. Its orders, tickets, refunds and emails work as any customer\'s; the tickets and confirmations go to `email`. A new guest every time: an address may check out as a guest any number of times, also when an account has it, and no guest ever reaches another\'s orders or that account\'s. A guest cannot sign in with a password (there is none), set one, turn on two-step sign-in or be given a role (409); to come back later, `POST /api/auth/guest/link`. Counted with sign-ups (`REGISTRATIONS_PER_IP`): beyond it, 429 with `Retry-After`.' +
          COOKIE_MODE,
      },
    })
    .post(
      '/api/auth/guest/link',
      async ({ body, request, server }) => {
        await auth.requestGuestLink(body.email, clientAddress(request, server), pickLanguage(request.headers.get('accept-language')))
        return status(202, { message: 'If this address bought as a guest, a link back to its tickets is on its way.' })
      },
      {
        ...strictBody(GuestLinkBody),
        response: { 202: Accepted, 400: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
        detail: {
          tags,
          summary: 'Email a guest a link back to what they bought',
          description:
            'Always 202 with the same words, whether or not the address bought as a guest. The email has one link per guest session of the address (the newest 20), each `<web app>/guest#token=…`, working once, for 60 minutes (`PASSWORD_RESET_MINUTES`); `POST /api/auth/guest/session` opens it. Limited as reset links are: 429 with `Retry-After` beyond 10 requests an hour from one address (shared with reset links); beyond 3 an hour for one email the answer is the same 202 and nothing is sent. Without `SMTP_URL` a development system writes the links to auth\'s log.',
        },
      },
    )
    .post('/api/auth/guest/session', async ({ body, request, set }) => deliver(request, set.headers, await auth.openGuestLink(body)), {
      ...strictBody(GuestSessionBody),
      response: { 200: AuthResult, 400: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: "Open a guest's emailed link",
        description: 'The `token` from the link: a new session of that guest (its orders and tickets as before). 400 with the field `token` for a link that is unknown, expired or already used; a link submitted twice at once opens one session.' + COOKIE_MODE,
      },
    })
    .post('/api/auth/guest/account', async ({ body, principal, request, set }) => deliver(request, set.headers, await auth.keepGuest(principal!, body)), {
      auth: 'user',
      ...strictBody(GuestAccountBody),
      response: { 200: AuthResult, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Keep a guest’s purchases in an account',
        description:
          'A guest chooses a password (8 characters or more): their account becomes an ordinary one that signs in with the address they bought with, keeping every order and ticket, as if they had registered with that address. 409 when the address has an account already (sign in to it; what the guest bought stays reachable by an emailed link, and stays the guest\'s), and for an account that is no guest. Every session of the guest ends (the caller gets a new one); other guest sessions of the address stay guests.' +
          COOKIE_MODE,
        security: BEARER,
      },
    })
    .post('/api/auth/password-reset/confirm', async ({ body, request, server, set }) => deliver(request, set.headers, await auth.resetPassword(body, clientAddress(request, server))), {
      ...strictBody(PasswordResetConfirmBody),
      response: { 200: AuthResult, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Set a new password with an emailed link',
        description:
          'The `token` from the link and the new password (8 characters or more); an account with two-step sign-in on also needs `code` (401 `TWO_FACTOR_REQUIRED` without it, 401 for a wrong one, counted like a sign-in; the link keeps working until it is used). Every session of the account ends (refresh tokens stop working; access tokens already issued live out their 15 minutes) and the caller is signed in. 400 with the field `token` for a link that is unknown, expired, already used, or sent for a password that has been replaced since; a link submitted twice at once works once, and of two changes from the same password at once (two links, a link and a change) one lands.',
      },
    })
    .post('/api/auth/password', async ({ body, principal, request, server, set }) => deliver(request, set.headers, await auth.changePassword(principal!, body, clientAddress(request, server))), {
      auth: 'user',
      ...strictBody(ChangePasswordBody),
      response: { 200: AuthResult, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Change my password',
        description:
          'Needs the current password: a wrong one is 400 with the field `currentPassword` and counts as a failed sign-in (429 with `Retry-After` beyond the sign-in limits); 409 when the password was replaced meanwhile (a reset link used at the same time). Every session ends, this one too, and a new pair is returned for this client; other devices must sign in again.',
        security: BEARER,
      },
    })
    .post('/api/auth/two-factor/setup', ({ principal }) => auth.setupTwoFactor(principal!), {
      auth: 'user',
      response: { 200: TwoFactorSetup, 401: ErrorResponse, 409: ErrorResponse },
      detail: {
        tags,
        summary: 'Set up two-step sign-in: a secret for an authenticator app',
        description:
          'A new shared secret (TOTP: 6 digits every 30 seconds, SHA-1, as every authenticator app makes them), as a QR code and as text. Nothing changes until it is confirmed with POST /api/auth/two-factor/enable within 15 minutes; asking again replaces it. 409 when two-step sign-in is on already. The secret is kept sealed (AES-256-GCM, a key outside the database).',
        security: BEARER,
      },
    })
    .post('/api/auth/two-factor/enable', async ({ body, principal, request, server, set }) => deliver(request, set.headers, await auth.enableTwoFactor(principal!, body, clientAddress(request, server))), {
      ...confirmedByCode,
      response: { 200: TwoFactorEnabled, ...confirmRefusals },
      detail: {
        tags,
        summary: 'Turn two-step sign-in on',
        description:
          'The password and a code the app makes from the secret of the setup: from then on, signing in (and setting a password with an emailed link) takes a code too. Answers the account and 10 recovery codes, shown this once (each signs in once in place of a code). ' +
          'Every session of the account ends (none had the second step), and the caller gets a new one with the two steps, as from a sign-in: `accessToken` (with the role, for a role that takes two steps) and `refreshToken` (or the cookie, with `X-Session-Cookie: 1`). ' +
          '400 on `password` for a wrong password (counted like a sign-in) or on `code` for a wrong or used one; 409 without a setup of the last 15 minutes, or when it is on already.',
        security: BEARER,
      },
    })
    .post('/api/auth/two-factor/disable', async ({ body, principal, request, server }) => auth.disableTwoFactor(principal!, body, clientAddress(request, server)), {
      ...confirmedByCode,
      response: { 200: User, ...confirmRefusals },
      detail: {
        tags,
        summary: 'Turn two-step sign-in off',
        description: 'The password and a code (from the app, or a recovery code): the secret and the recovery codes are gone. 400 on the wrong field; 409 when it is not on.',
        security: BEARER,
      },
    })
    .post('/api/auth/two-factor/recovery-codes', async ({ body, principal, request, server }) => auth.newRecoveryCodes(principal!, body, clientAddress(request, server)), {
      ...confirmedByCode,
      response: { 200: RecoveryCodes, ...confirmRefusals },
      detail: {
        tags,
        summary: 'New recovery codes',
        description: 'The password and a code (from the app, or a recovery code): 10 new recovery codes, shown this once; the earlier ones stop working. 400 on the wrong field; 409 when two-step sign-in is not on.',
        security: BEARER,
      },
    })
    .get('/api/auth/me', ({ principal }) => auth.me(principal!), {
      auth: 'user',
      response: { 200: User, 401: ErrorResponse },
      detail: { tags, summary: 'The signed-in account', security: BEARER },
    })
    .post('/api/auth/me/close', async ({ body, principal, request, server, set }) => {
      const closed = await closing.close(principal!, body, clientAddress(request, server))
      // The browser's session cookie goes with the account (its token no longer refreshes anyway).
      clearCookie(request, set.headers)
      return closed
    }, {
      auth: 'user',
      ...strictBody(CloseAccountBody),
      response: { 200: AccountClosed, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Close my account',
        description:
          'The signed-in customer closes their own account, for good. `password` is required (400 on `password` when missing or wrong, counted like a sign-in; 429 beyond the sign-in limits), and `code` too with two-step sign-in on (400 on `code`); a guest, who has no password, sends `{}`. ' +
          'The account, its sessions and links are deleted at once: refresh tokens stop working (access tokens already issued live out their 15 minutes), the address can sign up again as a new account, and the fact `auth.account-closed` makes orders and notifications forget the person (the address on their orders and tickets, saved billing details, notifications, waiting lists). ' +
          'Orders, tickets, invoices and payments stay, as accounting law requires: tickets already sent stay valid. 409 for an admin or door staff (another admin first makes the account a customer).',
        security: BEARER,
      },
    })
    .patch('/api/auth/me', ({ body, principal }) => auth.updateMe(principal!, body), {
      auth: 'user',
      ...strictBody(UpdateMeBody),
      response: { 200: User, 400: ErrorResponse, 401: ErrorResponse },
      detail: {
        tags,
        summary: 'Change my name',
        description: 'The name only (1–100 characters with a visible one; surrounding spaces are trimmed). The email is the sign-in name and the role is an admin\'s to change.',
        security: BEARER,
      },
    })
}
