import { Elysia } from 'elysia'
import { BEARER, ErrorResponse, tagsOf } from '@easypass/contracts'
import { AuditList, AuditQuery } from '@easypass/contracts/audit'
import { fail } from '@easypass/kit'
import type { GatewayConfig } from '../../config'
import { identifiedAndCounted, type Identify } from '../identity'
import { resolveClientIp, trustedProxies } from '../proxy/client-ip'
import type { RateLimits } from '../ratelimit'
import type { AuditLog } from './service'

const E = ErrorResponse

/** GET /api/audit: the gateway's own route (what it records is its own), admins only. */
export function auditModule({ config, audit, identify, rateLimits }: { config: GatewayConfig; audit: AuditLog; identify: Identify; rateLimits: RateLimits }) {
  const isTrusted = trustedProxies(config.TRUSTED_PROXIES)
  return new Elysia({ name: 'gateway.audit' }).get(
    '/api/audit',
    async ({ request, query, set, server }) => {
      const ip = resolveClientIp(server?.requestIP(request)?.address ?? '0.0.0.0', request.headers.get('x-forwarded-for'), isTrusted)
      const principal = await identifiedAndCounted(identify, rateLimits, request.headers.get('authorization'), ip)
      if (!principal) throw fail('UNAUTHENTICATED', 'a valid access token is required')
      if (principal.role !== 'admin') throw fail('FORBIDDEN', 'admins only')
      set.headers['cache-control'] = 'private, no-store'
      return audit.list(query)
    },
    {
      query: AuditQuery,
      response: { 200: AuditList, 400: E, 401: E, 403: E, 429: E, 503: E },
      detail: {
        tags: tagsOf('Audit'),
        summary: 'The audit log',
        description:
          'Every change (POST, PUT, PATCH, DELETE through the gateway) asked for by an admin or door staff, and every attendee list downloaded as a CSV file, newest first: who (id, email, role), what (method and path, without the query), how it ended (status), when, from where and its request id. ' +
          'Refused attempts are there too (a door worker trying an admin route: 403). Check-ins are not (orders keeps each with who admitted it). ' +
          'Filter by `actor` (an id or part of an email), `path` (a prefix) and `failed`; `next` is the cursor for older entries. The newest AUDIT_MAX_ENTRIES are kept (and every entry is in the gateway log). Admins only.',
        security: BEARER,
      },
    },
  )
}
