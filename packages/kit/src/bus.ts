import mongoose from 'mongoose'
import { createHmac } from 'node:crypto'
import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import { nanos } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy, StorageType, RetentionPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream'
import type { Fact, FactData, FactSubject } from '@easypass/contracts/facts'
import type { Logger } from './log'
import { writerOf } from './writer'
import { counter } from './metrics'
import { natsUserSecret } from './connections'

const factFailures = counter('bus_fact_failures_total', 'Facts whose handler failed (redelivered); stuck="yes" from the 10th delivery of one fact', ['stuck'])
/** From this delivery of one fact on, its failures are errors: something needs a look (the stream keeps facts 14 days). */
const STUCK_AFTER_DELIVERIES = 10
/** Facts are kept this long whether acknowledged or not (a consumer away longer than this misses them). */
const STREAM_MAX_AGE_MS = 14 * 86_400_000
/** A fact published again within this long (same id) is dropped by JetStream. */
const DUPLICATE_WINDOW_MS = 30 * 60_000
/** NATS refused the subject to this connection's user (its permissions): asking again never helps. */
export const isPermissionViolation = (error: unknown) => /permissions violation/i.test(String(error))
/** The pause before setting consumers up again (growing to 10 s); `onWake` gets the function that ends it early (a stop). */
const retryPause = (attempt: number, onWake: (wake: () => void) => void) =>
  new Promise<void>((resolve) => {
    onWake(resolve)
    setTimeout(resolve, Math.min(10_000, 500 * attempt))
  })
const consumerRestarts = counter('bus_consumer_restarts_total', 'Durable fact consumers set up again after they ended unexpectedly (consumer or connection gone)')

const relayedTotal = counter('outbox_relayed_total', 'Facts published by the outbox relay, by where they were taken from', ['from'])

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
  /** The connection, or one still being made: a service starts and serves without NATS (facts wait in its outbox). */
  nc: NatsConnection | Promise<NatsConnection>
  prefix: string
  log: Logger
  /** The operator's user (`stack/nats/facts-stream.ts`): a stream it may not create or change is an error to stop on, not one to wait for. */
  operator?: boolean
}

/** NATS refused the operator's user what only it should be allowed (its URL names another user). */
class OperatorRefused extends Error {}

/**
 * The facts bus over NATS JetStream: one file-backed stream `<PREFIX>_FACTS` holding `<prefix>.>`,
 * with a de-duplication window so a fact relayed twice is stored once.
 * Until NATS is first reached, publishing fails at once (the outbox keeps the facts), live signals are
 * skipped, and consumers and live subscriptions start when it is.
 */
export class Bus {
  readonly stream: string
  private nc?: NatsConnection
  private js?: JetStreamClient
  private ready?: Promise<void>
  /** Keys the message ids this user publishes with (`msgId`); none on a server without users. */
  private msgIdKey?: string
  /** Resolves once NATS has been reached. */
  readonly connected: Promise<NatsConnection>

  constructor(private opts: BusOptions) {
    this.stream = `${opts.prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_FACTS`
    const attach = (nc: NatsConnection) => {
      this.nc = nc
      this.js = jetstream(nc)
      this.msgIdKey = natsUserSecret(nc)
      return nc
    }
    if (opts.nc instanceof Promise) {
      this.connected = opts.nc.then(attach)
      this.connected.catch((error) => opts.log.error({ err: String(error) }, 'could not connect to NATS'))
    } else this.connected = Promise.resolve(attach(opts.nc))
  }

  private connection(): NatsConnection {
    if (!this.nc) throw new Error('NATS has not been reached yet')
    return this.nc
  }

  /** For health checks: fails while NATS is not reached or does not answer. */
  async ping() {
    const nc = this.connection()
    if (nc.isClosed()) throw new Error('closed')
    await nc.rtt()
  }

  /** Drains the connection, if there is one. */
  async close() {
    if (this.nc && !this.nc.isClosed()) await this.nc.drain()
  }

  subject(name: string) {
    return `${this.opts.prefix}.${name}`
  }

  /** Live signals live beside the facts, never under the stream's `<prefix>.>`: JetStream would keep each for 14 days. */
  liveSubject(name: string) {
    return `${this.opts.prefix}-live.${name}`
  }

  /**
   * Creates the stream when missing, or waits for it: a service's NATS user may not create streams
   * (stack/nats/users.conf), the operator's does (`bun stack/nats/facts-stream.ts`: the stack's nats-init,
   * the local launcher before the services). Idempotent, retried every second until it is there.
   */
  ensureStream(): Promise<void> {
    this.ready ??= (async () => {
      let waiting = false
      for (;;) {
        try {
          const jsm = await jetstreamManager(await this.connected)
          const limits = { max_age: nanos(STREAM_MAX_AGE_MS), duplicate_window: nanos(DUPLICATE_WINDOW_MS) }
          let info
          try {
            info = await jsm.streams.info(this.stream)
          } catch {
            // Refused once: looked up every second until the operator's nats-init has made it, not asked
            // again (NATS would refuse, and the connection log each refusal).
            if (waiting) {
              await Bun.sleep(1000)
              continue
            }
            try {
              await jsm.streams.add({ name: this.stream, subjects: [`${this.opts.prefix}.>`], storage: StorageType.File, retention: RetentionPolicy.Limits, ...limits })
            } catch (error) {
              if (!isPermissionViolation(error)) throw error
              if (this.opts.operator) throw new OperatorRefused(`NATS refused to create the stream ${this.stream}: this is not the operator's user (${error})`)
              this.opts.log.warn({ stream: this.stream }, 'the facts stream is not there yet and this NATS user may not create it: waiting for the operator (nats-init) to create it')
              waiting = true
              await Bun.sleep(1000)
              continue
            }
            return
          }
          // A stream made by an older version, or changed by hand, gets the limits the code relies on
          // (the repairs that publish a fact again count on its 30-minute duplicate window).
          if (info.config.max_age !== limits.max_age || info.config.duplicate_window !== limits.duplicate_window) {
            try {
              await jsm.streams.update(this.stream, limits)
              this.opts.log.info({ stream: this.stream }, 'stream limits brought in line')
            } catch (error) {
              // A service's NATS user may not change a stream (stack/nats/users.conf): facts still flow
              // with the limits the stream has, and the operator's user must set these.
              if (!isPermissionViolation(error)) throw error
              if (this.opts.operator) throw new OperatorRefused(`NATS refused to update the stream ${this.stream}: this is not the operator's user (${error})`)
              this.opts.log.error(
                { stream: this.stream, maxAgeSeconds: STREAM_MAX_AGE_MS / 1000, duplicateWindowSeconds: DUPLICATE_WINDOW_MS / 1000, has: { maxAgeSeconds: info.config.max_age / 1e9, duplicateWindowSeconds: info.config.duplicate_window / 1e9 } },
                'the facts stream has other limits than EasyPass needs and this NATS user may not change them: update the stream as the operator',
              )
            }
          }
          return
        } catch (error) {
          if (error instanceof OperatorRefused) throw error
          this.opts.log.warn({ err: String(error) }, 'jetstream not ready, retrying')
          await Bun.sleep(1000)
        }
      }
    })()
    return this.ready
  }

  async publish(f: Fact) {
    this.connection()
    await this.ensureStream()
    await this.js!.publish(this.subject(f.subject), JSON.stringify(f), { msgID: this.msgId(f.id), timeout: 5000 })
  }

  /**
   * The message id a fact is published under: the same for every publish of the fact by its service (a
   * relay after a crash, a repair), so JetStream keeps one. JetStream drops a message whose id it saw in
   * the last 30 minutes, whoever sent it: with the bare fact id (`order-paid:<orderId>`) another service
   * could publish that id first, on its own subject, and the real fact would be dropped. Keyed with the
   * publishing user's password, which no other service knows, the id cannot be guessed.
   */
  private msgId(factId: string): string {
    return this.msgIdKey ? `${factId}:${createHmac('sha256', this.msgIdKey).update(factId).digest('base64url').slice(0, 22)}` : factId
  }

  /**
   * A durable consumer: each fact is handed to `handler` until it returns without throwing, then
   * acknowledged. Handlers must be idempotent (a fact may arrive again after a crash or redelivery).
   * Debian's nats-server (2.9) has no multi-subject filters, so several subjects get one durable
   * consumer each (`<durable>-<subject>`), filtered by the server: a consumer is never sent the facts
   * it does not want. Facts of one subject come in order; `parallel` > 1 handles that many at once,
   * for consumers to whom order means nothing (their writes then share insert batches).
   */
  async consume(
    durable: string,
    subjects: FactSubject[],
    handler: (f: Fact) => Promise<void>,
    /** `startAt`: where a consumer created now starts in the stream (a sequence number; the whole stream without one). */
    opts: { parallel?: number; startAt?: (subject: FactSubject) => Promise<number | undefined> } = {},
  ): Promise<() => Promise<void>> {
    await this.ensureStream()
    const jsm = await jetstreamManager(await this.connected)
    const stops: Array<() => Promise<void>> = []
    try {
      for (const subject of subjects) {
        stops.push(await this.consumeOne(jsm, consumerName(durable, subjects, subject), this.subject(subject), handler, Math.max(1, opts.parallel ?? 1), () => opts.startAt?.(subject)))
      }
    } catch (error) {
      await Promise.all(stops.map((stop) => stop()))
      throw error
    }
    return async () => {
      await Promise.all(stops.map((stop) => stop()))
    }
  }

  /**
   * Starts consumers in the background (`start` calls `consume`), again and again until they start or
   * the returned stop is called: a NATS blip while setting them up must not leave a process that
   * never consumes. Returns the stop of whatever was started.
   */
  keepStarting(what: string, start: () => Promise<() => Promise<void>>): () => Promise<void> {
    let stopping = false
    let stopStarted: (() => Promise<void>) | undefined
    let wake: (() => void) | undefined
    const starting = (async () => {
      for (let attempt = 1; !stopping; attempt++) {
        try {
          const stop = await start()
          if (stopping) return void (await stop())
          stopStarted = stop
          this.opts.log.info(`${what} started`)
          return
        } catch (error) {
          this.opts.log.warn({ err: String(error), attempt }, `${what} not started yet, retrying`)
          await retryPause(attempt, (w) => (wake = w))
        }
      }
    })()
    return async () => {
      stopping = true
      wake?.()
      // A start still waiting for NATS is not waited for: if it ever completes, it stops what it started.
      await Promise.race([starting, Bun.sleep(1_000)])
      await stopStarted?.()
    }
  }

  /**
   * The first fact of `subject` that the durable consumer (as `consume` named it for `subjects`) has not
   * acknowledged yet, as a stream sequence; undefined when there is no such consumer.
   */
  async unacknowledgedFrom(durable: string, subjects: FactSubject[], subject: FactSubject): Promise<number | undefined> {
    // A subject the durable does not follow has no consumer; its name is no consumer NATS lets this user look up.
    if (!subjects.includes(subject)) return undefined
    const jsm = await jetstreamManager(await this.connected)
    const info = await jsm.consumers.info(this.stream, consumerName(durable, subjects, subject)).catch(() => undefined)
    return info ? info.ack_floor.stream_seq + 1 : undefined
  }

  private async ensureConsumer(
    jsm: Awaited<ReturnType<typeof jetstreamManager>>,
    durable: string,
    filter_subject: string,
    startAt: () => Promise<number | undefined> | undefined,
  ) {
    try {
      await jsm.consumers.info(this.stream, durable)
      await jsm.consumers.update(this.stream, durable, { filter_subject })
    } catch {
      // Only a consumer created now has a start: an existing one goes on where it is.
      const startSeq = await startAt()
      await jsm.consumers.add(this.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        ...(startSeq ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq } : { deliver_policy: DeliverPolicy.All }),
        filter_subject,
        ack_wait: nanos(ACK_WAIT_MS),
        max_deliver: -1,
      })
    }
  }

  private async consumeOne(
    jsm: Awaited<ReturnType<typeof jetstreamManager>>,
    durable: string,
    filter_subject: string,
    handler: (f: Fact) => Promise<void>,
    parallel: number,
    startAt: () => Promise<number | undefined> | undefined,
  ) {
    await this.ensureConsumer(jsm, durable, filter_subject, startAt)
    let stopped = false
    let wake: (() => void) | undefined
    let onStop!: () => void
    const stopping = new Promise<void>((resolve) => (onStop = resolve))
    // No more buffered here than can be handled at once: a fact waiting in a local buffer still runs
    // down its ack wait, and would be redelivered (to another replica) while this one holds it.
    // abort_on_missing_resource: a consumer (or stream) deleted under it ends the messages, instead of
    // the library asking for it forever; the loop below then sets both up again.
    const open = async () => (await this.js!.consumers.get(this.stream, durable)).consume({ max_messages: parallel, abort_on_missing_resource: true })
    let messages = await open()
    const inFlight = new Set<Promise<void>>()
    const drain = async () => {
      try {
        for await (const m of messages) {
          const handling: Promise<void> = this.handle(m, handler)
            .catch((error) => this.opts.log.error({ err: String(error), subject: m.subject }, 'fact handling failed unexpectedly'))
            .finally(() => inFlight.delete(handling))
          inFlight.add(handling)
          if (inFlight.size >= parallel) await Promise.race(inFlight)
          if (stopped) break
        }
      } finally {
        // Also when the messages failed: nothing is set up again, nor closed at shutdown, under a handler still running.
        await Promise.all(inFlight)
      }
    }
    const loop = (async () => {
      // Messages end only when told to, or when the consumer or the connection went away (deleted,
      // closed): then it is set up again, for as long as this process consumes.
      for (let attempt = 1; ; attempt++) {
        try {
          await drain()
          if (stopped) return
          this.opts.log.error({ durable }, 'fact consumer ended unexpectedly; starting it again')
        } catch (error) {
          if (stopped) return
          this.opts.log.error({ durable, err: String(error) }, 'fact consumer failed; starting it again')
        }
        consumerRestarts.inc()
        for (;;) {
          await retryPause(attempt, (w) => (wake = w))
          if (stopped) return
          try {
            // The stream too may be gone (deleted by hand): looked for again, and waited for until the operator makes it again.
            // Each step gives way to a stop (ensureStream waits for NATS as long as it takes).
            this.ready = undefined
            const setUp = (async () => {
              await this.ensureStream()
              await this.ensureConsumer(await jetstreamManager(await this.connected), durable, filter_subject, () => undefined)
              return open()
            })()
            const opened = await Promise.race([setUp, stopping.then(() => undefined)])
            if (!opened) {
              void setUp.then((late) => late.close(), () => {})
              return
            }
            messages = opened
            break
          } catch (error) {
            this.opts.log.warn({ durable, err: String(error), attempt }, 'fact consumer not started again yet')
            attempt++
          }
        }
        if (stopped) await messages.close()
      }
    })()
    return async () => {
      stopped = true
      onStop()
      wake?.()
      await messages.close()
      await loop.catch(() => {})
    }
  }

  private async handle(m: JsMsg, handler: (f: Fact) => Promise<void>) {
    let parsed: Fact
    try {
      parsed = JSON.parse(m.string()) as Fact
    } catch {
      parsed = null as unknown as Fact
    }
    // Not a fact at all (no one of ours publishes such a thing): dropped, and the consumer goes on.
    if (!parsed || typeof parsed !== 'object' || typeof parsed.id !== 'string' || typeof parsed.subject !== 'string' || !parsed.data || typeof parsed.data !== 'object') {
      this.opts.log.error({ subject: m.subject }, 'unreadable fact dropped')
      m.term()
      return
    }
    // What a fact is comes from the subject NATS took it on, which only its service may publish to
    // (stack/nats/users.conf): a body naming another subject (a payment, say, sent by catalog on its
    // own subject) is a forgery, never handled.
    if (m.subject !== this.subject(parsed.subject)) {
      this.opts.log.error({ subject: m.subject, claimed: parsed.subject, fact: parsed.id }, 'fact claiming another subject than it was published on dropped')
      m.term()
      return
    }
    m.working()
    // A slow handler (an SMTP server taking its time) tells JetStream it is still working, so the
    // fact is not redelivered to a second handler while the first is still on it (two emails).
    // (Never throws out of the timer: while the connection drains at shutdown, working() throws, and an
    // error thrown in a timer ends the process.)
    const heartbeat = setInterval(() => {
      try {
        m.working()
      } catch {}
    }, WORKING_EVERY_MS)
    try {
      await handler(parsed)
      m.ack()
    } catch (error) {
      // Never dropped (a fix deployed later handles it), but a fact that keeps failing is an error
      // someone must see: logged as one from the 10th delivery on, and counted.
      const deliveries = m.info.deliveryCount
      factFailures.inc({ stuck: deliveries >= STUCK_AFTER_DELIVERIES ? 'yes' : 'no' })
      if (deliveries >= STUCK_AFTER_DELIVERIES) this.opts.log.error({ err: String(error), fact: parsed.id, subject: parsed.subject, deliveries }, 'fact keeps failing; it is redelivered until its handler succeeds')
      else this.opts.log.warn({ err: String(error), fact: parsed.id }, 'fact handler failed; will be redelivered')
      m.nak(Math.min(30_000, 1000 * 2 ** Math.min(deliveries, 5)))
    } finally {
      clearInterval(heartbeat)
    }
  }

  /** Core NATS, not stored: live screen updates that may be missed without harm. */
  publishLive(subject: string, data: unknown) {
    if (!this.nc) return
    try {
      this.nc.publish(this.liveSubject(subject), JSON.stringify(data))
    } catch (error) {
      this.opts.log.debug({ err: String(error) }, 'live publish skipped')
    }
  }

  /** Follows live signals from the moment NATS is reached (at once when it is). */
  /**
   * `onGap`: called when the connection to NATS came back after a loss, or was first made after this
   * subscription was asked for (a process whose HTTP side answered before NATS was reached); signals
   * sent meanwhile were missed (they are never stored), so whoever follows them should read the state afresh.
   */
  subscribeLive(subject: string, onMessage: (data: unknown, subject: string) => void, onGap?: () => void): { unsubscribe(): void } {
    let sub: Subscription | undefined
    let statuses: ReturnType<NatsConnection['status']> | undefined
    let cancelled = false
    const follow = (nc: NatsConnection) => {
      if (cancelled) return
      sub = nc.subscribe(this.liveSubject(subject))
      ;(async () => {
        for await (const m of sub!) {
          try {
            onMessage(JSON.parse(m.string()), m.subject)
          } catch {}
        }
      })().catch(() => {})
      if (onGap)
        (async () => {
          statuses = nc.status()
          for await (const s of statuses) {
            if (cancelled) break
            if (s.type === 'reconnect') gap()
          }
        })().catch(() => {})
    }
    const gap = () => {
      if (cancelled || !onGap) return
      try {
        onGap()
      } catch {}
    }
    if (this.nc) follow(this.nc)
    else
      this.connected.then(
        (nc) => {
          follow(nc)
          gap()
        },
        () => {},
      )
    return {
      unsubscribe() {
        cancelled = true
        sub?.unsubscribe()
        // The client's status iterator is a queue with `stop` (its listener is then removed).
        ;(statuses as { stop?: () => void } | undefined)?.stop?.()
      },
    }
  }
}

/** One durable consumer per subject (`<durable>-<subject>`), or the durable itself for a single subject. */
const consumerName = (durable: string, subjects: readonly FactSubject[], subject: FactSubject) =>
  subjects.length === 1 ? durable : `${durable}-${subject.replace(/[^A-Za-z0-9_-]/g, '_')}`

/**
 * The names of the JetStream consumers `consume(durable, subjects)` makes: what a service's NATS user
 * is allowed to make, read and acknowledge (stack/nats/users.conf lists them; no other consumer is its).
 */
export const consumerNames = (durable: string, subjects: readonly FactSubject[]) => subjects.map((subject) => consumerName(durable, subjects, subject))

/** Consumers' ack wait, and how often a handler still running says so (well inside it). */
const ACK_WAIT_MS = 30_000
const WORKING_EVERY_MS = 10_000

/** How often acknowledged facts are deleted from the outbox, at most; and how many make a delete due at once. */
export const DELETE_EVERY_MS = 1_000
const ACKED_DELETE_MAX = 2_000

/** A relay's poll takes facts at least this old: younger ones are being published by the process that recorded them. */
export const POLL_MIN_AGE_MS = 3_000

/** Facts kept in memory for the next publish; beyond this, only the collection holds them. */
export const FRESH_MAX = 10_000

/**
 * The transactional outbox of one service, in its own database. A service puts the facts into the
 * same document as the state they describe when it can (one write), or records them with a
 * deterministic id right after (then the relay's idempotency makes a repeat harmless). The relay
 * publishes with the fact id as Msg-Id and deletes what NATS acknowledged; while NATS is down facts
 * wait here, so they are delayed, never lost.
 * Facts this process recorded are published from memory right after their insert; the collection
 * is read (oldest first) only every `pollMs`, for facts that were left there: NATS was down, or a
 * process died between its insert and its publish. On FerretDB every read of the collection reads
 * all of it, so a relay that polled for every batch spent more than the sale it relayed.
 * For the same reason what NATS acknowledged is deleted in one go at most every `DELETE_EVERY_MS`
 * (and always before a poll, which must not find it): a delete per published batch scanned the
 * collection each time. A fact acknowledged but not yet deleted when its process dies is published
 * again by the next poll; its Msg-Id makes JetStream drop it, and consumers are idempotent anyway.
 */
export class Outbox {
  private model: mongoose.Model<OutboxDoc>
  private timer?: Timer
  private running = false
  private wake?: () => void
  private stopped = false
  /** Recorded by this process and not yet published. */
  private fresh: OutboxDoc[] = []
  /** Acknowledged by NATS, still in the collection. */
  private acked: string[] = []
  private lastDelete = 0
  private lastPoll = 0
  private started = false

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
    const docs: OutboxDoc[] = facts.map((f) => ({ _id: f.id, subject: f.subject, occurredAt: f.occurredAt, data: f.data, createdAt: new Date() }))
    const inserted = await writerOf(this.model).insertMany(this.model, docs)
    // A duplicate was recorded before: it is published, or waits in the collection for a poll.
    // Without a relay in this process, another process's poll relays them.
    // Memory holds a bounded number (NATS down for long): the rest wait in the collection for a poll.
    if (this.started) docs.forEach((doc, i) => inserted[i] && this.fresh.length < FRESH_MAX && this.fresh.push(doc))
    this.wake?.()
  }

  /** Number of facts waiting: exposed in health details and tests. */
  async pending() {
    await this.deleteAcked()
    return this.model.countDocuments()
  }

  /** Deletes what NATS acknowledged, in one write; on failure the ids are kept for the next try. */
  private async deleteAcked() {
    this.lastDelete = Date.now()
    if (!this.acked.length) return
    const ids = this.acked
    this.acked = []
    try {
      await writerOf(this.model).run(() => this.model.deleteMany({ _id: { $in: ids } }))
    } catch (error) {
      this.acked.push(...ids)
      throw error
    }
  }

  /**
   * Relays until stopped; `pollMs`: how often the collection is read for facts left there, `pollMinAgeMs`:
   * how old a fact must be to count as left there. The process that recorded a fact publishes it
   * within milliseconds: a poll that took younger ones would publish again what another process (the
   * orders API beside its worker, a replica) is publishing or has published and not yet deleted.
   */
  start(opts: { intervalMs?: number; pollMs?: number; pollMinAgeMs?: number } = {}) {
    this.started = true
    const intervalMs = opts.intervalMs ?? 250
    const pollMs = opts.pollMs ?? 2_000
    const minAgeMs = opts.pollMinAgeMs ?? POLL_MIN_AGE_MS
    const loop = async () => {
      // After a failure (NATS away) the relay waits longer each time, up to 5 s: an outage is one
      // warning every few seconds, not four a second. A new fact still wakes it at once.
      let pause = intervalMs
      while (!this.stopped) {
        try {
          const relayed = await this.relayOnce({ poll: Date.now() - this.lastPoll >= pollMs, minAgeMs })
          pause = intervalMs
          if (relayed > 0) continue
        } catch (error) {
          this.log.warn({ err: String(error) }, 'outbox relay paused: NATS unavailable?')
          pause = Math.min(5_000, pause * 2)
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve
          this.timer = setTimeout(resolve, pause)
        })
      }
    }
    void loop()
  }

  /**
   * Publishes a batch: with `poll` (when a poll is due; the default for a direct call), the oldest in
   * the collection, which may include facts still waiting in memory; else what this process recorded.
   */
  async relayOnce(opts: { poll?: boolean; batch?: number; minAgeMs?: number } = {}): Promise<number> {
    if (this.running) return 0
    this.running = true
    const batch = opts.batch ?? 200
    try {
      const poll = opts.poll ?? true
      if (poll || this.acked.length >= ACKED_DELETE_MAX || Date.now() - this.lastDelete >= DELETE_EVERY_MS) await this.deleteAcked()
      let docs: OutboxDoc[]
      if (poll) {
        this.lastPoll = Date.now()
        const filter = opts.minAgeMs ? { createdAt: { $lt: new Date(Date.now() - opts.minAgeMs) } } : {}
        docs = await this.model.find(filter).sort({ createdAt: 1 }).limit(batch).lean<OutboxDoc[]>()
        if (!docs.length && this.fresh.length) docs = this.fresh.splice(0, batch)
      } else if (this.fresh.length) docs = this.fresh.splice(0, batch)
      else return 0
      // Published all at once, in order: one connection delivers them to the stream in the order they
      // were sent, and the acknowledgements are awaited together rather than one round trip each.
      const results = await Promise.allSettled(
        docs.map((doc) => this.bus.publish({ id: doc._id, subject: doc.subject as FactSubject, occurredAt: doc.occurredAt, data: doc.data } as Fact)),
      )
      const sent = docs.filter((_, i) => results[i]!.status === 'fulfilled').map((doc) => doc._id)
      relayedTotal.inc({ from: poll ? 'poll' : 'memory' }, sent.length)
      if (sent.length && this.fresh.length) {
        // A poll may have published facts that also wait in memory: not twice.
        const done = new Set(sent)
        this.fresh = this.fresh.filter((doc) => !done.has(doc._id))
      }
      // What NATS acknowledged is deleted with the next delete, even when another publish failed. A
      // failed one stays in the collection, where a poll finds it.
      this.acked.push(...sent)
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
      return sent.length
    } finally {
      this.running = false
    }
  }

  /**
   * Stops relaying; what NATS acknowledged is deleted, so the next start's poll does not send it again
   * (a relay pass still waiting for its acknowledgements is waited for, up to 5 s: what it sent is deleted too).
   */
  async stop() {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.wake?.()
    for (const until = Date.now() + 5_000; this.running && Date.now() < until; ) await Bun.sleep(20)
    await this.deleteAcked().catch((error) => this.log.warn({ err: String(error) }, 'outbox: acknowledged facts left for the next poll'))
  }
}

