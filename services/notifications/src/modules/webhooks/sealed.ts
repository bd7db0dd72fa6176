// A webhook's signing secret at rest: deliveries must sign with the secret itself, so it is sealed
// (kit's `sealer`) with a key derived from SERVICE_SECRET, never hashed. A secret stored before sealing
// (`whsec_…`) is read as it is and sealed when it is next renewed.
import { sealer } from '@easypass/kit'

export function secretSeal(serviceSecret: string) {
  // Its own key: SERVICE_SECRET also signs the links to offered tickets and orders' card fingerprints, for other purposes.
  const sealed = sealer(serviceSecret, 'webhook signing secrets v1')
  return {
    seal: sealed.seal,
    /** The secret; throws when the value was altered or sealed under another SERVICE_SECRET. */
    open: (stored: string): string => (stored.startsWith('whsec_') ? stored : sealed.open(stored)),
  }
}
export type SecretSeal = ReturnType<typeof secretSeal>
