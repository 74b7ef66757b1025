/**
 * A technician's day as one view model: GET /ops/api/tech/day (today's then tomorrow's jobs, in
 * order, with the customer's name and the job's tags), GET /ops/api/tech/jobs/{name} (one job,
 * its location and the equipment there) and GET /ops/api/tech/day/jobs (every job of the day as
 * its page shows it, in one answer, for the tablet to keep offline). Read with the service token,
 * so the technician scope is enforced here: only `tech:self`, only one's own jobs — another
 * technician's job is a 403.
 */
import { getRouterParam, type H3, type H3Event } from 'h3'
import type { Customer, DispatchJob, ServiceEquipment, ServiceLocation } from '../../src/contracts/doctypes'
import { addDays, toFrappeDate } from '../../src/contracts/frappeTime'
import type { TechDay, TechDayJobs, TechJob, TechJobDetail, TechLocation } from '../../src/contracts/tech'
import type { AppContext } from '../app'
import type { ErpClient } from '../upstream/erp'
import { json, Refusal, type Sentence } from '../errors'
import { requireCapability } from '../guard'
import type { RequestUser } from '../session'

const JOB_FIELDS = [
  'name',
  'job_type',
  'status',
  'priority',
  'scheduled_start',
  'duration_minutes',
  'customer',
  'service_location',
  'address',
  'latitude',
  'longitude',
  'description',
  'completion_notes',
  'modified',
  'technician',
]

/** ERPNext names as this app creates them (DJ-2026-00001, EQ-00012): nothing else reaches a path. */
export const DOC_NAME = /^[\w.-]{1,140}$/

export const TECH_SENTENCES = {
  notYourJob: {
    fr: 'Cette intervention est assignée à un autre technicien : vous ne pouvez pas l’ouvrir.',
    en: 'This job is assigned to another technician: you cannot open it.',
  },
  jobNotFound: { fr: 'Cette intervention n’existe pas ou plus.', en: 'This job does not exist (any more).' },
  notATechnician: {
    fr: 'Votre compte n’est lié à aucune fiche de technicien. Demandez à un administrateur de vous en créer une.',
    en: 'Your account is not linked to a technician record. Ask an administrator to create one.',
  },
} satisfies Record<string, Sentence>

/** The signed-in technician behind a request, or a refusal (401, 403). */
export async function requireTechnician(
  ctx: AppContext,
  event: H3Event,
): Promise<{ user: RequestUser; technician: string | null }> {
  const user = requireCapability(ctx, event, 'tech:self')
  return { user, technician: await ctx.scopes.technicianFor(user.email) }
}

/** A job of the signed-in technician, or a refusal: 404 unknown, 403 someone else's. */
export async function loadOwnJob(erp: ErpClient, technician: string | null, name: string): Promise<DispatchJob> {
  const job = await erp.get<DispatchJob>('Dispatch Job', name)
  if (!job) throw new Refusal(404, 'NOT_FOUND', TECH_SENTENCES.jobNotFound)
  if (!technician || job.technician !== technician) throw new Refusal(403, 'NOT_YOUR_JOB', TECH_SENTENCES.notYourJob)
  return job
}

function toTechJob(job: DispatchJob, customerNames: ReadonlyMap<string, string>): TechJob {
  return {
    name: job.name,
    job_type: job.job_type,
    status: job.status ?? 'Scheduled',
    priority: job.priority ?? 'Medium',
    scheduled_start: job.scheduled_start ?? '',
    duration_minutes: job.duration_minutes ?? 60,
    customer: job.customer ?? null,
    customer_name: job.customer ? (customerNames.get(job.customer) ?? null) : null,
    service_location: job.service_location ?? null,
    address: job.address ?? null,
    latitude: job.latitude ?? null,
    longitude: job.longitude ?? null,
    tags: (job.tags ?? []).map((t) => t.tag),
    description: job.description ?? null,
    completion_notes: job.completion_notes ?? null,
    modified: job.modified ?? '',
  }
}

async function customerNames(erp: ErpClient, names: readonly (string | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(names.filter((n): n is string => !!n))]
  if (wanted.length === 0) return new Map()
  const rows = await erp.list<Pick<Customer, 'name' | 'customer_name'>>('Customer', {
    fields: ['name', 'customer_name'],
    filters: [['name', 'in', wanted]],
  })
  return new Map(rows.map((r) => [r.name, r.customer_name]))
}

/** Jobs come without their tags in a list (Frappe lists no child tables), so each is read whole. */
async function withTags(erp: ErpClient, jobs: DispatchJob[]): Promise<DispatchJob[]> {
  return Promise.all(jobs.map(async (job) => (await erp.get<DispatchJob>('Dispatch Job', job.name)) ?? job))
}

export async function techDay(erp: ErpClient, technician: string | null, now: Date): Promise<TechDay> {
  const today = toFrappeDate(now)
  const tomorrow = addDays(today, 1)
  const day: TechDay = { technician, today, tomorrow, generatedAt: now.toISOString(), jobs: [] }
  if (!technician) return day
  const listed = await erp.list<DispatchJob>('Dispatch Job', {
    fields: JOB_FIELDS,
    filters: [
      ['technician', '=', technician],
      ['scheduled_start', '>=', `${today} 00:00:00`],
      ['scheduled_start', '<', `${addDays(today, 2)} 00:00:00`],
      ['status', 'not in', ['Cancelled', 'Unscheduled']],
    ],
  })
  const jobs = await withTags(
    erp,
    listed.sort((a, b) => (a.scheduled_start ?? '').localeCompare(b.scheduled_start ?? '')),
  )
  const names = await customerNames(
    erp,
    jobs.map((j) => j.customer),
  )
  day.jobs = jobs.map((j) => toTechJob(j, names))
  return day
}

const EQUIPMENT_FIELDS = [
  'name',
  'equipment_type',
  'brand',
  'model',
  'serial_no',
  'mac_address',
  'status',
  'installed_on',
  'scan_id',
  'dispatch_job',
  'modified',
  'service_location',
]

const byType = (a: ServiceEquipment, b: ServiceEquipment) => a.equipment_type.localeCompare(b.equipment_type)

function toTechLocation(location: ServiceLocation): TechLocation {
  return {
    name: location.name,
    address_line: location.address_line,
    city: location.city,
    postal_code: location.postal_code ?? null,
    latitude: location.latitude ?? null,
    longitude: location.longitude ?? null,
  }
}

export async function techJobDetail(erp: ErpClient, technician: string | null, name: string): Promise<TechJobDetail> {
  const job = await loadOwnJob(erp, technician, name)
  const [names, location, equipment] = await Promise.all([
    customerNames(erp, [job.customer]),
    job.service_location ? erp.get<ServiceLocation>('Service Location', job.service_location) : Promise.resolve(null),
    job.service_location
      ? erp.list<ServiceEquipment>('Service Equipment', {
          fields: EQUIPMENT_FIELDS,
          filters: [['service_location', '=', job.service_location]],
        })
      : Promise.resolve([]),
  ])
  return {
    job: toTechJob(job, names),
    location: location && toTechLocation(location),
    equipment: equipment.sort(byType),
  }
}

/**
 * Every job of the technician's day as its page shows it (`techJobDetail`), read together: the
 * day, then the locations and their equipment in one list each, whatever the number of jobs.
 */
export async function techDayJobs(erp: ErpClient, technician: string | null, now: Date): Promise<TechJobDetail[]> {
  const { jobs } = await techDay(erp, technician, now)
  const places = [...new Set(jobs.map((j) => j.service_location).filter((p): p is string => !!p))]
  const [locations, equipment] = places.length
    ? await Promise.all([
        erp.list<ServiceLocation>('Service Location', {
          fields: ['name', 'address_line', 'city', 'postal_code', 'latitude', 'longitude'],
          filters: [['name', 'in', places]],
        }),
        erp.list<ServiceEquipment>('Service Equipment', {
          fields: EQUIPMENT_FIELDS,
          filters: [['service_location', 'in', places]],
        }),
      ])
    : [[], []]
  const locationOf = new Map(locations.map((l) => [l.name, toTechLocation(l)]))
  const equipmentAt = new Map<string, ServiceEquipment[]>()
  for (const e of equipment.sort(byType)) {
    const here = e.service_location && equipmentAt.get(e.service_location)
    if (here) here.push(e)
    else if (e.service_location) equipmentAt.set(e.service_location, [e])
  }
  return jobs.map((job) => ({
    job,
    location: (job.service_location && locationOf.get(job.service_location)) || null,
    equipment: (job.service_location && equipmentAt.get(job.service_location)) || [],
  }))
}

export const techDayRoutes = (app: H3, ctx: AppContext): void => {
  app.get('/ops/api/tech/day', async (event) => {
    const { technician } = await requireTechnician(ctx, event)
    // Read before the day: every event up to it was published after its write reached ERPNext.
    const position = await ctx.bus.lastId().catch(() => null)
    const day = await techDay(ctx.forRequest(event).erp, technician, new Date())
    return json(200, position === null ? day : { ...day, position })
  })

  app.get('/ops/api/tech/day/jobs', async (event) => {
    const { technician } = await requireTechnician(ctx, event)
    const jobs = await techDayJobs(ctx.forRequest(event).erp, technician, new Date())
    return json(200, { jobs } satisfies TechDayJobs)
  })

  app.get('/ops/api/tech/jobs/:name', async (event) => {
    const { technician } = await requireTechnician(ctx, event)
    const name = getRouterParam(event, 'name', { decode: true }) ?? ''
    if (!DOC_NAME.test(name)) throw new Refusal(404, 'NOT_FOUND', TECH_SENTENCES.jobNotFound)
    const position = await ctx.bus.lastId().catch(() => null)
    const detail = await techJobDetail(ctx.forRequest(event).erp, technician, name)
    return json(200, position === null ? detail : { ...detail, position })
  })
}
