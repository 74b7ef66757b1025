// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { BoardTechnician } from 'src/contracts/dispatch'
import { JOB_STATUSES, JOB_TYPES } from 'src/contracts/doctypes'
import { parseSiteDatetime } from 'src/contracts/frappeTime'
import { i18n, type Locale } from 'src/i18n'
import { mountWithApp } from 'src/testing/mountWithApp'
import BoardRow from './BoardRow.vue'
import type { BoardLabels } from './geometry'
import { HOUR, MINUTE, siteInstant } from './timeAxis'
import { useDispatchBoard, type PlacedJob } from './useDispatchBoard'

const DAY = '2026-12-01'
const midnight = siteInstant(DAY, 0)
/** The day view at zoom 1: 96 px an hour. */
const scale = 96 / HOUR

const tech: BoardTechnician = {
  name: 'TECH-007',
  full_name: 'Julie Gagnon',
  status: 'Active',
  color: '#2e7d32',
  shift_start: '08:00',
  shift_end: '17:00',
  tags: ['Fibre', 'Nacelle', 'Laval', 'Épissure'],
}

function job(name: string, time: string, minutes: number, extra: Partial<PlacedJob> = {}): PlacedJob {
  const scheduled_start = `${DAY} ${time}:00`
  const start = parseSiteDatetime(scheduled_start)
  return {
    name,
    job_type: 'Installation',
    status: 'Scheduled',
    priority: 'Medium',
    technician: tech.name,
    scheduled_start,
    duration_minutes: minutes,
    tags: [],
    modified: '2026-11-30 16:00:00.000000',
    start,
    end: start + minutes * MINUTE,
    ...extra,
  }
}

/** The translated tables the board hands every row, built as the board builds them. */
function labels(locale: Locale): BoardLabels {
  const t = (key: string) => i18n.global.t(key, {}, { locale })
  return {
    type: Object.fromEntries(JOB_TYPES.map((x) => [x, t(`dispatch.type.${x}`)])),
    status: Object.fromEntries(JOB_STATUSES.map((x) => [x, t(`dispatch.status.${x}`)])),
  }
}

function seed(jobs: PlacedJob[]) {
  useDispatchBoard().rows = new Map([[tech.name, jobs]])
}

interface RowSetup {
  locale?: Locale
  tech?: BoardTechnician
  week?: boolean
  selected?: string | null
  saving?: string[]
  techSelected?: boolean
}

function mountRow(options: RowSetup = {}) {
  const locale = options.locale ?? 'fr'
  return mountWithApp(BoardRow, {
    locale,
    props: {
      tech: options.tech ?? tech,
      top: 96,
      x0: midnight,
      scale,
      winStart: midnight,
      winEnd: midnight + 24 * HOUR,
      days: [DAY],
      matcher: null,
      selected: options.selected ?? null,
      saving: new Set(options.saving ?? []),
      // 07:00 on the day shown: the jobs below are still ahead.
      ctx: { now: midnight + 7 * HOUR, skillTags: new Set(['Fibre', 'Nacelle', 'Épissure']) },
      week: options.week ?? false,
      techSelected: options.techSelected ?? false,
      labels: labels(locale),
    },
  })
}

const blocks = (w: ReturnType<typeof mountRow>) => w.findAll('.dj-block')
const block = (w: ReturnType<typeof mountRow>, name: string) => w.get(`[data-testid="job-${name}"]`)

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('a technician’s row on the dispatch board', () => {
  it('names the technician, their shift and first skills in a button that selects them', async () => {
    seed([])
    const w = mountRow()
    const name = w.get('.dj-row__name')
    expect(name.attributes('role')).toBe('button')
    expect(name.attributes('tabindex')).toBe('0')
    expect(name.attributes('aria-pressed')).toBe('false')
    expect(name.text()).toContain('Julie Gagnon')
    expect(name.text()).toContain('08:00–17:00')
    // Three skills fit beside the name.
    expect(w.findAll('.dj-row__tag').map((t) => t.text())).toEqual(['Fibre', 'Nacelle', 'Laval'])

    await name.trigger('click')
    await name.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('select-tech')).toEqual([[tech.name], [tech.name]])
  })

  it('says the technician is the one picked (to sort the queue by distance from them)', () => {
    seed([])
    expect(mountRow({ techSelected: true }).get('.dj-row__name').attributes('aria-pressed')).toBe('true')
  })

  it('says an inactive technician is inactive, in French and in English', () => {
    seed([])
    const inactive = { ...tech, status: 'Inactive' as const }
    expect(mountRow({ tech: inactive }).get('.dj-row__name').text()).toContain('Inactif ·')
    expect(mountRow({ tech: inactive, locale: 'en' }).get('.dj-row__name').text()).toContain('Inactive ·')
  })

  it('draws one button per job, placed at its time, whose name reads its visible text, then type, status, technician, length, number and address', () => {
    seed([
      job('DJ-1001', '09:00', 90, { customer_name: 'Marie Tremblay', address: '12 rue des Érables, Laval' }),
      job('DJ-1002', '13:00', 60, { job_type: 'Repair', status: 'En Route', customer_name: 'Luc Roy' }),
    ])
    const w = mountRow()

    expect(blocks(w)).toHaveLength(2)
    const first = block(w, 'DJ-1001')
    expect(first.attributes('role')).toBe('button')
    expect(first.attributes('tabindex')).toBe('0')
    expect(first.attributes('aria-label')).toBe(
      '09:00 Marie Tremblay, Installation, Planifiée, Julie Gagnon, 90 min, DJ-1001, 12 rue des Érables, Laval',
    )
    // A tooltip for the mouse, number first.
    expect(first.attributes('title')).toBe(
      'DJ-1001 · Installation · Planifiée\n09:00 · 90 min\nMarie Tremblay\n12 rue des Érables, Laval',
    )
    // What the dispatcher reads on the block itself.
    expect(first.text()).toBe('09:00 Marie Tremblay')
    // 188 px of names, then 9 h at 96 px an hour; 90 min is 144 px, less a 2 px gap.
    expect(first.attributes('style')).toContain('left: 1052px')
    expect(first.attributes('style')).toContain('width: 142px')

    expect(block(w, 'DJ-1002').attributes('aria-label')).toBe(
      '13:00 Luc Roy, Réparation, En route, Julie Gagnon, 60 min, DJ-1002',
    )
    expect(block(w, 'DJ-1002').attributes('data-status')).toBe('En Route')
  })

  it('reads in English for an English-speaking dispatcher', () => {
    seed([job('DJ-1002', '13:00', 60, { job_type: 'Repair', status: 'In Progress', customer_name: 'Luc Roy' })])
    const w = mountRow({ locale: 'en' })
    expect(block(w, 'DJ-1002').attributes('aria-label')).toBe(
      '13:00 Luc Roy, Repair, In progress, Julie Gagnon, 60 min, DJ-1002',
    )
  })

  it('shows the job number when there is no customer, and only the coloured block in the week view', () => {
    seed([job('DJ-1003', '10:00', 30)])
    expect(block(mountRow(), 'DJ-1003').text()).toBe('10:00 DJ-1003')
    const week = block(mountRow({ week: true }), 'DJ-1003')
    expect(week.text()).toBe('')
    expect(week.attributes('aria-label')).toBe('10:00 DJ-1003, Installation, Planifiée, Julie Gagnon, 30 min')
  })

  it('marks two overlapping jobs on both blocks, naming the other job, with a warning icon', () => {
    seed([
      job('DJ-2001', '09:00', 90, { customer_name: 'Marie Tremblay' }),
      job('DJ-2002', '10:00', 60, { customer_name: 'Luc Roy' }),
      job('DJ-2003', '14:00', 60, { customer_name: 'Anne Côté' }),
    ])
    const w = mountRow()

    const a = block(w, 'DJ-2001')
    const b = block(w, 'DJ-2002')
    expect(a.attributes('aria-label')).toContain('⚠ Chevauche DJ-2002')
    expect(b.attributes('aria-label')).toContain('⚠ Chevauche DJ-2001')
    expect(a.attributes('data-warnings')).toBe('overlap')
    expect(a.classes()).toContain('dj-block--warn')
    // The icon is drawn for the eye; the words above are what a screen reader hears.
    const icon = a.get('.dj-block__warn')
    expect(icon.classes()).toContain('dj-icon--warning')
    expect(icon.attributes('aria-hidden')).toBe('true')

    const clear = block(w, 'DJ-2003')
    expect(clear.attributes('aria-label')).not.toContain('⚠')
    expect(clear.attributes('data-warnings')).toBe('')
    expect(clear.find('.dj-block__warn').exists()).toBe(false)
  })

  it('lays two overlapping jobs one above the other, so neither hides the other, and a free job full height', () => {
    seed([
      job('DJ-2101', '09:00', 90, { customer_name: 'Marie Tremblay' }),
      job('DJ-2102', '10:00', 60, { customer_name: 'Luc Roy' }),
      job('DJ-2103', '14:00', 60, { customer_name: 'Anne Côté' }),
    ])
    const w = mountRow()
    // Two lanes share the 48 px row: 24 px each, the smallest target size WCAG 2.5.8 allows.
    const upper = block(w, 'DJ-2101')
    const lower = block(w, 'DJ-2102')
    expect(upper.attributes('style')).toContain('top: 0px')
    expect(upper.attributes('style')).toContain('height: 24px')
    expect(lower.attributes('style')).toContain('top: 24px')
    expect(lower.attributes('style')).toContain('height: 24px')
    expect(upper.classes()).toContain('dj-block--lane')
    const alone = block(w, 'DJ-2103')
    expect(alone.attributes('style')).not.toContain('top:')
    expect(alone.classes()).not.toContain('dj-block--lane')
  })

  it('warns of a job outside the shift, in English too', () => {
    seed([job('DJ-3001', '17:30', 60), job('DJ-3002', '09:00', 60)])
    const w = mountRow({ locale: 'en' })
    expect(block(w, 'DJ-3001').attributes('data-warnings')).toBe('outsideShift')
    expect(block(w, 'DJ-3001').attributes('aria-label')).toContain('⚠ Outside the shift')
    expect(block(w, 'DJ-3002').attributes('data-warnings')).toBe('')
  })

  it('warns of a missing skill by naming it; a tag that is not a skill asks nothing', () => {
    seed([job('DJ-3003', '09:00', 60, { tags: ['Épissure'] }), job('DJ-3004', '11:00', 60, { tags: ['Réparation'] })])
    const w = mountRow({ tech: { ...tech, tags: ['Fibre'] } })
    expect(block(w, 'DJ-3003').attributes('data-warnings')).toBe('missingSkill')
    expect(block(w, 'DJ-3003').attributes('aria-label')).toContain('⚠ Compétence manquante : Épissure')
    expect(block(w, 'DJ-3004').attributes('data-warnings')).toBe('')
  })

  it('does not count a cancelled job as an overlap, and strikes it through', () => {
    seed([job('DJ-4001', '09:00', 90), job('DJ-4002', '09:30', 60, { status: 'Cancelled' })])
    const w = mountRow()
    expect(block(w, 'DJ-4001').attributes('data-warnings')).toBe('')
    expect(block(w, 'DJ-4002').attributes('aria-label')).toContain('Annulée')
    expect(block(w, 'DJ-4002').classes()).toContain('dj-block--cancelled')
  })

  it('marks urgent jobs with an icon hidden from screen readers', () => {
    seed([job('DJ-5001', '09:00', 60, { priority: 'Urgent' })])
    const icon = block(mountRow(), 'DJ-5001').get('.dj-block__icon')
    expect(icon.classes()).toContain('dj-icon--priority_high')
    expect(icon.attributes('aria-hidden')).toBe('true')
  })

  it('draws only the jobs in the visible time window that pass the filter', async () => {
    seed([
      job('DJ-6001', '09:00', 60, { customer_name: 'Marie Tremblay' }),
      job('DJ-6002', '15:00', 60, { customer_name: 'Luc Roy' }),
    ])
    const w = mountRow()
    await w.setProps({ winStart: midnight + 12 * HOUR })
    expect(blocks(w).map((b) => b.attributes('data-testid'))).toEqual(['job-DJ-6002'])

    await w.setProps({ winStart: midnight, matcher: (j: PlacedJob) => j.customer_name === 'Marie Tremblay' })
    expect(blocks(w).map((b) => b.attributes('data-testid'))).toEqual(['job-DJ-6001'])
  })

  it('outlines the selected job and dims the jobs being saved', () => {
    seed([job('DJ-7001', '09:00', 60), job('DJ-7002', '11:00', 60)])
    const w = mountRow({ selected: 'DJ-7001', saving: ['DJ-7002'] })
    expect(block(w, 'DJ-7001').classes()).toContain('dj-block--selected')
    expect(block(w, 'DJ-7001').classes()).not.toContain('dj-block--saving')
    expect(block(w, 'DJ-7002').classes()).toContain('dj-block--saving')
  })

  it('redraws when a job of this technician changes in the store (a colleague’s live update)', async () => {
    const first = job('DJ-8001', '09:00', 60, { customer_name: 'Marie Tremblay' })
    seed([first])
    const w = mountRow()
    expect(block(w, 'DJ-8001').attributes('aria-label')).toContain('Planifiée')

    seed([{ ...first, status: 'In Progress' }, job('DJ-8002', '09:30', 60)])
    await w.vm.$nextTick()
    expect(block(w, 'DJ-8001').attributes('aria-label')).toContain('En cours')
    expect(block(w, 'DJ-8001').attributes('aria-label')).toContain('⚠ Chevauche DJ-8002')
    expect(blocks(w)).toHaveLength(2)
  })

  it('hands a press on a job to the board, to select it or start dragging it', async () => {
    seed([job('DJ-9001', '09:00', 60)])
    const w = mountRow()
    await block(w, 'DJ-9001').trigger('pointerdown', { button: 0, clientX: 1100, clientY: 120 })
    const pressed = w.emitted('job-pointerdown')
    expect(pressed).toHaveLength(1)
    const [name, event] = pressed![0] as [string, PointerEvent]
    expect(name).toBe('DJ-9001')
    expect(event.type).toBe('pointerdown')
    expect(event.clientX).toBe(1100)
  })

  it('hands the keys pressed on a job to the board, which selects it on Enter or Space', async () => {
    seed([job('DJ-9002', '09:00', 60)])
    const w = mountRow()
    await block(w, 'DJ-9002').trigger('keydown', { key: 'Enter' })
    await block(w, 'DJ-9002').trigger('keydown', { key: ' ' })
    const keys = (w.emitted('job-key') as [string, KeyboardEvent][]).map(([name, e]) => [name, e.key])
    expect(keys).toEqual([
      ['DJ-9002', 'Enter'],
      ['DJ-9002', ' '],
    ])
    // A key on a job is about the job, never about its technician.
    expect(w.emitted('select-tech')).toBeUndefined()
  })
})
