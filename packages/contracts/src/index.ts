export * from './errors'
export * from './common'
