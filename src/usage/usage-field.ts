// The field of one counter in an hourly bucket: `\t<team>\t<key>\t<model>\t<metric>`.
// Team and key ids never hold a tab and metric names are fixed, so the model is whatever lies between the key
// and the metric, tabs included (JSON strings may hold "\t", and a failed request records the name as sent).
// The leading tab marks the layout: fields written before teams were recorded, `<key>\t<model>\t<metric>`,
// start with a key id, which never does, so either layout reads back right whatever the model holds.
import { DEFAULT_TEAM } from '../auth/key-record.js'
import type { Metric } from './usage-store.js'

export interface UsageCell { team: string, key: string, model: string, metric: string }

export function fieldOf (team: string, key: string, model: string, metric: Metric): string {
  return `\t${team}\t${key}\t${model}\t${metric}`
}

export function parseField (field: string): UsageCell | undefined {
  const withTeam = field.startsWith('\t')
  const rest = withTeam ? field.slice(1) : field
  const teamEnd = withTeam ? rest.indexOf('\t') : -1
  const keyEnd = rest.indexOf('\t', teamEnd + 1)
  const last = rest.lastIndexOf('\t')
  if ((withTeam && teamEnd < 0) || keyEnd < 0 || last <= keyEnd) return undefined
  return {
    // Old fields carry no team, and the key's team back then is unknown: they are reported under the default team.
    team: withTeam ? rest.slice(0, teamEnd) : DEFAULT_TEAM,
    key: rest.slice(teamEnd + 1, keyEnd),
    model: rest.slice(keyEnd + 1, last),
    metric: rest.slice(last + 1)
  }
}
