// Where a webhook delivery connects: the name is resolved once, checked, and the request goes to the
// address that was checked (a name that answers differently the next time, DNS rebinding, gains
// nothing), under the webhook's own name for the Host header and for TLS.
import { afterAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pinnedTarget, type Resolver } from '../src/modules/webhooks/address'

/** A name server that answers from a list, one answer per lookup, counting them. */
function answers(...replies: string[][]): Resolver & { calls: number } {
  const resolver = Object.assign(
    async () => (replies[Math.min(resolver.calls++, replies.length - 1)] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    { calls: 0 },
  )
  return resolver
}

describe('the address a webhook delivery connects to', () => {
  test('one lookup, checked and then used: the request goes to that address under the webhook name', async () => {
    const dns = answers(['93.184.215.14'], ['127.0.0.1'])
    const target = await pinnedTarget(new URL('https://hooks.example.com:8443/easypass?x=1'), false, dns)
    expect(dns.calls).toBe(1)
    expect(target!.url.href).toBe('https://93.184.215.14:8443/easypass?x=1')
    expect(target!.headers).toEqual({ host: 'hooks.example.com:8443' })
    expect(target!.tls).toEqual({ serverName: 'hooks.example.com' })
    // The name now answers a loopback address: the next delivery is refused, not sent there.
    expect(await pinnedTarget(new URL('https://hooks.example.com/easypass'), false, dns)).toBeNull()
  })

  test('refused when any address is not public; in development (private allowed) pinned all the same', async () => {
    for (const reply of [['93.184.215.14', '10.0.0.7'], ['169.254.169.254'], ['::1'], ['::ffff:192.168.1.1']])
      expect(await pinnedTarget(new URL('https://hooks.example.com/x'), false, answers(reply))).toBeNull()
    const local = await pinnedTarget(new URL('http://receiver.internal:9000/x'), true, answers(['::1', '127.0.0.1']))
    // IPv4 first; plain HTTP needs no TLS name.
    expect(local).toEqual({ url: new URL('http://127.0.0.1:9000/x'), headers: { host: 'receiver.internal:9000' } })
    const v6 = await pinnedTarget(new URL('https://hooks.example.com/x'), false, answers(['2606:2800:21f:cb07:6820:80da:af6b:8b2c']))
    expect(v6!.url.host).toBe('[2606:2800:21f:cb07:6820:80da:af6b:8b2c]')
    // An address in the URL is checked as it is, no lookup.
    const none = answers()
    expect((await pinnedTarget(new URL('https://93.184.215.14/x'), false, none))!.url.href).toBe('https://93.184.215.14/x')
    expect(await pinnedTarget(new URL('https://10.1.2.3/x'), false, none)).toBeNull()
    expect(none.calls).toBe(0)
    await expect(pinnedTarget(new URL('https://nowhere.example.com/x'), false, answers([]))).rejects.toThrow('resolves to no address')
    // An address a URL cannot hold (a zone id) is never left for fetch to look the name up again.
    await expect(pinnedTarget(new URL('http://receiver.internal/x'), true, answers(['fe80::1%eth0']))).rejects.toThrow('cannot be connected to as it is')
  })

  describe('over HTTPS (a real TLS server on this machine)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-tls-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    /** A self-signed certificate for `name`, as a receiver's would be signed for its host name. */
    function certificate(name: string) {
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)])
      if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`)
      return { cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') }
    }

    test('the connection to the pinned address still sends the name (SNI, Host) and checks the certificate against it', async () => {
      const hooks = certificate('hooks.example.test')
      const seen: string[] = []
      const server = Bun.serve({ hostname: '127.0.0.1', port: 0, tls: hooks, fetch: (r) => (seen.push(r.headers.get('host')!), new Response('ok')) })
      try {
        const target = (await pinnedTarget(new URL(`https://hooks.example.test:${server.port}/in`), true, answers(['127.0.0.1'])))!
        expect(target.url.hostname).toBe('127.0.0.1')
        const sent = await fetch(target.url, { method: 'POST', body: '{}', headers: target.headers, tls: { ...target.tls, ca: hooks.cert } })
        expect(sent.status).toBe(200)
        expect(seen).toEqual([`hooks.example.test:${server.port}`])
        // A receiver whose certificate is for another name is refused, pinned or not.
        const other = (await pinnedTarget(new URL(`https://other.example.test:${server.port}/in`), true, answers(['127.0.0.1'])))!
        await expect(fetch(other.url, { method: 'POST', body: '{}', headers: other.headers, tls: { ...other.tls, ca: hooks.cert } })).rejects.toThrow(/ALTNAME|certificate/i)
        expect(seen.length).toBe(1)
      } finally {
        server.stop(true)
      }
    })
  })
})
