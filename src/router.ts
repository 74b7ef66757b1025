/**
 * Hash routes under /ops/ (so /ops/#/dispatch works behind any proxy). Each route names the
 * capabilities that open it; the guard only spares the user a screen they cannot use — the BFF
 * refuses the data anyway.
 */
import { ref } from 'vue'
import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import type { Capability } from 'src/contracts/capabilities'
import { useUserGroups } from 'src/auth/useUserGroups'
import { FIELD_SCREENS, HOME_SCREEN_KEY } from 'src/contracts/openingScreen'
import { officeWords } from 'src/i18n'

declare module 'vue-router' {
  interface RouteMeta {
    /** Any one of these opens the route. */
    capabilities?: readonly Capability[]
  }
}

export const NAV_HOME_ORDER: { name: string; capabilities: readonly Capability[] }[] = [
  { name: 'dispatch', capabilities: ['dispatch:view'] },
  { name: 'tech', capabilities: ['tech:self'] },
  { name: 'clients', capabilities: ['clients:view'] },
  { name: 'settings-users', capabilities: ['users:manage'] },
  { name: 'settings-technicians', capabilities: ['technicians:manage'] },
  { name: 'settings-tags', capabilities: ['tags:manage'] },
  { name: 'settings-journal', capabilities: ['audit:view'] },
  { name: 'settings-flows', capabilities: ['flows:manage'] },
]

const routes: RouteRecordRaw[] = [
  {
    path: '/',
    component: () => import('src/layouts/MainLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('src/pages/HomePage.vue') },
      {
        path: 'dispatch',
        name: 'dispatch',
        component: () => import('src/features/dispatch/DispatchPage.vue'),
        meta: { capabilities: ['dispatch:view'] },
      },
      {
        path: 'clients',
        name: 'clients',
        component: () => import('src/features/clients/ClientsPage.vue'),
        meta: { capabilities: ['clients:view'] },
      },
      {
        path: 'clients/:name',
        name: 'client',
        component: () => import('src/features/clients/ClientPage.vue'),
        meta: { capabilities: ['clients:view'] },
        props: true,
      },
      {
        path: 'parcours/:run',
        name: 'flow-run',
        component: () => import('src/features/flows/FlowRunPage.vue'),
        meta: { capabilities: ['flows:run'] },
        props: true,
      },
      {
        path: 'tech',
        name: 'tech',
        component: () => import('src/features/tech/TechDayPage.vue'),
        meta: { capabilities: ['tech:self'] },
      },
      {
        path: 'tech/jobs/:name',
        name: 'tech-job',
        component: () => import('src/features/tech/TechJobPage.vue'),
        meta: { capabilities: ['tech:self'] },
        props: true,
      },
      {
        path: 'settings',
        component: () => import('src/features/settings/SettingsPage.vue'),
        meta: { capabilities: ['users:manage', 'technicians:manage', 'tags:manage', 'audit:view', 'flows:manage'] },
        children: [
          { path: '', name: 'settings', redirect: () => ({ name: firstAllowed('settings-') ?? 'home' }) },
          {
            path: 'users',
            name: 'settings-users',
            component: () => import('src/features/settings/UsersPage.vue'),
            meta: { capabilities: ['users:manage'] },
          },
          {
            path: 'technicians',
            name: 'settings-technicians',
            component: () => import('src/features/settings/TechniciansPage.vue'),
            meta: { capabilities: ['technicians:manage'] },
          },
          {
            path: 'tags',
            name: 'settings-tags',
            component: () => import('src/features/settings/TagsPage.vue'),
            meta: { capabilities: ['tags:manage'] },
          },
          {
            path: 'capabilities',
            name: 'settings-capabilities',
            component: () => import('src/features/settings/CapabilitiesPage.vue'),
            meta: { capabilities: ['users:manage'] },
          },
          {
            path: 'journal',
            name: 'settings-journal',
            component: () => import('src/features/settings/JournalPage.vue'),
            meta: { capabilities: ['audit:view'] },
          },
          {
            path: 'flows',
            name: 'settings-flows',
            component: () => import('src/features/flowsAdmin/FlowsPage.vue'),
            meta: { capabilities: ['flows:manage'] },
          },
          {
            path: 'flows/:key',
            name: 'settings-flow',
            component: () => import('src/features/flowsAdmin/FlowEditorPage.vue'),
            meta: { capabilities: ['flows:manage'] },
          },
        ],
      },
      { path: 'denied', name: 'denied', component: () => import('src/pages/DeniedPage.vue') },
      { path: ':rest(.*)*', redirect: { name: 'home' } },
    ],
  },
]

/** The first screen the signed-in user may open (optionally among names with a prefix). */
export function firstAllowed(prefix = ''): string | null {
  const session = useUserGroups()
  return NAV_HOME_ORDER.find((r) => r.name.startsWith(prefix) && session.canAny(r.capabilities))?.name ?? null
}

export const router = createRouter({ history: createWebHashHistory('/ops/'), routes })

/** Starts fetching a screen's code (its layout and page) while the session loads; the router then finds it there. */
function fetchScreen(to: RouteLocationNormalized) {
  for (const record of to.matched)
    for (const component of Object.values(record.components ?? {}))
      if (typeof component === 'function') void (component as () => Promise<unknown>)().catch(() => undefined)
}

/** The screen home leads to on this device, so the next bare `/ops/` preloads its code (src/contracts/openingScreen.ts). */
function rememberHome(name: string) {
  try {
    if (localStorage.getItem(HOME_SCREEN_KEY) !== name) localStorage.setItem(HOME_SCREEN_KEY, name)
  } catch {
    // Storage refused (private mode, quota): the next visit simply does not preload.
  }
}

router.beforeEach(async (to) => {
  const session = useUserGroups()
  if (session.state === 'loading' && !session.me) {
    fetchScreen(to)
    await session.load()
  }
  if (session.state !== 'signed-in') return true // the layout shows sign-in or persona picker
  // Where home leads this user, whichever screen they opened first.
  const first = firstAllowed()
  if (first) rememberHome(first)
  for (const record of to.matched) {
    const caps = record.meta.capabilities
    if (caps && !session.canAny(caps)) return { name: 'denied', query: { from: to.fullPath } }
  }
  if (to.name === 'home' && first) return { name: first }
  // An office screen after an opening on the technician's day: its words first (already there otherwise).
  if (typeof to.name !== 'string' || !FIELD_SCREENS.includes(to.name)) await officeWords()
  return true
})

/**
 * The address of a screen whose code could not be fetched (App.vue says so and offers to reload
 * there); cleared by the next screen that opens.
 */
export const failedScreen = ref<string | null>(null)

/** What Chromium, Firefox, Safari and Vite's preloading say when a module's code cannot be fetched. */
const CODE_NOT_FETCHED = /dynamically imported module|importing a module script failed|unable to preload/i

router.onError((error: unknown, to) => {
  if (error instanceof Error && CODE_NOT_FETCHED.test(error.message)) failedScreen.value = to.fullPath
})
router.afterEach((_to, _from, failure) => {
  if (!failure) failedScreen.value = null
})
