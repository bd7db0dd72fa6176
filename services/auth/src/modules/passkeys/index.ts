import { Elysia, status, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { AuthResult, Passkey, PasskeyAddBody, PasskeyList, PasskeyRegistrationOptions, PasskeyRenameBody, PasskeysRemoved, PasskeySignInBody, PasskeySignInOptions } from '@easypass/contracts/auth'
import { authPlugin, clientAddress, strictBody, type AuthConfig } from '@easypass/kit'
import { deliver } from '../auth/cookie'
import { COOKIE_MODE } from '../auth'
import { MAX_PASSKEYS_PER_ACCOUNT, type PasskeyService } from './service'

const tags = tagsOf('Identity')
const PasskeyIdParams = t.Object({ id: t.String({ minLength: 1, maxLength: 1366 }) })
const OFF = ' 409 when passkeys are not set up on this site (production without `PUBLIC_URL` or `WEBAUTHN_ORIGINS`).'

/** Passkeys (beyond the contract, additive): adding, listing and removing one's own, and signing in with one. */
export function passkeysModule(passkeys: PasskeyService, config: AuthConfig) {
  return new Elysia({ name: 'auth.passkeys' })
    .use(authPlugin(config))
    .get('/api/auth/passkeys', ({ principal }) => passkeys.list(principal!), {
      auth: 'user',
      response: { 200: PasskeyList, 401: ErrorResponse },
      detail: { tags, summary: 'My passkeys', description: 'Oldest first: each with its name, when it was added and last used, and whether it syncs between its owner\'s devices.', security: BEARER },
    })
    .post('/api/auth/passkeys/options', ({ principal }) => passkeys.registrationOptions(principal!), {
      auth: 'user',
      response: { 200: PasskeyRegistrationOptions, 401: ErrorResponse, 409: ErrorResponse },
      detail: {
        tags,
        summary: 'Start adding a passkey',
        description:
          'The options for `navigator.credentials.create()` (`startRegistration` of `@simplewebauthn/browser`): a challenge that works once, for 5 minutes (asking again replaces it), a passkey kept on the device and unlocked by its owner (user verification required), and the account\'s passkeys, which the device will not make twice. ' +
          `409 for a guest (no password to confirm it with) and for an account with ${MAX_PASSKEYS_PER_ACCOUNT} passkeys.` +
          OFF,
        security: BEARER,
      },
    })
    .post('/api/auth/passkeys', async ({ body, principal, request, server }) => status(201, await passkeys.add(principal!, body, clientAddress(request, server))), {
      auth: 'user',
      ...strictBody(PasskeyAddBody),
      response: { 201: Passkey, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Add a passkey',
        description:
          'What the device made from the options (`credential`), with the password, and a `code` with two-step sign-in on: a stolen session alone cannot add a way in. 400 on `password` or `code` when wrong (counted like a sign-in; 429 beyond the limits: the same answer of the device can be sent again with the right one), on `credential` when it was not made for this site, for the last challenge, or without its owner unlocking the device. ' +
          '409 when no passkey is being added (no options asked for in the last 5 minutes, or used already), when it is added already, and for a guest (`details.reason`: `start-again`, `added-already`, `too-many`, `off`). From then on the passkey signs in without the password or a code, and the account\'s owner is emailed that it was added. It gives a role that takes two-step sign-in only when it was added with two steps: with a code of the app, or from a session that holds that role.' +
          OFF,
        security: BEARER,
      },
    })
    .delete(
      '/api/auth/passkeys/:id',
      async ({ params, principal }) => {
        await passkeys.remove(principal!, params.id)
        return status(204, undefined)
      },
      {
        auth: 'user',
        params: PasskeyIdParams,
        response: { 204: t.Void(), 401: ErrorResponse, 404: ErrorResponse },
        detail: {
          tags,
          summary: 'Remove a passkey',
          description: 'It no longer signs in, and every session it began ends (refresh tokens stop working; access tokens already issued live out their 15 minutes): a lost phone is locked out. 404 for one that is not the caller\'s.',
          security: BEARER,
        },
      },
    )
    .patch('/api/auth/passkeys/:id', ({ body, params, principal }) => passkeys.rename(principal!, params.id, body.name), {
      auth: 'user',
      params: PasskeyIdParams,
      ...strictBody(PasskeyRenameBody),
      response: { 200: Passkey, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      detail: { tags, summary: 'Rename a passkey', description: '1–60 characters with a visible one (surrounding spaces are trimmed). 404 for one that is not the caller\'s.', security: BEARER },
    })
    .delete('/api/users/:id/passkeys', ({ params, principal }) => passkeys.removeAllFor(params.id, principal!.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: PasskeysRemoved, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      detail: {
        tags: tagsOf('Users'),
        summary: "Remove an account's passkeys",
        description:
          "Admins only (the account's `passkeys` in the list says how many it has): every passkey of the account goes, and every session one of them began ends, as when its owner removes one. For a stolen phone, or a passkey its owner did not add, when you are sure it is them asking; they sign in with their password. 403 for one's own account (the account page); 404 for an unknown one.",
        security: BEARER,
      },
    })
    .post('/api/auth/passkeys/sign-in/options', () => passkeys.signInOptions(), {
      response: { 200: PasskeySignInOptions, 409: ErrorResponse, 429: ErrorResponse },
      detail: {
        tags,
        summary: 'Start signing in with a passkey',
        description: 'The options for `navigator.credentials.get()` (`startAuthentication`): a challenge for any passkey this site\'s accounts keep (no address typed), and its `challengeId`; it works once, for 5 minutes.' + OFF,
      },
    })
    .post('/api/auth/passkeys/sign-in', async ({ body, request, server, set }) => deliver(request, set.headers, await passkeys.signIn(body, clientAddress(request, server))), {
      ...strictBody(PasskeySignInBody),
      response: { 200: AuthResult, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      detail: {
        tags,
        summary: 'Sign in with a passkey',
        description:
          'The device\'s answer (`credential`) to the challenge of `challengeId`. No password and no authenticator code: the passkey is the device and the PIN or fingerprint that unlocked it. A role that takes two-step sign-in (`TWO_FACTOR_REQUIRED_ROLES`) is given by a passkey added with two steps (see POST /api/auth/passkeys); one added with the password alone signs in as the password alone would. ' +
          '400 on `challengeId` for a challenge unknown, over 5 minutes old or used already (each works once, also when sent twice at once); 401 with `details.reason` `unknown` for a passkey not (or no longer) known here, `refused` for one whose signature, site or user verification does not check out, or whose counter did not move (a copied key), counted like a failed sign-in (429 beyond the limits). ' +
          'The session says it began with this passkey: removing the passkey ends it.' +
          COOKIE_MODE +
          OFF,
      },
    })
}
