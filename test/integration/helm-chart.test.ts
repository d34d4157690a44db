import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { renderChart, type Manifest } from '../helpers/deploy-files.js';

/** The apiVersion each kind the chart may produce must use (the stable, non-deprecated ones). */
const API_VERSIONS: Record<string, string> = {
  ConfigMap: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  PodDisruptionBudget: 'policy/v1',
  ServiceMonitor: 'monitoring.coreos.com/v1',
};

interface Container {
  name: string;
  env: Array<{ name: string; value: string }>;
  ports: Array<{ name: string; containerPort: number }>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  terminationGracePeriodSeconds: number;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string } }>;
}

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const deploymentOf = (manifests: Manifest[]) => byKind(manifests, 'Deployment')[0]!.spec as { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('deploy/helm/unlatch, rendered with default values', () => {
  const manifests = renderChart();

  it('renders well-formed objects of known kinds with valid names', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service']);
    for (const m of manifests) {
      expect(m.apiVersion, m.kind).toBe(API_VERSIONS[m.kind]);
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('runs 2 replicas that probe /healthz for liveness and /readyz for readiness on a named port', () => {
    const deployment = deploymentOf(manifests);
    expect(deployment.replicas).toBe(2);
    const [container] = deployment.template.spec.containers;
    const portNames = container!.ports.map((p) => p.name);
    expect(container!.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container!.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(portNames).toEqual(['http', 'metrics']);
    expect(container!.ports.find((p) => p.name === 'metrics')!.containerPort).toBe(9464);
    expect(container!.env).toContainEqual({ name: 'UNLATCH_METRICS_LISTEN', value: '0.0.0.0:9464' });
  });

  it('runs as non-root on a read-only root filesystem, and waits long enough for the drain', () => {
    const spec = deploymentOf(manifests).template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(spec.containers[0]!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });

  it('selects its own pods from the Deployment, the Service and the PodDisruptionBudget', () => {
    const deployment = deploymentOf(manifests);
    const podLabels = deployment.template.metadata.labels;
    expect(matches(deployment.selector.matchLabels, podLabels)).toBe(true);
    const service = byKind(manifests, 'Service')[0]!.spec as { selector: Record<string, string>; ports: Array<{ name: string; targetPort: string }> };
    expect(matches(service.selector, podLabels)).toBe(true);
    const containerPorts = deployment.template.spec.containers[0]!.ports.map((p) => p.name);
    for (const port of service.ports) expect(containerPorts).toContain(port.targetPort);
    const pdb = byKind(manifests, 'PodDisruptionBudget')[0]!.spec as { minAvailable: number; selector: { matchLabels: Record<string, string> } };
    expect(pdb.minAvailable).toBe(1);
    expect(matches(pdb.selector.matchLabels, podLabels)).toBe(true);
  });

  it('mounts volumes that exist: the rendered ConfigMap and the existing Secret', () => {
    const spec = deploymentOf(manifests).template.spec;
    const volumes = new Set(spec.volumes.map((v) => v.name));
    for (const mount of spec.containers[0]!.volumeMounts) expect(volumes, mount.name).toContain(mount.name);
    const configMap = spec.volumes.find((v) => v.configMap)!.configMap!.name;
    expect(byKind(manifests, 'ConfigMap').map((m) => m.metadata.name)).toContain(configMap);
    expect(spec.volumes.find((v) => v.secret)!.secret!.secretName).toBe('unlatch-secrets');
  });

  it('ships a configuration that Unlatch accepts with the secrets the pod gets as files', () => {
    const configMap = byKind(manifests, 'ConfigMap')[0]!;
    const container = deploymentOf(manifests).template.spec.containers[0]!;
    const mountDir = mkdtempSync(join(tmpdir(), 'unlatch-pod-'));
    const secretContent: Record<string, string> = { keys: `k1:${'d'.repeat(64)}\n`, 'database-url': 'postgres://u:p@db/unlatch\n', 'redis-url': 'redis://:p@redis:6379\n', 'smtp-password': 'pw\n' };
    const env: Record<string, string> = {};
    for (const { name, value } of container.env) {
      if (!name.endsWith('_FILE')) {
        env[name] = value;
        continue;
      }
      const key = value.replace('/run/secrets/unlatch/', '');
      expect(secretContent, key).toHaveProperty(key);
      writeFileSync(join(mountDir, key), secretContent[key]!);
      env[name] = join(mountDir, key);
    }
    writeFileSync(join(mountDir, 'unlatch.yaml'), configMap.data!['unlatch.yaml']!);
    const config = loadConfig({ configPath: join(mountDir, 'unlatch.yaml'), env, cwd: mountDir });
    expect(config).toMatchObject({ mode: 'production', server: { host: '0.0.0.0', port: 8080 } });
    expect(config.rateLimits.redis.url).toBe('redis://:p@redis:6379');
    expect(config.secrets.keys[0]!.id).toBe('k1');
  });
});

describe('deploy/helm/unlatch, rendered with other values', () => {
  it('adds a ServiceMonitor on the metrics port when asked', () => {
    const manifests = renderChart('metrics:\n  serviceMonitor:\n    enabled: true\n');
    const monitor = byKind(manifests, 'ServiceMonitor')[0]!;
    expect(monitor.apiVersion).toBe(API_VERSIONS.ServiceMonitor);
    expect((monitor.spec as { endpoints: Array<{ port: string }> }).endpoints[0]!.port).toBe('metrics');
  });

  it('drops the metrics port everywhere when metrics are off, and takes the image tag', () => {
    const manifests = renderChart('metrics:\n  enabled: false\nimage:\n  tag: "9.9.9"\nreplicaCount: 3\n');
    const deployment = deploymentOf(manifests);
    expect(deployment.replicas).toBe(3);
    expect(deployment.template.spec.containers[0]!.ports.map((p) => p.name)).toEqual(['http']);
    expect((deployment.template.spec.containers[0] as unknown as { image: string }).image).toMatch(/:9\.9\.9$/);
    const service = byKind(manifests, 'Service')[0]!.spec as { ports: Array<{ name: string }> };
    expect(service.ports.map((p) => p.name)).toEqual(['http']);
  });
});
