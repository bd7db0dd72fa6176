import { describe, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { allowedMethods, learnRoutes } from '../src/routes'

describe('the methods a path takes (405 and Allow)', () => {
  test('learned from the app: parameters match one segment, GET brings HEAD, a catch-all is left out, unknown paths have none', () => {
    learnRoutes(
      new Elysia()
        .get('/api/events/:id', () => '')
        .patch('/api/events/:id', () => '')
        .post('/api/events', () => '')
        .get('/api/events/:id/attendees.csv', () => '')
        .all('/*', () => ''),
    )
    expect(allowedMethods('/api/events/abc')).toEqual(['GET', 'HEAD', 'PATCH'])
    expect(allowedMethods('/api/events/abc/')).toEqual(['GET', 'HEAD', 'PATCH'])
    expect(allowedMethods('/api/events')).toEqual(['POST'])
    expect(allowedMethods('/api/events/abc/attendees.csv')).toEqual(['GET', 'HEAD'])
    // The dot is a dot, not any character; a parameter is never two segments.
    expect(allowedMethods('/api/events/abc/attendeesXcsv')).toEqual([])
    expect(allowedMethods('/api/events/a/b')).toEqual([])
    expect(allowedMethods('/nowhere')).toEqual([])
  })
})
