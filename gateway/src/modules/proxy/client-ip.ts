import { BlockList, isIP } from 'node:net'

/** `::ffff:10.0.0.1` is the IPv4 address 10.0.0.1 seen through an IPv6 socket. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim().replace(/^\[(.*)\]$/, '$1')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)
  return mapped ? mapped[1]! : trimmed
}

/** Parses `TRUSTED_PROXIES` (comma-separated IPs and CIDRs, v4 or v6); throws on an entry it cannot read. */
export function trustedProxies(spec: string): (ip: string) => boolean {
  const list = new BlockList()
  let any = false
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [address = '', prefix] = raw.split('/')
    const ip = normalizeIp(address)
    const family = isIP(ip)
    const bits = prefix === undefined ? undefined : Number(prefix)
    if (!family || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128))))
      throw new Error(`TRUSTED_PROXIES: cannot read "${raw}"`)
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(ip, type)
    else list.addSubnet(ip, bits, type)
    any = true
  }
  if (!any) return () => false
  return (ip) => {
    const normalized = normalizeIp(ip)
    const family = isIP(normalized)
    return family !== 0 && list.check(normalized, family === 4 ? 'ipv4' : 'ipv6')
  }
}

/**
 * The address a request comes from: the socket's, unless the socket is a trusted proxy; then the
 * `X-Forwarded-For` chain is walked from the right (the entries proxies we trust appended) to the first
 * address that is not a trusted proxy. Anything a client wrote further left is never believed.
 */
export function resolveClientIp(socketIp: string, forwardedFor: string | null, isTrusted: (ip: string) => boolean): string {
  let client = normalizeIp(socketIp)
  if (!forwardedFor || !isTrusted(client)) return client
  const hops = forwardedFor.split(',').map(normalizeIp).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!
    if (!isIP(hop)) break
    client = hop
    if (!isTrusted(hop)) break
  }
  return client
}
