// The session store against a real database: expiry and the sweep that keeps the collections small.
import { afterAll, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { AppError, connectMongo, createLogger, ensureIndexes } from '@easypass/kit'
import { system } from '../../../tests/support/system'
import { sessionModels } from '../src/db/sessions'
import { sessionStore } from '../src/modules/auth/sessions'

const log = createLogger('auth-test', 'silent')
const conn = await connectMongo(system().infra.mongoUrl, `${system().namespace}_auth_sessions_test`, log)
const models = sessionModels(conn)
await ensureIndexes(conn)
const store = sessionStore(models, log)
afterAll(() => conn.close())

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex')
const past = () => new Date(Date.now() - 60_000)

async function expectUnauthenticated(promise: Promise<unknown>) {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).code).toBe('UNAUTHENTICATED')
}

test('tokens are stored only as their hash, and an expired one is refused', async () => {
  const token = await store.start('u-expiry', false)
  const stored = await models.RefreshToken.findById(hashOf(token)).lean()
  expect(stored).toMatchObject({ userId: 'u-expiry' })
  expect(JSON.stringify(await models.RefreshToken.find().lean())).not.toContain(token)
  await models.RefreshToken.updateOne({ _id: hashOf(token) }, { $set: { expiresAt: past() } })
  await expectUnauthenticated(store.rotate(token))
})

test('the sweep deletes expired tokens, spent markers and revocations, and keeps live ones', async () => {
  const live = await store.start('u-live', false)
  const spent = await store.start('u-spent', false)
  const { refreshToken: successor, familyId } = await store.rotate(spent)
  const revoked = await store.start('u-revoked', false)
  await store.endSession(revoked, 'u-revoked')

  await models.RefreshToken.updateOne({ _id: hashOf(spent) }, { $set: { expiresAt: past() } })
  await models.Rotation.updateOne({ _id: hashOf(spent) }, { $set: { expiresAt: past() } })
  await models.RevokedFamily.updateMany({ userId: 'u-revoked' }, { $set: { expiresAt: past() } })
  await store.sweepExpired()

  expect(await models.RefreshToken.exists({ _id: hashOf(spent) })).toBeNull()
  expect(await models.Rotation.exists({ _id: hashOf(spent) })).toBeNull()
  expect(await models.RevokedFamily.exists({ userId: 'u-revoked' })).toBeNull()
  expect(await models.RefreshToken.exists({ _id: hashOf(live) })).not.toBeNull()
  expect(await models.RefreshToken.exists({ _id: hashOf(successor), familyId })).not.toBeNull()
  expect((await store.rotate(live)).userId).toBe('u-live')
})
