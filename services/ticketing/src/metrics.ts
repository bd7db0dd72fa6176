// What the ticketing processes count (Prometheus, on /metrics of each process).
import { counter, histogram } from '@easypass/kit'

/** Worker: every op decided, by op and outcome (`ok`, `repeated`, or the failure code). Its rate is ops decided per second. */
export const opsDecided = counter('ticketing_inventory_ops_total', 'Inventory ops decided by the worker, by op and outcome', ['op', 'outcome'])
/** Worker: ops per job; above 1 means group commit is at work. */
export const batchSize = histogram('ticketing_inventory_batch_size', 'Ops decided together in one job', [], [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000])
export const jobDuration = histogram('ticketing_inventory_job_duration_seconds', 'Time to run one inventory job, by job name', ['job'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
export const ledgerLoads = counter('ticketing_inventory_ledger_loads_total', "Reads of an event's ledger, by reason: the whole ledger (cold, stale, rebuild) or the entries since the cached seq (catch-up)", ['reason'])
export const repairs = counter('ticketing_inventory_repairs_total', 'Counters found different from the ledger and repaired from it')
/** Worker: jobs found without a live worker (it crashed) and put back to run again. */
export const jobsStalled = counter('ticketing_inventory_jobs_stalled_total', 'Jobs whose worker died, put back to run again')
