import { describe, expect, test } from 'bun:test'
import { addressKey } from '../src/address'

describe('addressKey', () => {
  test('IPv4 is counted by address, also when seen through an IPv6 socket', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
  })

  test('IPv6 is counted by its /64, however it is written', () => {
    const key = '2001:db8:85a3:12::/64'
    for (const ip of ['2001:db8:85a3:12::1', '2001:0db8:85a3:0012:ffff:ffff:ffff:ffff', '[2001:db8:85a3:12:aa::9]', '2001:DB8:85A3:12:0:0:0:0', '2001:db8:85a3:12::1.2.3.4', '2001:db8:85a3:12::1%eth0'])
      expect({ ip, key: addressKey(ip) }).toEqual({ ip, key })
    expect(addressKey('2001:db8:85a3:13::1')).not.toBe(key)
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
  })

  test('what is not an address is counted as written', () => {
    expect(addressKey('unknown')).toBe('unknown')
  })
})
