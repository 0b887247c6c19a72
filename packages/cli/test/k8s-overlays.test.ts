import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadAttributionConfig } from '../../../services/attribution-service/src/config';
import { parseEmailSenderConfig } from '../../../services/email-sender/src/config';
import { parseSchedulerConfig } from '../../../services/reminder-scheduler/src/config';
import { loadStatsConfig } from '../../../services/stats-service/src/config';
import { loadWhatsAppSenderConfig } from '../../../services/whatsapp-sender/src/config';

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

describe.skipIf(!hasKubectl && !process.env.CI)('prod overlay ingress and site settings', () => {
  const objects = render('prod');
  const [config] = byKind(objects, 'ConfigMap');
  const settings = config!.data as Record<string, string>;
  const [ingress, ...more] = byKind(objects, 'Ingress');
  const paths = (ingress?.spec.rules ?? []).flatMap((rule: Manifest) =>
    rule.http.paths.map((p: Manifest) => ({
      host: rule.host as string,
      path: p.path as string,
      type: p.pathType as string,
      service: p.backend.service.name as string,
    })),
  );

  it('has one Ingress, for the host of PUBLIC_BASE_URL, over TLS', () => {
    expect(ingress).toBeDefined();
    expect(more).toEqual([]);
    const host = new URL(settings.PUBLIC_BASE_URL!).hostname;
    expect(settings.PUBLIC_BASE_URL).toMatch(/^https:/);
    expect(new Set(paths.map((p: { host: string }) => p.host))).toEqual(new Set([host]));
    expect(ingress!.spec.tls.flatMap((t: Manifest) => t.hosts)).toEqual([host]);
  });

  it('routes to whatsapp-sender only Twilio’s two webhooks, and nothing to the other services', () => {
    const byService = (name: string) => paths.filter((p: { service: string }) => p.service === name);
    expect(byService('whatsapp-sender')).toEqual([
      expect.objectContaining({ path: '/twilio/status', type: 'Exact' }),
      expect.objectContaining({ path: '/twilio/inbound', type: 'Exact' }),
    ]);
    expect(byService('stats-service').length + byService('whatsapp-sender').length).toBe(paths.length);
  });

  it('routes the pages and the links in messages to stats-service, never its probes or metrics', () => {
    const routed = (path: string) =>
      paths.some(
        (p: { path: string; type: string; service: string }) =>
          p.service === 'stats-service' &&
          (p.type === 'Exact' ? p.path === path : path === p.path || path.startsWith(`${p.path}/`)),
      );
    for (const path of ['/', '/sign-in', '/notifications/abc', '/preferences', '/p/t0ken', '/u/t0ken'])
      expect(routed(path), path).toBe(true);
    for (const path of ['/metrics', '/livez', '/readyz', '/docs', '/whatsapp', '/mail'])
      expect(routed(path), path).toBe(false);
  });

  it('sets what the site must: the Twilio callback on the same host, MAIL_FROM, TRUST_PROXY', () => {
    expect(settings.TWILIO_STATUS_CALLBACK_URL).toBe(
      new URL('/twilio/status', settings.PUBLIC_BASE_URL).href,
    );
    expect(settings.MAIL_FROM).toMatch(/<[^@\s]+@[^>\s]+>/);
    // The Ingress is stats-service's TCP peer: without TRUST_PROXY every sign-in counts as its.
    expect(settings.TRUST_PROXY).toMatch(/^[0-9a-f.:/,]+$/);
  });
});

describe.skipIf(!hasKubectl && !process.env.CI)('settings as the pods get them', () => {
  const LOADERS: Record<string, (env: Record<string, string | undefined>) => unknown> = {
    'attribution-service': loadAttributionConfig,
    'email-sender': parseEmailSenderConfig,
    'whatsapp-sender': loadWhatsAppSenderConfig,
    'stats-service': loadStatsConfig,
    'reminder-scheduler': parseSchedulerConfig,
  };
  /** What `rappel-secrets` holds in the documented recipe (docs/operations.md), as test values. */
  const secret = {
    DATABASE_URL: 'postgres://rappel:pw@postgres.example:5432/rappel',
    LINK_SIGNING_SECRET: 'l'.repeat(48),
    SESSION_SECRET: 's'.repeat(48),
    SMTP_URL: 'smtps://user:password@smtp.example.com:465',
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 't'.repeat(32),
    TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
  };
  const podEnv = (overlay: string, service: string) => {
    const objects = render(overlay);
    const [config] = byKind(objects, 'ConfigMap');
    const container = named(objects, 'Deployment', service)!.spec.template.spec.containers[0];
    const env = Object.fromEntries((container.env ?? []).map((e: Manifest) => [e.name, e.value]));
    // dev has no Ingress for Twilio to call back through: its secret holds no Twilio credentials.
    const { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM, ...devSecret } = secret;
    return { ...config!.data, ...(overlay === 'dev' ? devSecret : secret), ...env } as Record<string, string>;
  };

  it.each(SERVICES)('dev: %s starts with the ConfigMap and the secret', (service) => {
    expect(() => LOADERS[service]!(podEnv('dev', service))).not.toThrow();
  });

  it.each(SERVICES)('prod: %s refuses the placeholder host, and starts once it is replaced', (service) => {
    const env = podEnv('prod', service);
    const reads = service !== 'reminder-scheduler'; // the scheduler reads no PUBLIC_BASE_URL
    if (reads) expect(() => LOADERS[service]!(env)).toThrow(/PUBLIC_BASE_URL: .*placeholder/);
    const site = { PUBLIC_BASE_URL: 'https://rappel.hotel.example' };
    const twilio = { TWILIO_STATUS_CALLBACK_URL: 'https://rappel.hotel.example/twilio/status' };
    expect(() => LOADERS[service]!({ ...env, ...site, ...twilio })).not.toThrow();
  });
});
