import type fr from './fr'

const en: typeof fr = {
  app: { name: 'Gigafibre Ops' },
  nav: {
    dispatch: 'Dispatch',
    clients: 'Customers',
    tech: 'My jobs',
    settings: 'Settings',
    users: 'Users',
    technicians: 'Technicians',
    tags: 'Tags',
    capabilities: 'Capabilities',
    journal: 'Audit log',
    flows: 'Agent flows',
    menu: 'Menu',
  },
  shell: {
    online: 'Online',
    offline: 'Offline',
    offlineHint: 'Your actions are kept and will be sent when the network returns.',
    language: 'Language',
    groups: 'Groups',
    switchPersona: 'Switch persona',
    signOut: 'Sign out',
    pending: 'Pending: {n}',
  },
  session: {
    loading: 'Loading your session…',
    signedOut: 'You are not signed in.',
    signedOutHint: 'Reload the page to go through the Gigafibre sign-in.',
    reload: 'Reload',
    error: 'Your session could not be loaded.',
    retry: 'Try again',
    pickPersona: 'Pick a demo persona',
    pickPersonaHint: 'Demo mode: the data is fictitious and stays on this machine.',
    personas: {
      admin: 'Administrator',
      dispatcher: 'Dispatcher',
      csr: 'Customer service',
      technician: 'Technician',
    },
  },
  access: {
    denied: 'This page is not part of your role.',
    deniedHint: 'If you need it, ask an administrator (Settings → Capabilities shows who can do what).',
    home: 'Back to home',
    nothing: 'Your account does not have access to any screen yet.',
  },
  empty: {
    dispatch: 'The dispatch board will appear here.',
    clients: 'Search a customer by name, phone, address, number, serial or MAC.',
    tech: 'No jobs planned for you today.',
    settings: 'Pick a settings section.',
  },
  load: {
    failed: 'This part of the console could not be loaded.',
    failedHint:
      'Check the connection, then reload the page: it will open where you were. A new version may also have been released.',
    reload: 'Reload the page',
  },
  common: { retry: 'Try again', cancel: 'Cancel', save: 'Save', close: 'Close', loading: 'Loading…', search: 'Search' },
}
export default en
