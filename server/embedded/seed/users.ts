/** One ERPNext User per persona, linked to Authentik as the hub would create them. */
import { PERSONAS } from '../../../src/contracts/personas'
import type { UserDoc } from './docs'
import { DAY, type SiteCalendar } from './time'

export function generateUsers(cal: SiteCalendar): UserDoc[] {
  const stamp = cal.datetime(cal.now.getTime() - 700 * DAY)
  return PERSONAS.map((p) => {
    const [first, ...rest] = p.name.split(' ')
    return {
      name: p.email,
      creation: stamp,
      modified: stamp,
      email: p.email,
      first_name: first,
      last_name: rest.join(' '),
      user_type: 'System User',
      enabled: 1,
      social_logins: [{ provider: 'authentik', userid: p.email }],
    }
  })
}
