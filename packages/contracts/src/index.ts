export * from './errors'
export * from './common'
export * from './facts'
