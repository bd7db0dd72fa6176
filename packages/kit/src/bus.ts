import mongoose from 'mongoose'
import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import { nanos } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy, StorageType, RetentionPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream'
import type { Fact, FactData, FactSubject } from '@easypass/contracts/facts'
import type { Logger } from './log'
import { writerOf } from './writer'

export type { Fact, FactSubject }

/**
 * A fact with a deterministic id when given one (`order-paid:<orderId>`): recording it twice, or
 * relaying it twice after a crash, still yields one message (outbox `_id` + JetStream Msg-Id).
 */
export function fact<S extends FactSubject>(subject: S, data: FactData[S], id?: string): Fact<S> {
  return { id: id ?? `${subject}:${crypto.randomUUID()}`, subject, occurredAt: new Date().toISOString(), data }
}

interface OutboxDoc {
  _id: string
  subject: string
  occurredAt: string
  data: unknown
  createdAt: Date
}

export interface BusOptions {
  nc: NatsConnection
  prefix: string
  log: Logger
}

/**
 * The facts bus over NATS JetStream: one file-backed stream `<PREFIX>_FACTS` holding `<prefix>.>`,
 * with a de-duplication window so a fact relayed twice is stored once.
 */
export class Bus {
  readonly stream: string
  private js: JetStreamClient
  private ready?: Promise<void>

  constructor(private opts: BusOptions) {
    this.stream = `${opts.prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_FACTS`
    this.js = jetstream(opts.nc)
  }

  subject(name: string) {
    return `${this.opts.prefix}.${name}`
  }

  /** Creates the stream when missing; idempotent, retried until NATS answers. */
  ensureStream(): Promise<void> {
    this.ready ??= (async () => {
      for (;;) {
        try {
          const jsm = await jetstreamManager(this.opts.nc)
          try {
            await jsm.streams.info(this.stream)
          } catch {
            await jsm.streams.add({
              name: this.stream,
              subjects: [`${this.opts.prefix}.>`],
              storage: StorageType.File,
              retention: RetentionPolicy.Limits,
              max_age: nanos(14 * 86_400_000),
              duplicate_window: nanos(30 * 60_000),
            })
          }
          return
        } catch (error) {
          this.opts.log.warn({ err: String(error) }, 'jetstream not ready, retrying')
          await Bun.sleep(1000)
        }
      }
    })()
    return this.ready
  }

  async publish(f: Fact) {
    await this.ensureStream()
    await this.js.publish(this.subject(f.subject), JSON.stringify(f), { msgID: f.id, timeout: 5000 })
  }

  /**
   * A durable consumer: each fact is handed to `handler` until it returns without throwing, then
   * acknowledged. Handlers must be idempotent (a fact may arrive again after a crash or redelivery).
   */
  async consume(durable: string, subjects: FactSubject[], handler: (f: Fact) => Promise<void>): Promise<() => Promise<void>> {
    await this.ensureStream()
    const jsm = await jetstreamManager(this.opts.nc)
    // Debian's nats-server (2.9) has no multi-subject filters: one subject is filtered by the
    // server, several by us (the others are acknowledged unread).
    const wanted = new Set(subjects.map((s) => this.subject(s)))
    const filter_subject = subjects.length === 1 ? this.subject(subjects[0]!) : `${this.opts.prefix}.>`
    const accept = (subject: string) => wanted.has(subject)
    try {
      await jsm.consumers.info(this.stream, durable)
      await jsm.consumers.update(this.stream, durable, { filter_subject })
    } catch {
      await jsm.consumers.add(this.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject,
        ack_wait: nanos(30_000),
        max_deliver: -1,
      })
    }
    const consumer = await this.js.consumers.get(this.stream, durable)
    let stopped = false
    const messages = await consumer.consume({ max_messages: 100 })
    const loop = (async () => {
      for await (const m of messages) {
        if (!accept(m.subject)) m.ack()
        else await this.handle(m, handler)
        if (stopped) break
      }
    })()
    return async () => {
      stopped = true
      await messages.close()
      await loop.catch(() => {})
    }
  }

  private async handle(m: JsMsg, handler: (f: Fact) => Promise<void>) {
    let parsed: Fact
    try {
      parsed = JSON.parse(m.string()) as Fact
    } catch {
      this.opts.log.error({ subject: m.subject }, 'unreadable fact dropped')
      m.term()
      return
    }
    try {
      await handler(parsed)
      m.ack()
    } catch (error) {
      this.opts.log.warn({ err: String(error), fact: parsed.id }, 'fact handler failed; will be redelivered')
      m.nak(Math.min(30_000, 1000 * 2 ** Math.min(m.info.deliveryCount, 5)))
    }
  }

  /** Core NATS, not stored: live screen updates that may be missed without harm. */
  publishLive(subject: string, data: unknown) {
    try {
      this.opts.nc.publish(this.subject(subject), JSON.stringify(data))
    } catch (error) {
      this.opts.log.debug({ err: String(error) }, 'live publish skipped')
    }
  }

  subscribeLive(subject: string, onMessage: (data: unknown, subject: string) => void): Subscription {
    const sub = this.opts.nc.subscribe(this.subject(subject))
    ;(async () => {
      for await (const m of sub) {
        try {
          onMessage(JSON.parse(m.string()), m.subject)
        } catch {}
      }
    })().catch(() => {})
    return sub
  }
}

/**
 * The transactional outbox of one service, in its own database. A service puts the facts into the
 * same document as the state they describe when it can (one write), or records them with a
 * deterministic id right after (then the relay's idempotency makes a repeat harmless). The relay
 * publishes oldest first with the fact id as Msg-Id and deletes what NATS acknowledged; while NATS is
 * down facts wait here, so they are delayed, never lost.
 */
export class Outbox {
  private model: mongoose.Model<OutboxDoc>
  private timer?: Timer
  private running = false
  private wake?: () => void
  private stopped = false

  constructor(
    conn: mongoose.Connection,
    private bus: Bus,
    private log: Logger,
  ) {
    this.model =
      (conn.models.Outbox as mongoose.Model<OutboxDoc>) ??
      conn.model<OutboxDoc>(
        'Outbox',
        new mongoose.Schema<OutboxDoc>({ _id: String, subject: String, occurredAt: String, data: mongoose.Schema.Types.Mixed, createdAt: Date }, { versionKey: false, collection: 'outbox' }),
      )
  }

  /** Stores facts (duplicates by id are ignored) and nudges the relay. */
  async record(facts: Fact[]) {
    if (!facts.length) return
    const docs = facts.map((f) => ({ _id: f.id, subject: f.subject, occurredAt: f.occurredAt, data: f.data, createdAt: new Date() }))
    await writerOf(this.model).insertMany(this.model, docs)
    this.wake?.()
  }

  /** Number of facts waiting: exposed in health details and tests. */
  pending() {
    return this.model.countDocuments()
  }

  start(intervalMs = 250) {
    const loop = async () => {
      while (!this.stopped) {
        try {
          const relayed = await this.relayOnce()
          if (relayed > 0) continue
        } catch (error) {
          this.log.warn({ err: String(error) }, 'outbox relay paused: NATS unavailable?')
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve
          this.timer = setTimeout(resolve, intervalMs)
        })
      }
    }
    void loop()
  }

  async relayOnce(batch = 200): Promise<number> {
    if (this.running) return 0
    this.running = true
    try {
      const docs = await this.model.find().sort({ createdAt: 1 }).limit(batch).lean()
      const sent: string[] = []
      try {
        for (const doc of docs) {
          await this.bus.publish({ id: doc._id, subject: doc.subject as FactSubject, occurredAt: doc.occurredAt, data: doc.data } as Fact)
          sent.push(doc._id)
        }
      } finally {
        // One delete for the whole batch (every database write counts on FerretDB); what NATS has
        // acknowledged is removed even when a later publish failed.
        if (sent.length) await this.model.deleteMany({ _id: { $in: sent } })
      }
      return sent.length
    } finally {
      this.running = false
    }
  }

  stop() {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.wake?.()
  }
}

