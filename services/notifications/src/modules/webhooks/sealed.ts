// A webhook's signing secret at rest: deliveries must sign with the secret itself, so it is sealed
// (kit's `sealer`) with a key derived from SERVICE_SECRET, never hashed. A secret stored before sealing
// (`whsec_…`) is read as it is and sealed when it is next renewed.
import { sealer } from '@easypass/kit'

/** `previous`: secrets SERVICE_SECRET replaced (a rotation): what they sealed still opens, and `reseal` moves it under the new one. */
export function secretSeal(serviceSecret: string, previous: readonly string[] = []) {
  // Its own key: SERVICE_SECRET also signs the links to offered tickets and orders' card fingerprints, for other purposes.
  const sealed = sealer(serviceSecret, 'webhook signing secrets v1', previous)
  return {
    seal: sealed.seal,
    /** The secret; throws when the value was altered or sealed under a SERVICE_SECRET not given. */
    open: (stored: string): string => (stored.startsWith('whsec_') ? stored : sealed.open(stored)),
    /** Sealed under the current secret when it was under a previous one (or stored before sealing); undefined when current. */
    reseal: (stored: string): string | undefined => (stored.startsWith('whsec_') ? sealed.seal(stored) : sealed.reseal(stored)),
  }
}
export type SecretSeal = ReturnType<typeof secretSeal>
