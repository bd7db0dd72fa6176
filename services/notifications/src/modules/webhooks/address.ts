// Where a webhook may point. Only admins add them, but a webhook is still a way to make this service
// send requests: outside local development it may only reach public addresses over HTTPS, checked
// when it is saved and again, by the addresses its name resolves to, before every delivery.
import { lookup } from 'node:dns/promises'
import ipaddr from 'ipaddr.js'

/** The host as compared: without IPv6 brackets or the root's trailing dot (`localhost.` is `localhost`). */
const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()

// IPv4-compatible IPv6 (`::127.0.0.1`, deprecated): ipaddr.js calls it unicast, but it names an IPv4 address.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96')

/** A globally routable unicast address (not loopback, private, link-local, carrier NAT, reserved…). */
function isPublicAddress(address: string): boolean {
  try {
    const parsed = ipaddr.process(address)
    if (parsed.kind() === 'ipv6' && parsed.match(IPV4_COMPATIBLE)) return false
    return parsed.range() === 'unicast'
  } catch {
    return false
  }
}

/** Why `raw` cannot be a webhook's URL, or null. `allowPrivate`: local development and tests (plain HTTP to this machine). */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'not a URL'
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return allowPrivate ? 'must start with http:// or https://' : 'must start with https://'
  if (url.username || url.password) return 'must not carry a user name or password (put a token in the path instead)'
  if (allowPrivate) return null
  const host = bare(url.hostname)
  if (ipaddr.isValid(host)) return isPublicAddress(host) ? null : 'must be a public address'
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return 'must be a public host name'
  return null
}

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>
const resolveAll: Resolver = (host) => lookup(host, { all: true, verbatim: true })

/** Where one delivery goes: the address checked, with the name kept for the Host header and TLS. */
export interface PinnedTarget {
  /** The webhook's URL with its host replaced by the address that was checked. */
  url: URL
  headers: { host: string }
  /** HTTPS: the name sent in SNI and that the certificate must carry (the address's own would not match). */
  tls?: { serverName: string }
}

/**
 * Before a delivery: resolves the name once and, outside development, refuses it unless every address
 * it resolves to now is public (a name can be pointed anywhere after it was saved). The request then
 * connects to the address that was checked, not to whatever a second lookup would say: a name that
 * answers a public address to the check and a private one to the connection (DNS rebinding) reaches
 * only the public one. `null`: refused.
 */
export async function pinnedTarget(url: URL, allowPrivate: boolean, resolve: Resolver = resolveAll): Promise<PinnedTarget | null> {
  const host = bare(url.hostname)
  const headers = { host: url.host }
  if (ipaddr.isValid(host)) return allowPrivate || isPublicAddress(host) ? { url, headers } : null
  const addresses = await resolve(host)
  if (!addresses.length) throw new Error(`${host} resolves to no address`)
  if (!allowPrivate && !addresses.every((a) => isPublicAddress(a.address))) return null
  // IPv4 first, as most clients do: a receiver on one stack only is more often IPv4-only.
  const chosen = addresses.find((a) => a.family === 4) ?? addresses[0]!
  const target = new URL(url)
  target.hostname = chosen.family === 6 ? `[${chosen.address}]` : chosen.address
  // A URL ignores a host it cannot take (an IPv6 zone id): never fall back to the name unpinned.
  if (target.hostname === url.hostname || chosen.address.includes('%')) throw new Error(`${host} resolves to ${chosen.address}, which cannot be connected to as it is`)
  return { url: target, headers, ...(url.protocol === 'https:' ? { tls: { serverName: host } } : {}) }
}
