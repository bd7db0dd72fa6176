import { Elysia } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { AccountClosed, UpdateUserBody, User, UserList, UsersQuery } from '@easypass/contracts/auth'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { UsersService } from './service'
import type { AccountClosing } from '../auth/closing'

const tags = tagsOf('Users')
const adminErrors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse }

export function usersModule(users: UsersService, closing: AccountClosing, config: AuthConfig) {
  return new Elysia({ name: 'auth.users' })
    .use(authPlugin(config))
    .get('/api/users', ({ query }) => users.list(query), {
      auth: 'admin',
      query: UsersQuery,
      response: { 200: UserList, ...adminErrors },
      detail: { tags, summary: 'List accounts', description: 'Admins only. Newest first; `q` matches part of the email, `role` filters, `ids` names up to 100 accounts.', security: BEARER },
    })
    .patch('/api/users/:id', ({ params, body, principal }) => users.setRole(params.id, body.role, principal!.id, body.events), {
      auth: 'admin',
      params: IdParams,
      ...strictBody(UpdateUserBody),
      response: { 200: User, ...adminErrors, 404: ErrorResponse, 409: ErrorResponse },
      detail: {
        tags,
        summary: "Change an account's role",
        description:
          'Admins only. A promotion takes effect in the access tokens the account gets from its next refresh or sign-in; a demotion at once (its admin tokens signed before are refused with 401, and the client refreshes). Demoting the last admin → 409. ' +
          'With `role: staff`, `events` (beyond the contract, additive) names the events whose door they work: check-in, attendee and door lists and sales at the door of any other event are 403 for them. Without it they work every door. A change of their events takes effect at once too (their staff tokens of earlier seconds are refused, and the client refreshes).',
        security: BEARER,
      },
    })
    .delete('/api/users/:id', ({ params, principal }) => closing.closeFor(params.id, principal!.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: AccountClosed, ...adminErrors, 404: ErrorResponse, 409: ErrorResponse },
      detail: {
        tags,
        summary: "Close a customer's account",
        description:
          'Admins only, on the account holder\'s request (they lost access, or bought as a guest): the same closing as POST /api/auth/me/close (the account, its sessions and links deleted; orders and notifications forget the person; orders, tickets and invoices stay). 403 for one\'s own account; 409 for an admin or door staff (make it a customer first); 404 for an account that does not exist (or is closed already).',
        security: BEARER,
      },
    })
    .delete('/api/users/:id/two-factor', ({ params, principal }) => users.resetTwoFactor(params.id, principal!.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: User, ...adminErrors, 404: ErrorResponse },
      detail: {
        tags,
        summary: "Turn off an account's two-step sign-in",
        description:
          'Admins only, for someone who lost both their phone and their recovery codes: the account then signs in with its password alone until it sets up an app again. Answers the account (`twoFactor: false`), also when it was off. 403 for one\'s own account (that takes a code, on the account page).',
        security: BEARER,
      },
    })
}
