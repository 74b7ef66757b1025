import { beforeEach, describe, expect, it, vi } from 'vitest'

const prefetchBoard = vi.fn()
vi.mock('./boardLoader', () => ({ prefetchBoard }))

describe('opening the board early', () => {
  beforeEach(() => prefetchBoard.mockClear())

  it('asks for the range the address names, the week from its Monday', async () => {
    const { openBoardEarly } = await import('./openEarly')
    openBoardEarly('#/dispatch?day=2026-12-03&view=week&tech=TECH-1')
    expect(prefetchBoard).toHaveBeenCalledWith(expect.objectContaining({ from: '2026-11-30', to: '2026-12-06' }))
    openBoardEarly('#/dispatch?day=2026-12-03')
    expect(prefetchBoard).toHaveBeenLastCalledWith(expect.objectContaining({ from: '2026-12-03', to: '2026-12-03' }))
  })

  it('asks for nothing when the app opens on another screen', async () => {
    const { openBoardEarly } = await import('./openEarly')
    for (const hash of ['', '#/', '#/clients?q=dispatch', '#/dispatcher', '#/settings/users']) openBoardEarly(hash)
    expect(prefetchBoard).not.toHaveBeenCalled()
  })
})
