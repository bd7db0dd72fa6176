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

/** Before a delivery: every address the host resolves to now is public (a name can be pointed anywhere after it was saved). */
export async function resolvesToPublic(url: URL): Promise<boolean> {
  const host = bare(url.hostname)
  if (ipaddr.isValid(host)) return isPublicAddress(host)
  const addresses = await lookup(host, { all: true, verbatim: true })
  return addresses.length > 0 && addresses.every((a) => isPublicAddress(a.address))
}
