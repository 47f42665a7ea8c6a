// The page set: one list, two roles. A member sees pages about their own key only.
import type { FunctionComponent } from 'preact'
import type { Me, Role } from '../types.js'
import { KeysPage } from './keys.js'

export interface Page { name: string, roles: Role[], component: FunctionComponent<{ me: Me }> }

export const PAGES: Page[] = [
  { name: 'keys', roles: ['master', 'member'], component: KeysPage }
]

export const pagesFor = (role: Role): Page[] => PAGES.filter((page) => page.roles.includes(role))
