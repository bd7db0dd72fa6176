/**
 * A caller's own request id is kept when it is printable ASCII without spaces, up to 200 characters
 * (tracing headers such as `Root=1-5759e988-bd86…;Parent=5399…;Sampled=1` included); anything else
 * (spaces, control characters, other encodings) is replaced by a fresh id. No dependencies: the web
 * server uses it too.
 */
export function requestIdOf(given: string | null | undefined): string {
  return given && /^[\x21-\x7e]{1,200}$/.test(given) ? given : crypto.randomUUID()
}
