import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * Structure of every rendered Kustomize overlay (infra/k8s). Rendering needs kubectl; CI
 * installs it (.ci/infra-checks), so there a missing kubectl fails instead of skipping.
 */
const RENDER = fileURLToPath(new URL('../../../infra/k8s/render.sh', import.meta.url));
const SERVICES = [
  'attribution-service',
  'email-sender',
  'whatsapp-sender',
  'stats-service',
  'reminder-scheduler',
] as const;
const AUTOSCALED = ['email-sender', 'whatsapp-sender'];
const RECOMMENDED_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
];

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field below
type Manifest = Record<string, any>;

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

function render(overlay: string): Manifest[] {
  const out = execFileSync('bash', [RENDER, overlay], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as Manifest);
}

const byKind = (objects: Manifest[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: Manifest[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.skipIf(!hasKubectl && !process.env.CI).each(['dev', 'prod'])('overlay %s', (overlay) => {
  const objects = render(overlay);
  const deployments = byKind(objects, 'Deployment');
  const [config] = byKind(objects, 'ConfigMap');
  const graceSeconds = Number(config?.data?.SHUTDOWN_GRACE_SECONDS);

  it('has one Deployment per service and the settings ConfigMap, and no Secret values', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
    expect(graceSeconds).toBeGreaterThan(0);
    expect(byKind(objects, 'Secret')).toEqual([]);
  });

  it.each(SERVICES)('%s: probes, resources, labels, grace period, non-root', (service) => {
    const d = named(objects, 'Deployment', service)!;
    const pod = d.spec.template.spec;
    const [container] = pod.containers;
    for (const label of RECOMMENDED_LABELS) {
      expect(d.metadata.labels[label], label).toBeTruthy();
      expect(d.spec.template.metadata.labels[label], label).toBeTruthy();
    }
    expect(d.metadata.labels['app.kubernetes.io/name']).toBe(service);
    expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);

    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.resources.requests.cpu).toBeTruthy();
    expect(container.resources.requests.memory).toBeTruthy();
    expect(container.resources.limits.memory).toBeTruthy();

    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(graceSeconds);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);

    const envFrom = container.envFrom as Manifest[];
    expect(envFrom.map((e) => e.configMapRef?.name).filter(Boolean)).toEqual([config!.metadata.name]);
    expect(envFrom.map((e) => e.secretRef?.name).filter(Boolean)).toEqual(['rappel-secrets']);
  });

  it('routes a Service and a PodDisruptionBudget to each Deployment', () => {
    for (const service of SERVICES) {
      const pods = named(objects, 'Deployment', service)!.spec.template.metadata.labels;
      const svc = named(objects, 'Service', service);
      expect(svc, `Service ${service}`).toBeDefined();
      expect(selects(svc!.spec.selector, pods)).toBe(true);
      const pdb = named(objects, 'PodDisruptionBudget', service);
      expect(pdb, `PodDisruptionBudget ${service}`).toBeDefined();
      expect(selects(pdb!.spec.selector.matchLabels, pods)).toBe(true);
    }
  });

  it('autoscales exactly the two senders, each aimed at its Deployment', () => {
    const hpas = byKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(AUTOSCALED);
    for (const hpa of hpas) {
      const target = named(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
      expect(target?.kind).toBe('Deployment');
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      // The autoscaler owns the count: a replicas field would reset it on every apply.
      expect(target?.spec.replicas, `${target?.metadata.name}.spec.replicas`).toBeUndefined();
    }
  });

  it('runs the migrations in a Job, as non-root, with the same config and secret', () => {
    const job = named(objects, 'Job', 'rappel-migrate');
    expect(job).toBeDefined();
    const pod = job!.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].command.join(' ')).toContain('dist/migrate-cli.js');
    expect(pod.containers[0].envFrom.map((e: Manifest) => e.secretRef?.name ?? e.configMapRef?.name)).toEqual(
      [config!.metadata.name, 'rappel-secrets'],
    );
  });

  it.each(SERVICES)('%s: starts only once its image’s migrations are in the database', (service) => {
    const pod = named(objects, 'Deployment', service)!.spec.template.spec;
    const [main] = pod.containers;
    const [wait, ...others] = pod.initContainers ?? [];
    expect(others).toEqual([]);
    expect(wait.image).toBe(main.image);
    expect(wait.command.join(' ')).toMatch(/dist\/migrate-cli\.js --wait\b/);
    expect(wait.envFrom).toEqual(main.envFrom);
    expect(wait.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(wait.resources.limits.memory).toBeTruthy();
  });

  it('puts everything in the overlay namespace', () => {
    const namespaces = new Set(objects.map((o) => o.metadata.namespace));
    expect(namespaces).toEqual(new Set([overlay === 'prod' ? 'rappel' : 'rappel-dev']));
  });
});

describe.skipIf(!hasKubectl && !process.env.CI)('prod overlay sizing', () => {
  it('runs at least two replicas of the HTTP services and of each sender', () => {
    const objects = render('prod');
    for (const name of ['attribution-service', 'stats-service', 'reminder-scheduler']) {
      expect(named(objects, 'Deployment', name)!.spec.replicas, name).toBeGreaterThanOrEqual(2);
    }
    for (const hpa of byKind(objects, 'HorizontalPodAutoscaler')) {
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    }
  });
});
