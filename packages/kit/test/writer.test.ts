import { afterAll, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { connectMongo, createLogger, InsertWriter, writerOf } from '../src'
import { system } from '../../../tests/support/system'

const log = createLogger('writer-test', 'silent')
const s = system()
const conn = await connectMongo(s.infra.mongoUrl, `${s.namespace}_writertest`, log)
const Thing = conn.model<{ _id: string; n: number; note?: string }>('Thing', new mongoose.Schema({ _id: String, n: Number, note: String }, { versionKey: false, collection: 'things' }))
const raw = Thing.collection as unknown as mongoose.mongo.Collection<{ _id: string; n: number; note?: string }>
afterAll(() => conn.close())

/** Insert commands the driver sends for `things` while `work` runs. */
async function insertCommands(work: () => Promise<unknown>): Promise<number> {
  let count = 0
  const onStart = (e: { commandName: string; command: Record<string, unknown> }) => {
    if (e.commandName === 'insert' && e.command.insert === 'things') count++
  }
  const client = conn.getClient()
  client.on('commandStarted', onStart)
  try {
    await work()
  } finally {
    client.off('commandStarted', onStart)
  }
  return count
}

test('inserts that arrive together are written in a few batches; a duplicate is false and changes nothing', async () => {
  await raw.insertOne({ _id: 'dup', n: 0 })
  const writer = new InsertWriter()
  let results: boolean[] = []
  const commands = await insertCommands(async () => {
    results = await Promise.all([...Array.from({ length: 200 }, (_, i) => writer.insert(Thing, { _id: `t${i}`, n: i })), writer.insert(Thing, { _id: 'dup', n: 99 })])
  })
  // The first is written at once; the other 200 arrive meanwhile and go together.
  expect(commands).toBeLessThanOrEqual(2)
  expect(results.slice(0, 200).every((r) => r === true)).toBe(true)
  expect(results[200]).toBe(false)
  expect(await Thing.countDocuments({ _id: { $regex: '^t' } })).toBe(200)
  expect((await Thing.findById('dup').lean())?.n).toBe(0)
})

test('two documents with one id in one batch: the first is inserted, the second is a duplicate', async () => {
  const writer = new InsertWriter()
  const [a, b] = await Promise.all([writer.insert(Thing, { _id: 'twice', n: 1 }), writer.insert(Thing, { _id: 'twice', n: 2 })])
  expect([a, b].filter(Boolean)).toHaveLength(1)
  expect(await Thing.countDocuments({ _id: 'twice' })).toBe(1)
})

test('an undefined field is left out, as mongoose leaves it out; run() writes in turn with the batches', async () => {
  const writer = writerOf(Thing)
  expect(writerOf(Thing)).toBe(writer)
  const order: string[] = []
  await Promise.all([
    writer.insert(Thing, { _id: 'u1', n: 1, note: undefined }).then(() => order.push('insert')),
    writer.run(async () => {
      await Thing.deleteMany({ _id: 'nothing-here' })
      order.push('run')
    }),
  ])
  expect(order).toEqual(['insert', 'run'])
  expect(await raw.findOne({ _id: 'u1' })).toEqual({ _id: 'u1', n: 1 })
})
