// The page set: one list, two roles. A member sees pages about their own key only.
import type { FunctionComponent } from 'preact'
import type { Me, Role } from '../types.js'
import { KeysPage } from './keys.js'
import { OverviewPage } from './overview.js'
import { PlaygroundPage } from './playground.js'
import { ProvidersPage } from './providers.js'
import { SettingsPage } from './settings.js'
import { TeamsPage } from './teams.js'
import { UsagePage } from './usage.js'

export interface Page { name: string, roles: Role[], component: FunctionComponent<{ me: Me }> }

export const PAGES: Page[] = [
  { name: 'overview', roles: ['master'], component: OverviewPage },
  { name: 'keys', roles: ['master', 'member'], component: KeysPage },
  { name: 'teams', roles: ['master'], component: TeamsPage },
  { name: 'usage', roles: ['master', 'member'], component: UsagePage },
  { name: 'providers', roles: ['master'], component: ProvidersPage },
  { name: 'playground', roles: ['master', 'member'], component: PlaygroundPage },
  { name: 'settings', roles: ['master'], component: SettingsPage }
]

export const pagesFor = (role: Role): Page[] => PAGES.filter((page) => page.roles.includes(role))
