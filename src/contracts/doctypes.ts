/**
 * The ERPNext doctypes Gigafibre Ops reads and writes (see shared/design/ERPNEXT.md).
 * One description serves three readers: the embedded ERPNext builds its tables and validation
 * from it, the demo seed fills it, and the SPA types its documents with it.
 */

export type FieldType =
  'Data' | 'Text' | 'Int' | 'Float' | 'Currency' | 'Check' | 'Date' | 'Datetime' | 'Select' | 'Link' | 'Table'

export interface FieldDef {
  fieldname: string
  fieldtype: FieldType
  /** Link: target doctype. Table: child doctype. */
  options?: string
  /** Select: allowed values (stored in English). */
  choices?: readonly string[]
  reqd?: boolean
  unique?: boolean
  default?: string | number
}

export interface DoctypeDef {
  name: string
  /**
   * Naming rule, as Frappe spells it: a series such as `CUST-.#####` (`YYYY` is the current year),
   * `field:<fieldname>` to use a field's value, or `hash` for a random name.
   */
  autoname: string
  istable?: boolean
  fields: readonly FieldDef[]
}

const link = (fieldname: string, options: string, reqd = false): FieldDef => ({
  fieldname,
  fieldtype: 'Link',
  options,
  reqd,
})
const select = (fieldname: string, choices: readonly string[], extra: Partial<FieldDef> = {}): FieldDef => ({
  fieldname,
  fieldtype: 'Select',
  choices,
  ...extra,
})
const data = (fieldname: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  fieldname,
  fieldtype: 'Data',
  ...extra,
})

export const JOB_TYPES = ['Installation', 'Repair', 'Move', 'Removal', 'Inspection'] as const
export const JOB_STATUSES = ['Unscheduled', 'Scheduled', 'En Route', 'In Progress', 'Completed', 'Cancelled'] as const
export const PRIORITIES = ['Low', 'Medium', 'High', 'Urgent'] as const
export const EQUIPMENT_TYPES = ['ONT', 'Router', 'Mesh Node', 'Set-top Box'] as const
export const EQUIPMENT_STATUSES = ['In Service', 'In Stock', 'Returned', 'Defective'] as const
export const TAG_CATEGORIES = ['Skill', 'Zone', 'Job Type'] as const
export const ISSUE_STATUSES = ['Open', 'Replied', 'On Hold', 'Resolved', 'Closed'] as const
export const INVOICE_STATUSES = ['Draft', 'Unpaid', 'Paid', 'Overdue', 'Cancelled'] as const
export const AGENT_FLOW_STATUSES = ['Draft', 'Published', 'Archived'] as const
export const AGENT_FLOW_RUN_STATUSES = ['In Progress', 'Completed', 'Abandoned'] as const
export const SUBSCRIPTION_STATUSES = ['Active', 'Past Due Date', 'Unpaid', 'Cancelled', 'Completed'] as const

export const DOCTYPES: readonly DoctypeDef[] = [
  {
    name: 'Customer',
    autoname: 'CUST-.#####',
    fields: [
      data('customer_name', { reqd: true }),
      select('customer_type', ['Individual', 'Company'], { default: 'Individual' }),
      data('customer_group'),
      data('territory'),
      data('mobile_no'),
      data('email_id'),
      select('language', ['fr', 'en'], { default: 'fr' }),
      { fieldname: 'disabled', fieldtype: 'Check', default: 0 },
      // No automatic texts (the technician-on-the-way notice); texts a rep sends by hand still go.
      { fieldname: 'sms_opt_out', fieldtype: 'Check', default: 0 },
    ],
  },
  {
    name: 'Service Location',
    autoname: 'LOC-.#####',
    fields: [
      link('customer', 'Customer', true),
      data('address_line', { reqd: true }),
      data('city', { reqd: true }),
      data('postal_code'),
      data('province', { default: 'QC' }),
      { fieldname: 'latitude', fieldtype: 'Float' },
      { fieldname: 'longitude', fieldtype: 'Float' },
      select('status', ['Active', 'Pending', 'Inactive'], { default: 'Active' }),
      data('olt_name'),
      data('olt_port'),
    ],
  },
  {
    name: 'Subscription Plan Detail',
    autoname: 'hash',
    istable: true,
    fields: [data('plan', { reqd: true }), { fieldname: 'qty', fieldtype: 'Int', default: 1 }],
  },
  {
    name: 'Subscription',
    autoname: 'ACC-SUB-.YYYY.-.#####',
    fields: [
      data('party_type', { default: 'Customer' }),
      link('party', 'Customer', true),
      link('service_location', 'Service Location'),
      select('status', SUBSCRIPTION_STATUSES, { default: 'Active' }),
      { fieldname: 'start_date', fieldtype: 'Date' },
      { fieldname: 'end_date', fieldtype: 'Date' },
      { fieldname: 'plans', fieldtype: 'Table', options: 'Subscription Plan Detail' },
    ],
  },
  {
    name: 'Service Equipment',
    autoname: 'EQ-.#####',
    fields: [
      link('customer', 'Customer'),
      link('service_location', 'Service Location'),
      select('equipment_type', EQUIPMENT_TYPES, { reqd: true }),
      data('brand'),
      data('model'),
      data('serial_no', { reqd: true, unique: true }),
      data('mac_address', { unique: true }),
      select('status', EQUIPMENT_STATUSES, { default: 'In Service' }),
      { fieldname: 'installed_on', fieldtype: 'Date' },
      data('scan_id', { unique: true }),
      link('dispatch_job', 'Dispatch Job'),
    ],
  },
  {
    name: 'Technician Tag',
    autoname: 'hash',
    istable: true,
    fields: [link('tag', 'Tag', true)],
  },
  {
    name: 'Technician',
    autoname: 'TECH-.###',
    fields: [
      data('full_name', { reqd: true }),
      data('email', { reqd: true, unique: true }),
      data('mobile_no'),
      select('status', ['Active', 'Inactive'], { default: 'Active' }),
      data('color'),
      { fieldname: 'traccar_device_id', fieldtype: 'Int' },
      { fieldname: 'home_latitude', fieldtype: 'Float' },
      { fieldname: 'home_longitude', fieldtype: 'Float' },
      data('shift_start'),
      data('shift_end'),
      { fieldname: 'tags', fieldtype: 'Table', options: 'Technician Tag' },
    ],
  },
  {
    name: 'Tag',
    autoname: 'field:tag_name',
    fields: [data('tag_name', { reqd: true, unique: true }), select('category', TAG_CATEGORIES), data('color')],
  },
  {
    name: 'Dispatch Job Tag',
    autoname: 'hash',
    istable: true,
    fields: [link('tag', 'Tag', true)],
  },
  {
    name: 'Dispatch Job',
    autoname: 'DJ-.YYYY.-.#####',
    fields: [
      select('job_type', JOB_TYPES, { reqd: true }),
      select('status', JOB_STATUSES, { default: 'Unscheduled' }),
      select('priority', PRIORITIES, { default: 'Medium' }),
      link('customer', 'Customer'),
      link('service_location', 'Service Location'),
      link('issue', 'Issue'),
      link('technician', 'Technician'),
      { fieldname: 'scheduled_start', fieldtype: 'Datetime' },
      { fieldname: 'duration_minutes', fieldtype: 'Int', default: 60 },
      /** The arrival window promised to the customer (site-local); both set, or neither. */
      { fieldname: 'arrival_window_start', fieldtype: 'Datetime' },
      { fieldname: 'arrival_window_end', fieldtype: 'Datetime' },
      /** Locked by a dispatcher: the optimizer keeps its technician and time. */
      { fieldname: 'pinned', fieldtype: 'Check', default: 0 },
      data('address'),
      { fieldname: 'latitude', fieldtype: 'Float' },
      { fieldname: 'longitude', fieldtype: 'Float' },
      { fieldname: 'tags', fieldtype: 'Table', options: 'Dispatch Job Tag' },
      { fieldname: 'description', fieldtype: 'Text' },
      { fieldname: 'completion_notes', fieldtype: 'Text' },
      // When the customer was texted that the technician is on the way, and for which visit
      // (technician and start): one text per visit, whatever the taps and retries.
      { fieldname: 'customer_notified_at', fieldtype: 'Datetime' },
      data('customer_notice'),
    ],
  },
  {
    name: 'Issue',
    autoname: 'ISS-.YYYY.-.#####',
    fields: [
      data('subject', { reqd: true }),
      link('customer', 'Customer'),
      link('service_location', 'Service Location'),
      select('status', ISSUE_STATUSES, { default: 'Open' }),
      select('priority', PRIORITIES, { default: 'Medium' }),
      { fieldname: 'opening_date', fieldtype: 'Date' },
      { fieldname: 'description', fieldtype: 'Text' },
      data('raised_by'),
    ],
  },
  {
    name: 'Sales Invoice',
    autoname: 'ACC-SINV-.YYYY.-.#####',
    fields: [
      link('customer', 'Customer', true),
      { fieldname: 'posting_date', fieldtype: 'Date' },
      { fieldname: 'due_date', fieldtype: 'Date' },
      { fieldname: 'grand_total', fieldtype: 'Currency' },
      { fieldname: 'outstanding_amount', fieldtype: 'Currency' },
      select('status', INVOICE_STATUSES, { default: 'Draft' }),
      data('currency', { default: 'CAD' }),
    ],
  },
  {
    name: 'Communication',
    autoname: 'hash',
    fields: [
      select('communication_medium', ['SMS', 'Phone', 'Email']),
      select('sent_or_received', ['Sent', 'Received']),
      { fieldname: 'content', fieldtype: 'Text' },
      data('phone_no'),
      data('reference_doctype'),
      data('reference_name'),
      data('sender'),
      { fieldname: 'communication_date', fieldtype: 'Datetime' },
      /** The hub's message id, so delivery receipts can find their message. */
      data('message_id'),
      data('delivery_status'),
    ],
  },
  {
    name: 'Agent Flow',
    /** One document per version: FLOW-no-internet-v3. A Published version is never edited. */
    autoname: 'format:FLOW-{flow_key}-v{version}',
    fields: [
      data('flow_key', { reqd: true }),
      data('title'),
      data('title_en'),
      { fieldname: 'version', fieldtype: 'Int', reqd: true },
      select('status', AGENT_FLOW_STATUSES, { default: 'Draft' }),
      { fieldname: 'definition', fieldtype: 'Text', reqd: true },
    ],
  },
  {
    name: 'Agent Flow Run Event',
    autoname: 'hash',
    istable: true,
    fields: [
      data('step', { reqd: true }),
      data('kind'),
      { fieldname: 'at', fieldtype: 'Datetime' },
      { fieldname: 'duration_ms', fieldtype: 'Int' },
      { fieldname: 'data', fieldtype: 'Text' },
      data('reference_doctype'),
      data('reference_name'),
    ],
  },
  {
    name: 'Agent Flow Run',
    autoname: 'RUN-.YYYY.-.#####',
    fields: [
      link('flow', 'Agent Flow', true),
      link('customer', 'Customer'),
      data('agent'),
      select('status', AGENT_FLOW_RUN_STATUSES, { default: 'In Progress' }),
      data('outcome'),
      { fieldname: 'started_at', fieldtype: 'Datetime' },
      { fieldname: 'ended_at', fieldtype: 'Datetime' },
      data('current_step'),
      { fieldname: 'context', fieldtype: 'Text' },
      { fieldname: 'events', fieldtype: 'Table', options: 'Agent Flow Run Event' },
    ],
  },
  {
    name: 'User Social Login',
    autoname: 'hash',
    istable: true,
    fields: [data('provider', { reqd: true }), data('userid')],
  },
  {
    name: 'User',
    autoname: 'field:email',
    fields: [
      data('email', { reqd: true, unique: true }),
      data('first_name'),
      data('last_name'),
      data('user_type', { default: 'System User' }),
      { fieldname: 'enabled', fieldtype: 'Check', default: 1 },
      { fieldname: 'social_logins', fieldtype: 'Table', options: 'User Social Login' },
    ],
  },
]

export const DOCTYPE_BY_NAME: ReadonlyMap<string, DoctypeDef> = new Map(DOCTYPES.map((d) => [d.name, d]))

/** Fields every document carries besides its own. */
export const STANDARD_FIELDS = ['name', 'owner', 'creation', 'modified', 'modified_by', 'docstatus', 'idx'] as const
/** Fields every child-table row carries besides its own. */
export const CHILD_FIELDS = ['name', 'parent', 'parentfield', 'parenttype', 'idx', 'doctype'] as const

// ---- Document shapes as the SPA and BFF see them -------------------------------------------

export interface DocMeta {
  name: string
  owner?: string
  creation?: string
  modified?: string
  modified_by?: string
  docstatus?: number
  idx?: number
}
export interface ChildRow extends Partial<DocMeta> {
  parent?: string
  parentfield?: string
  parenttype?: string
  doctype?: string
}

export type JobType = (typeof JOB_TYPES)[number]
export type JobStatus = (typeof JOB_STATUSES)[number]
export type Priority = (typeof PRIORITIES)[number]

export interface Customer extends DocMeta {
  customer_name: string
  customer_type?: 'Individual' | 'Company'
  customer_group?: string
  territory?: string
  mobile_no?: string
  email_id?: string
  language?: 'fr' | 'en'
  disabled?: 0 | 1
  sms_opt_out?: 0 | 1
}
export interface ServiceLocation extends DocMeta {
  customer: string
  address_line: string
  city: string
  postal_code?: string
  province?: string
  latitude?: number
  longitude?: number
  status?: 'Active' | 'Pending' | 'Inactive'
  olt_name?: string
  olt_port?: string
}
export interface Subscription extends DocMeta {
  party_type?: string
  party: string
  service_location?: string
  status?: (typeof SUBSCRIPTION_STATUSES)[number]
  start_date?: string
  end_date?: string
  plans?: (ChildRow & { plan: string; qty?: number })[]
}
export interface ServiceEquipment extends DocMeta {
  customer?: string
  service_location?: string
  equipment_type: (typeof EQUIPMENT_TYPES)[number]
  brand?: string
  model?: string
  serial_no: string
  mac_address?: string
  status?: (typeof EQUIPMENT_STATUSES)[number]
  installed_on?: string
  scan_id?: string
  dispatch_job?: string
}
export interface Technician extends DocMeta {
  full_name: string
  email: string
  mobile_no?: string
  status?: 'Active' | 'Inactive'
  color?: string
  traccar_device_id?: number
  home_latitude?: number
  home_longitude?: number
  shift_start?: string
  shift_end?: string
  tags?: (ChildRow & { tag: string })[]
}
export interface Tag extends DocMeta {
  tag_name: string
  category?: (typeof TAG_CATEGORIES)[number]
  color?: string
}
export interface DispatchJob extends DocMeta {
  job_type: JobType
  status?: JobStatus
  priority?: Priority
  customer?: string
  service_location?: string
  issue?: string
  technician?: string
  scheduled_start?: string
  duration_minutes?: number
  arrival_window_start?: string
  arrival_window_end?: string
  pinned?: 0 | 1
  address?: string
  latitude?: number
  longitude?: number
  tags?: (ChildRow & { tag: string })[]
  description?: string
  completion_notes?: string
  customer_notified_at?: string
  customer_notice?: string
}
export interface Issue extends DocMeta {
  subject: string
  customer?: string
  service_location?: string
  status?: (typeof ISSUE_STATUSES)[number]
  priority?: Priority
  opening_date?: string
  description?: string
  raised_by?: string
}
export interface SalesInvoice extends DocMeta {
  customer: string
  posting_date?: string
  due_date?: string
  grand_total?: number
  outstanding_amount?: number
  status?: (typeof INVOICE_STATUSES)[number]
  currency?: string
}
export interface Communication extends DocMeta {
  communication_medium?: 'SMS' | 'Phone' | 'Email'
  sent_or_received?: 'Sent' | 'Received'
  content?: string
  phone_no?: string
  reference_doctype?: string
  reference_name?: string
  sender?: string
  communication_date?: string
  message_id?: string
  delivery_status?: string
}
export interface ErpUser extends DocMeta {
  email: string
  first_name?: string
  last_name?: string
  user_type?: string
  enabled?: 0 | 1
  social_logins?: (ChildRow & { provider: string; userid?: string })[]
}
export interface AgentFlowDoc extends DocMeta {
  flow_key: string
  title?: string
  title_en?: string
  version: number
  status?: (typeof AGENT_FLOW_STATUSES)[number]
  /** The definition as JSON text (see contracts/flows). */
  definition: string
}
export interface AgentFlowRunEvent extends ChildRow {
  step: string
  kind?: string
  at?: string
  duration_ms?: number
  /** JSON text: what the step gathered, or the action's answer. */
  data?: string
  reference_doctype?: string
  reference_name?: string
}
export interface AgentFlowRunDoc extends DocMeta {
  flow: string
  customer?: string
  agent?: string
  status?: (typeof AGENT_FLOW_RUN_STATUSES)[number]
  outcome?: string
  started_at?: string
  ended_at?: string
  current_step?: string
  /** JSON text: the interpreter's state (see contracts/flows RunState). */
  context?: string
  events?: AgentFlowRunEvent[]
}
