export * from './errors'
export * from './common'
export * from './openapi'
export * from './facts'
