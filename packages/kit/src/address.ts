import { isIP } from 'node:net'

/**
 * The client's address, for per-address limits: the gateway puts the address it saw (after its
 * trusted-proxy check) in `x-real-ip`; a direct call falls back to the socket's peer. Services are not
 * reachable from outside, so the header cannot be forged by the public.
 */
export function clientAddress(request: Request, server: { requestIP(r: Request): { address: string } | null } | null): string {
  const forwarded = request.headers.get('x-real-ip')?.trim()
  return (forwarded || server?.requestIP(request)?.address || 'unknown').slice(0, 64)
}

/**
 * What a per-address limit counts: an IPv4 address itself, an IPv6 address by its /64 network. One
 * subscriber usually holds a whole /64 (2^64 addresses), so counting each would let one client be
 * anyone. `::ffff:a.b.c.d` is the IPv4 address it carries. Anything else is counted as written.
 */
export function addressKey(ip: string): string {
  const trimmed = ip.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)
  if (mapped) return mapped[1]!
  if (isIP(trimmed) !== 6) return trimmed
  const [head = '', tail = ''] = trimmed.toLowerCase().split('::') as [string, string?]
  const left = head ? head.split(':') : []
  const right = trimmed.includes('::') && tail ? tail.split(':') : []
  // An embedded IPv4 tail (`…:1.2.3.4`) takes two groups; it only ever sits in the low 64 bits.
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length - (right.at(-1)?.includes('.') ? 1 : 0))).fill('0'), ...right]
  return `${groups.slice(0, 4).map((g) => (g || '0').replace(/^0+(?=.)/, '')).join(':')}::/64`
}
