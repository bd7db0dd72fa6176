// The Google Wallet settings as orders reads them at its start: none means no links; some without the
// others, a key that is not an RSA private key, or no PUBLIC_URL stop the start instead of failing later.
import { expect, test } from 'bun:test'
import { generateKeyPairSync } from 'node:crypto'
import { googleWalletSettings } from '../src/modules/tickets/google-wallet'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const complete = { GOOGLE_WALLET_ISSUER_ID: '3388000000012345678', GOOGLE_WALLET_SERVICE_ACCOUNT: 'tickets@example.iam.gserviceaccount.com', GOOGLE_WALLET_KEY: rsa, PUBLIC_URL: 'https://tickets.example.com/app' }
const none = { GOOGLE_WALLET_ISSUER_ID: undefined, GOOGLE_WALLET_SERVICE_ACCOUNT: undefined, GOOGLE_WALLET_KEY: undefined, PUBLIC_URL: undefined }

test('all settings: links are made for the site’s origin; none: no links', () => {
  expect(googleWalletSettings(complete)).toMatchObject({ issuerId: '3388000000012345678', origins: ['https://tickets.example.com'] })
  expect(googleWalletSettings(none)).toBeUndefined()
})

test('a key in the older RSA PEM (PKCS #1) is taken and kept as PKCS #8, which the signer reads', () => {
  const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY')
  expect(googleWalletSettings({ ...complete, GOOGLE_WALLET_KEY: pkcs1 })!.key).toContain('BEGIN PRIVATE KEY')
})

test('some without the others, a key that is not RSA, or no PUBLIC_URL stop the start', () => {
  expect(() => googleWalletSettings({ ...complete, GOOGLE_WALLET_KEY: undefined })).toThrow('GOOGLE_WALLET_KEY missing')
  expect(() => googleWalletSettings({ ...none, GOOGLE_WALLET_ISSUER_ID: '3388000000012345678' })).toThrow('GOOGLE_WALLET_SERVICE_ACCOUNT, GOOGLE_WALLET_KEY missing')
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  expect(() => googleWalletSettings({ ...complete, GOOGLE_WALLET_KEY: ec })).toThrow('RSA key, not ec')
  expect(() => googleWalletSettings({ ...complete, GOOGLE_WALLET_KEY: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' })).toThrow('not a private key')
  expect(() => googleWalletSettings({ ...complete, PUBLIC_URL: undefined })).toThrow('PUBLIC_URL')
})
