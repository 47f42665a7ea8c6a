// The deployment files, checked for what the gateway relies on (no container runtime or cluster runs here):
// ports, probes on /readyz and /healthz, grace periods longer than the drain, the config mount, env names.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse, parseAllDocuments } from 'yaml'
import { loadConfig } from '../../src/config/load.js'
import { durationMs } from '../../src/config/duration.js'
import { CONFIG_FILE_ENV, ENV_OVERRIDES } from '../../src/config/env-map.js'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
type Doc = Record<string, any>
const KNOWN_ENV = new Set([...Object.keys(ENV_OVERRIDES), CONFIG_FILE_ENV])
/** `${VAR}` references of a config text: the variables the deployment must provide. */
const referenced = (text: string) => [...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1] as string)

/** Loads a config text as qiao would, with every variable it references set. */
function configOf (text: string, dir: string) {
  const file = `${dir}/qiao.yaml`
  const env = Object.fromEntries([...referenced(text), 'QIAO_MASTER_KEY'].map((name) => [name, `test-value-${name.toLowerCase()}-0123456789`]))
  return loadConfig({ argv: ['--config', file], env, cwd: '/' }).config
}

t.test('compose: two replicas behind the proxy, probed on /readyz, draining longer than the shutdown timeout', async (t) => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as Doc
  const qiaoYaml = read('deploy/qiao.yaml')
  const config = configOf(qiaoYaml, new URL('../../deploy', import.meta.url).pathname)
  for (const name of ['qiao-1', 'qiao-2']) {
    const service = compose['services'][name] as Doc
    t.match(service['healthcheck'].test.join(' '), /127\.0\.0\.1:8080\/readyz/, `${name} is probed on /readyz`)
    const env = service['environment'] as Record<string, string>
    for (const key of Object.keys(env)) t.ok(KNOWN_ENV.has(key) || referenced(qiaoYaml).includes(key), `${name}: ${key} is read by qiao or its config`)
    t.match(env['QIAO_MASTER_KEY'], /^\$\{QIAO_MASTER_KEY:\?/, 'the master key comes from the environment, required')
    t.equal(env['REDIS_URL'], 'redis://redis:6379', 'both replicas share the one Redis')
    const mount = (service['volumes'] as string[]).find((v) => v.startsWith('./qiao.yaml:'))
    t.equal(mount?.split(':')[1], env[CONFIG_FILE_ENV], 'QIAO_CONFIG points at the mounted file')
    t.ok(durationMs(String(service['stop_grace_period'])) > durationMs(config.server.shutdownTimeout), 'the grace period outlasts the drain')
  }
  t.same(Object.keys(compose['services']['proxy']['depends_on']).sort(), ['qiao-1', 'qiao-2'])
  const nginx = read('deploy/nginx.conf')
  t.match(nginx, /server qiao-1:8080/)
  t.match(nginx, /server qiao-2:8080/)
  t.match(nginx, /proxy_buffering off/, 'streams are not buffered by the proxy')
  for (const name of referenced(qiaoYaml)) t.ok(name in compose['services']['qiao-1']['environment'], `${name} is provided`)
})

t.test('kubernetes: probes, ports, config mount, secrets and a grace period longer than the drain', async (t) => {
  const docs = ['configmap', 'secret', 'deployment', 'service', 'hpa', 'pdb'].flatMap((name) =>
    parseAllDocuments(read(`deploy/kubernetes/${name}.yaml`)).map((d) => d.toJS() as Doc))
  const byKind = (kind: string) => docs.find((d) => d['kind'] === kind) as Doc
  const deployment = byKind('Deployment')
  const pod = deployment['spec']['template']['spec'] as Doc
  const container = pod['containers'][0] as Doc
  const env = Object.fromEntries((container['env'] as Array<{ name: string, value: string }>).map((e) => [e.name, e.value]))
  const port = container['ports'].find((p: Doc) => p['name'] === 'http')
  t.equal(String(port.containerPort), env['PORT'], 'the container port is the one qiao listens on')
  t.equal(env['HOST'], '0.0.0.0')
  t.match(container['readinessProbe'], { httpGet: { path: '/readyz', port: 'http' } })
  t.match(container['livenessProbe'], { httpGet: { path: '/healthz', port: 'http' } })
  for (const name of Object.keys(env)) t.ok(KNOWN_ENV.has(name), `${name} is read by qiao`)

  const mount = container['volumeMounts'].find((m: Doc) => m['name'] === 'config')
  const configMap = byKind('ConfigMap')
  t.equal(pod['volumes'].find((v: Doc) => v['name'] === 'config').configMap.name, configMap['metadata'].name)
  const file = Object.keys(configMap['data'])[0] as string
  t.equal(env[CONFIG_FILE_ENV], `${mount.mountPath}/${file}`, 'QIAO_CONFIG names the mounted qiao.yaml')
  const qiaoYaml = configMap['data'][file] as string
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
  const dir = mkdtempSync('/tmp/qiao-k8s-')
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  writeFileSync(`${dir}/qiao.yaml`, qiaoYaml)
  const config = configOf(qiaoYaml, dir)

  const secret = byKind('Secret')
  t.equal(container['envFrom'][0].secretRef.name, secret['metadata'].name)
  const secretKeys = Object.keys(secret['stringData'])
  for (const name of [...referenced(qiaoYaml), 'QIAO_MASTER_KEY', 'REDIS_URL']) t.ok(secretKeys.includes(name), `the Secret provides ${name}`)
  const preStop = Number(container['lifecycle'].preStop.exec.command[1])
  t.ok(pod['terminationGracePeriodSeconds'] * 1000 > durationMs(config.server.shutdownTimeout) + preStop * 1000,
    'terminationGracePeriodSeconds outlasts preStop plus server.shutdownTimeout')

  const labels = deployment['spec']['template']['metadata'].labels
  t.same(byKind('Service')['spec'].selector, labels, 'the Service selects the pods')
  t.equal(byKind('Service')['spec'].ports[0].targetPort, 'http')
  t.same(byKind('PodDisruptionBudget')['spec'].selector.matchLabels, labels)
  t.match(byKind('HorizontalPodAutoscaler')['spec'].scaleTargetRef, { kind: 'Deployment', name: deployment['metadata'].name })
})

t.test('the image: health check on /healthz at the port it exposes, labels, and node as PID 1', async (t) => {
  const dockerfile = read('Dockerfile')
  t.match(dockerfile, /ENV [^\n]*PORT=8080/)
  t.match(dockerfile, /EXPOSE 8080/)
  t.match(dockerfile, /HEALTHCHECK [^\n]*\n\s+CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:' \+ \(process\.env\.PORT \|\| 8080\) \+ '\/healthz'\)/)
  t.match(dockerfile, /LABEL org\.opencontainers\.image\.title="qiao"/)
  t.match(dockerfile, /CMD \["node", "dist\/bundle\/server\.js"\]/)
  t.match(dockerfile, /USER node/)
  for (const folder of ['src', 'plugins', 'console', 'scripts']) t.match(dockerfile, new RegExp(`COPY ${folder} \\./${folder}\\n`), `the build stage has ${folder}/, which npm run build reads`)
})
