// The field layout of usage buckets: team, key, model and metric read back whatever the model holds, and
// fields written before teams were recorded read back under the default team.
import t from 'tap'
import { fieldOf, parseField } from '../../src/usage/usage-field.js'

t.test('a field reads back as the team, key, model and metric written', async (t) => {
  t.same(parseField(fieldOf('red', 'alice', 'deepseek/deepseek-chat', 'cost')), { team: 'red', key: 'alice', model: 'deepseek/deepseek-chat', metric: 'cost' })
})

t.test('a model name holding tabs, commas and quotes reads back whole', async (t) => {
  const model = 'odd\tname, "quoted"\t'
  t.same(parseField(fieldOf('red', 'alice', model, 'requests')), { team: 'red', key: 'alice', model, metric: 'requests' })
  t.same(parseField(fieldOf('red', 'alice', '', 'requests')), { team: 'red', key: 'alice', model: '', metric: 'requests' })
})

t.test('a field written before teams were recorded reads back under the default team', async (t) => {
  t.same(parseField('alice\tfast\trequests'), { team: 'default', key: 'alice', model: 'fast', metric: 'requests' })
  t.same(parseField('alice\tmodel\twith\ttabs\ttotal_tokens'), { team: 'default', key: 'alice', model: 'model\twith\ttabs', metric: 'total_tokens' })
})

t.test('a field that is not one is skipped', async (t) => {
  for (const field of ['', 'requests', 'alice\trequests', '\tred', '\tred\talice', '\tred\talice\trequests']) {
    t.equal(parseField(field), undefined, JSON.stringify(field))
  }
})
