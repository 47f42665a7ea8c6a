// Teams: like keys, a policy (models, limits, budget) on top of each member key's, with this period's spend.
import { useEffect, useState } from 'preact/hooks'
import { call, get } from '../api.js'
import { money, num } from '../format.js'
import { t } from '../i18n.js'
import type { TeamView } from '../types.js'
import { PolicyForm, policyBody, withoutNulls } from './key-form.js'
import { budgetText, limitsText } from './policy-text.js'

export function TeamsPage () {
  const [teams, setTeams] = useState<TeamView[] | undefined>(undefined)
  const [creating, setCreating] = useState(false)
  const [editing, setEditing] = useState<string | undefined>(undefined)
  const load = async () => {
    const list = await get<{ data: TeamView[] }>('/admin/teams')
    setTeams(await Promise.all(list.data.map(async (team) => await get<TeamView>(`/admin/teams/${encodeURIComponent(team.id)}`))))
  }
  useEffect(() => { void load() }, [])
  const remove = async (id: string) => {
    if (!confirm(t('confirm_delete_team', { id }))) return
    await call('DELETE', `/admin/teams/${encodeURIComponent(id)}`)
    await load()
  }
  const editForm = (team: TeamView) => (
    <PolicyForm
      initial={team} keyFields={false} submitLabel={t('save')} onCancel={() => { setEditing(undefined) }}
      onSubmit={async (fields) => { await call('PATCH', `/admin/teams/${encodeURIComponent(team.id)}`, policyBody(fields, false)); setEditing(undefined); await load() }}
    />
  )
  return (
    <section>
      <div class='title-row'><h2>{t('teams')}</h2><button onClick={() => { setCreating(!creating) }} data-test='new-team'>{t('new_team')}</button></div>
      {creating && (
        <div class='card'>
          <PolicyForm
            withId keyFields={false} submitLabel={t('create')} onCancel={() => { setCreating(false) }}
            onSubmit={async (fields) => {
              await call('POST', '/admin/teams', { id: fields.id.trim(), ...withoutNulls(policyBody(fields, false)) })
              setCreating(false)
              await load()
            }}
          />
        </div>
      )}
      {teams === undefined && <p>{t('loading')}</p>}
      {teams?.length === 0 && <p class='empty'>{t('no_teams')}</p>}
      {teams !== undefined && teams.length > 0 && (
        <div class='table-wrap'>
          <table class='cards' data-test='teams'>
            <thead><tr><th>{t('field_id')}</th><th>{t('field_models')}</th><th>{t('limits')}</th><th>{t('budget')}</th><th>{t('spend')}</th><th /></tr></thead>
            <tbody>{teams.map((team) => editing === team.id
              ? (
                <tr key={team.id}><td colSpan={6}><strong>{team.id}</strong>{editForm(team)}</td></tr>
                )
              : (
                <tr key={team.id} data-team={team.id}>
                  <td data-label={t('field_id')}><strong>{team.id}</strong></td>
                  <td data-label={t('field_models')}>{team.models?.join(', ') ?? t('all_models')}</td>
                  <td data-label={t('limits')}>{limitsText(team)}</td>
                  <td data-label={t('budget')}>{budgetText(team.budget, team.spend?.currency ?? '')}</td>
                  <td data-label={t('spend')}>{team.spend === undefined ? '–' : `${money(team.spend.amount ?? '0', team.spend.currency)} · ${num(team.spend.tokens ?? 0)} tok`}</td>
                  <td class='actions'>{team.source !== 'config' && (
                    <>
                      <button class='secondary' onClick={() => { setEditing(team.id) }}>{t('edit')}</button>
                      <button class='danger' onClick={() => { void remove(team.id) }}>{t('delete')}</button>
                    </>
                  )}
                  </td>
                </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
