// The compose files (vessels/ and the standalone ones beside a service) against the
// Compose Specification, docker-compose 1.29 and the catalog: a service forgotten in a
// file, a wrong port, upstream URL or database URI, a path that does not resolve, or a
// default password fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressedBy, getService, SERVICES, upstreamsOf, urlVariable } from '@azora/catalog';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  bindSources,
  builtComposeFiles,
  catalogServicesIn,
  composeConfig,
  composeConfigRun,
  documentedCombinations,
  fileExists,
  INFRASTRUCTURE_SERVICES,
  knownComposeFiles,
  monitoredStackFiles,
  type NormalizedCompose,
  nodeEnvOf,
  PLANNED_COMPOSE_FILES,
  portBindings,
  readComposeFile,
  readEnvExample,
  schemaErrors,
  variableReferences,
} from './compose.ts';
import { dockerStages, parseDockerfile } from './dockerfile.ts';
import { presentServices, REPO_ROOT } from './repo.ts';

const present = new Set(presentServices().map((s) => s.entry.name));
const built = builtComposeFiles();
const SECRET = /PASSWORD|SECRET|TOKEN|KEY/;

describe('compose files: built and planned', () => {
  it('has every compose file the catalog names, except the documented planned ones', () => {
    for (const file of knownComposeFiles()) {
      if (file in PLANNED_COMPOSE_FILES) {
        expect(
          fileExists(file),
          `${file} exists now: remove it from PLANNED_COMPOSE_FILES in scripts/src/compose.ts so it is checked`,
        ).toBe(false);
      } else {
        expect(fileExists(file), `${file} is named by the catalog but missing`).toBe(true);
      }
    }
  });

  it('lists the planned files in vessels/README.md', () => {
    const readme = readFileSync(join(REPO_ROOT, 'vessels/README.md'), 'utf8');
    for (const file of Object.keys(PLANNED_COMPOSE_FILES)) {
      expect(readme, file).toContain(
        file.startsWith('vessels/') ? `\`${file.slice('vessels/'.length)}\`` : file.replace('organs/', '../organs/'),
      );
    }
  });

  it('does not leave stray compose files in vessels/ that the catalog does not know', () => {
    const files = readdir('vessels').filter((f) => /^docker-compose.*\.ya?ml$/.test(f));
    expect(files.map((f) => `vessels/${f}`).filter((f) => !knownComposeFiles().includes(f))).toEqual([]);
  });

  it('has no compose file beside a service that its catalog entry does not name', () => {
    const beside = SERVICES.flatMap((s) =>
      readdir(s.folder)
        .filter((f) => /^(docker-)?compose.*\.ya?ml$/.test(f))
        .map((f) => `${s.folder}/${f}`),
    );
    expect(beside.filter((f) => !knownComposeFiles().includes(f))).toEqual([]);
  });
});

function readdir(dir: string): string[] {
  return existsSync(join(REPO_ROOT, dir)) ? readdirSync(join(REPO_ROOT, dir)) : [];
}

describe('vessels/.env.example', () => {
  const example = readEnvExample();
  const references = built.flatMap(({ file }) => variableReferences(readFileSync(join(REPO_ROOT, file), 'utf8')));

  it('documents every variable the compose files use, and no other', () => {
    expect([...example.keys()].sort()).toEqual([...new Set(references.map((r) => r.name))].sort());
  });

  it('has no default for any secret: required in the files, empty in the example', () => {
    for (const reference of references.filter((r) => SECRET.test(r.name))) {
      expect(reference.required, `${reference.name} must be \${${reference.name}:?…}`).toBe(true);
      expect(reference.fallback, `${reference.name} has a default`).toBeUndefined();
      expect(example.get(reference.name), `${reference.name} in .env.example`).toBe('');
    }
    // A required variable's value is the operator's to choose.
    for (const reference of references.filter((r) => r.required)) expect(example.get(reference.name)).toBe('');
  });
});

describe.each(built.map((info) => [info.file, info] as const))('%s', (file, { kind }) => {
  const raw = readComposeFile(file);
  let config: NormalizedCompose;
  beforeAll(async () => {
    config = await composeConfig([file]);
  });

  it('is valid against the Compose Specification schema', () => {
    expect(schemaErrors(raw)).toEqual([]);
  });

  it('is accepted by docker-compose config, and refuses to run without its required secrets', async () => {
    expect(Object.keys(config.services).length).toBeGreaterThan(0);
    const required = variableReferences(readFileSync(join(REPO_ROOT, file), 'utf8')).filter((r) => r.required);
    if (required.length === 0) return;
    const run = await composeConfigRun([file], readEnvExample());
    expect(run.ok).toBe(false);
    expect(run.stderr).toMatch(new RegExp(`(${required.map((r) => r.name).join('|')}) must be set`));
  });

  it('runs exactly the catalog services that name this file, plus known infrastructure', () => {
    const names = Object.keys(config.services);
    const expected = kind === 'monitoring' ? [] : catalogServicesIn(file);
    expect(names.filter((name) => !(name in INFRASTRUCTURE_SERVICES)).sort(), 'catalog services').toEqual(
      [...expected].sort(),
    );
  });

  it('pins every image: infrastructure to a full version, never latest', () => {
    for (const [name, service] of Object.entries(config.services)) {
      expect(service.image, `${name}: image`).toBeDefined();
      expect(service.image, name).not.toMatch(/:latest$/);
      expect(service.image, `${name} has a tag`).toMatch(/:[^/]+$/);
      const pattern = INFRASTRUCTURE_SERVICES[name];
      if (pattern) expect(service.image, name).toMatch(pattern);
      else expect(service.image, name).toMatch(new RegExp(`^azora/${name}:`));
    }
  });

  it('resolves every build context, Dockerfile and bind-mounted path to a file in the repo', () => {
    for (const [name, service] of Object.entries(config.services)) {
      for (const source of bindSources(service)) expect(existsSync(source), `${name}: bind mount ${source}`).toBe(true);
      if (!service.build) continue;
      expect(service.build.context, `${name}: build context is the repo root`).toBe(REPO_ROOT.replace(/\/$/, ''));
    }
  });

  describe.each((kind === 'monitoring' ? [] : catalogServicesIn(file)).map((name) => [name] as const))('%s', (name) => {
    const entry = getService(name);
    const service = () => {
      const found = config.services[name];
      if (!found) throw new Error(`${name} is missing from ${file} (its catalog entry lists this file)`);
      return found;
    };
    const environment = () =>
      Object.fromEntries(Object.entries(service().environment ?? {}).map(([k, v]) => [k, String(v)]));
    const inFile = () => new Set(Object.keys(config.services));

    it('is built from its Dockerfile, which exposes the catalog port', () => {
      expect(service().build?.dockerfile).toBe(`${entry.folder}/Dockerfile`);
    });

    const dockerfileTitle = present.has(name)
      ? `has ${entry.folder}/Dockerfile, with EXPOSE ${entry.port}`
      : `has ${entry.folder}/Dockerfile (skipped: ${entry.folder} is not in the repo yet)`;
    it.skipIf(!present.has(name))(dockerfileTitle, () => {
      const dockerfile = join(REPO_ROOT, entry.folder, 'Dockerfile');
      expect(existsSync(dockerfile), dockerfile).toBe(true);
      const stages = dockerStages(parseDockerfile(readFileSync(dockerfile, 'utf8')));
      const expose =
        stages
          .at(-1)
          ?.instructions.filter((i) => i.keyword === 'EXPOSE')
          .map((i) => i.args) ?? [];
      expect(expose.join(' ').split(/\s+/).map(Number)).toEqual([entry.port]);
    });

    it(`sets PORT to the catalog port and NODE_ENV=${nodeEnvOf(kind)}`, () => {
      expect(environment().PORT).toBe(String(entry.port));
      expect(environment().NODE_ENV).toBe(nodeEnvOf(kind));
    });

    it(kind === 'production' ? 'publishes only its catalog published port' : 'publishes its catalog port', () => {
      const ports = portBindings(service()).map((p) => ({ published: p.published, target: p.target }));
      if (kind !== 'production') expect(ports).toEqual([{ published: entry.port, target: entry.port }]);
      else expect(ports).toEqual(entry.publishedPort ? [{ published: entry.publishedPort, target: entry.port }] : []);
    });

    it('has <SERVICE>_URL = http://<name>:<port> for each upstream in this file, and no URL pointing elsewhere', () => {
      // The services it calls and those it watches (tracing-recovery: every one).
      const upstreams = addressedBy(name).filter((u) => inFile().has(u.name));
      const expected = Object.fromEntries(upstreams.map((u) => [urlVariable(u.name), `http://${u.name}:${u.port}`]));
      const urlVariables = Object.fromEntries(
        Object.entries(environment()).filter(
          ([key]) => key.endsWith('_URL') && !['REDIS_URL', 'DATABASE_URL', 'POSTGRES_URL', 'MQTT_URL'].includes(key),
        ),
      );
      expect(urlVariables).toEqual(expected);
    });

    it('gets REDIS_URL for the compose Redis exactly when the catalog says it uses Redis', () => {
      const url = environment().REDIS_URL;
      if (!entry.infrastructure.includes('redis')) return expect(url).toBeUndefined();
      expect(inFile().has('redis'), 'a redis service in the file').toBe(true);
      const parsed = new URL(url as string);
      expect([parsed.protocol, parsed.hostname, parsed.port]).toEqual(['redis:', 'redis', '6379']);
      if (kind === 'production') expect(parsed.password, 'production Redis requires a password').not.toBe('');
    });

    it('gets DATABASE_URL for the compose Postgres, with a database of its own, exactly when the catalog says it uses Postgres', () => {
      const { DATABASE_URL, POSTGRES_URL } = environment();
      if (!entry.infrastructure.includes('postgres'))
        return expect([DATABASE_URL, POSTGRES_URL]).toEqual([undefined, undefined]);
      expect(inFile().has('postgres'), 'a postgres service in the file').toBe(true);
      // A service that reads every database gets the server (POSTGRES_URL), no database of its own.
      const url = entry.readsEveryDatabase ? POSTGRES_URL : DATABASE_URL;
      expect(entry.readsEveryDatabase ? DATABASE_URL : POSTGRES_URL).toBeUndefined();
      const parsed = new URL(url as string);
      expect([parsed.protocol, parsed.hostname, parsed.port]).toEqual(['postgres:', 'postgres', '5432']);
      // Each service owns its data: a database named after it (as `pnpm dev` names it).
      expect(parsed.pathname).toBe(entry.readsEveryDatabase ? '' : `/azora_${name.replace(/-/g, '_')}`);
      const postgres = config.services.postgres?.environment ?? {};
      expect(decodeURIComponent(parsed.username)).toBe(String(postgres.POSTGRES_USER));
      expect(decodeURIComponent(parsed.password), 'the password the Postgres service was given').toBe(
        String(postgres.POSTGRES_PASSWORD),
      );
    });

    it('gets MONGODB_URI for the compose MongoDB, with a database of its own, exactly when the catalog says it uses MongoDB', () => {
      const uri = environment().MONGODB_URI;
      if (!entry.infrastructure.includes('mongodb')) return expect(uri).toBeUndefined();
      expect(inFile().has('mongodb'), 'a mongodb service in the file').toBe(true);
      const parsed = new URL(uri as string);
      expect([parsed.protocol, parsed.hostname, parsed.port]).toEqual(['mongodb:', 'mongodb', '27017']);
      // Each service owns its data: a database named after it, never another service's (a
      // service that reads every database gets the server).
      expect(parsed.pathname).toBe(entry.readsEveryDatabase ? '' : `/${name.replace(/-/g, '_')}`);
    });

    it('gets MQTT_URL for the compose Mosquitto, with its own account, exactly when the catalog says it uses MQTT', () => {
      const { MQTT_URL: url, MQTT_USERNAME: username, MQTT_PASSWORD: password } = environment();
      if (!entry.infrastructure.includes('mqtt'))
        return expect([url, username, password]).toEqual([undefined, undefined, undefined]);
      expect(inFile().has('mosquitto'), 'a mosquitto service in the file').toBe(true);
      expect(url).toBe('mqtt://mosquitto:1883');
      // The broker refuses anonymous clients (vessels/mosquitto/mosquitto.conf): the account
      // is the service's name, its password the one the broker's password file is written from.
      expect(username).toBe(name);
      expect(password).toBe(config.services.mosquitto?.environment?.MQTT_SERVICE_PASSWORD);
    });

    if (name === 'main-app')
      it('lists the services of this file in DEPLOYED_SERVICES, so the status board and alerts know what runs here', () => {
        const listed = (environment().DEPLOYED_SERVICES ?? '').split(',').map((n) => n.trim());
        expect(listed.sort()).toEqual(catalogServicesIn(file).sort());
      });

    it('starts after the upstreams and infrastructure it needs', () => {
      const needs = [
        ...upstreamsOf(name)
          .filter((u) => inFile().has(u.name))
          .map((u) => u.name),
        ...(entry.infrastructure.includes('postgres') ? ['postgres'] : []),
        ...(entry.infrastructure.includes('redis') ? ['redis'] : []),
        ...(entry.infrastructure.includes('mongodb') ? ['mongodb'] : []),
        ...(entry.infrastructure.includes('mqtt') ? ['mosquitto'] : []),
      ];
      const dependsOn = service().depends_on ?? {};
      expect(Object.keys(dependsOn).sort()).toEqual(needs.sort());
      if (kind === 'production' || kind === 'standalone') {
        for (const [dependency, { condition }] of Object.entries(dependsOn))
          expect(condition, dependency).toBe('service_healthy');
      }
    });

    // A service's own compose file (standalone) runs it alone, without a tracing-recovery.
    it.skipIf(kind === 'standalone')(
      'sends its spans to the tracing-recovery of this file (OTEL_EXPORTER_OTLP_ENDPOINT)',
      () => {
        const endpoint = environment().OTEL_EXPORTER_OTLP_ENDPOINT;
        // tracing-recovery keeps its own spans without sending them over HTTP to itself.
        if (name === 'tracing-recovery') return expect(endpoint).toBeUndefined();
        expect(inFile().has('tracing-recovery'), 'tracing-recovery in the file').toBe(true);
        expect(endpoint).toBe(`http://tracing-recovery:${getService('tracing-recovery').port}`);
      },
    );

    it('is on the azora network', () => {
      expect(Object.keys(service().networks ?? {})).toEqual(['azora']);
    });

    if (kind === 'production' || kind === 'standalone') {
      it('is hardened for production', () => {
        const s = service();
        expect(s.restart).toBe('always');
        expect(s.read_only, 'read-only root filesystem').toBe(true);
        expect(s.security_opt).toContain('no-new-privileges:true');
        expect(s.user, 'non-root user').toBeDefined();
        expect(s.user).not.toMatch(/^(root|0)(:|$)/);
        expect(Number(s.deploy?.resources?.limits?.cpus), 'cpu limit').toBeGreaterThan(0);
        expect(s.deploy?.resources?.limits?.memory, 'memory limit').toMatch(/^\d+[KMG]$/);
      });

      it('keeps each volume its catalog entry names in a named volume of that name', () => {
        const mounts = (service().volumes ?? []).filter((v): v is string => typeof v === 'string');
        for (const volume of entry.volumes) {
          expect(mounts, volume).toContainEqual(expect.stringMatching(new RegExp(`^${volume}:/[^:]+(:rw)?$`)));
          expect(Object.keys(config.volumes ?? {}), `${volume} declared at the top level`).toContain(volume);
        }
      });

      it('has a healthcheck on the readiness path that runs inside the image (node fetch)', () => {
        const test = service().healthcheck?.test as string[];
        expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
        expect(test[3]).toContain(entry.health.ready);
        expect(test[3]).toContain('process.env.PORT');
      });
    }
  });

  if (kind === 'production' || kind === 'standalone')
    it('hardens its infrastructure and keeps Redis, MongoDB and Postgres data in named volumes', () => {
      for (const [name, service] of Object.entries(config.services)) {
        expect(service.restart, name).toBe('always');
        expect(service.security_opt, name).toContain('no-new-privileges:true');
        expect(service.healthcheck?.test, `${name}: healthcheck`).toBeDefined();
        expect(service.user, `${name}: non-root user`).toMatch(/^(?!root$|0(:|$)).+/);
        if (name in INFRASTRUCTURE_SERVICES) {
          expect(service.read_only, `${name}: read-only root filesystem`).toBe(true);
          expect(service.deploy?.resources?.limits?.memory, `${name}: memory limit`).toMatch(/^\d+[KMG]$/);
        }
      }
      const named = (service: string, volume: string, target: string) =>
        (config.services[service]?.volumes ?? []).some(
          (v) => typeof v === 'string' && new RegExp(`^${volume}:${target}(:rw)?$`).test(v),
        );
      if (config.services.redis) expect(named('redis', 'redis-data', '/data'), 'redis-data:/data').toBe(true);
      if (config.services.mongodb)
        expect(named('mongodb', 'mongodb-data', '/data/db'), 'mongodb-data:/data/db').toBe(true);
      if (config.services.postgres)
        expect(
          named('postgres', 'postgres-data', '/var/lib/postgresql/data'),
          'postgres-data:/var/lib/postgresql/data',
        ).toBe(true);
      if (config.services.mosquitto)
        expect(named('mosquitto', 'mosquitto-data', '/mosquitto/data'), 'mosquitto-data:/mosquitto/data').toBe(true);
    });

  if (kind !== 'monitoring')
    it(
      kind === 'production'
        ? 'publishes no infrastructure port but the MQTT listener devices connect to'
        : 'publishes infrastructure on the loopback interface only',
      () => {
        for (const [name, service] of Object.entries(config.services)) {
          if (!(name in INFRASTRUCTURE_SERVICES)) continue;
          const ports = portBindings(service);
          // Devices are outside the host; the broker admits only accounts with a password.
          if (kind === 'production' && name === 'mosquitto')
            expect(
              ports.map((p) => p.target),
              name,
            ).toEqual([1883]);
          else if (kind === 'production') expect(ports, name).toEqual([]);
          else for (const port of ports) expect(port.hostIp, `${name} ${port.published}`).toBe('127.0.0.1');
        }
      },
    );

  if (kind === 'standalone')
    it('runs only its own service, and builds it from the repository root', () => {
      const owner = SERVICES.find((s) => file.startsWith(`${s.folder}/`));
      expect(catalogServicesIn(file)).toEqual([owner?.name]);
    });

  it('gives every Postgres-backed service a database of its own, which the Postgres init script creates', () => {
    const databases = Object.values(config.services)
      .map((service) => service.environment?.DATABASE_URL)
      .filter((url): url is string => typeof url === 'string')
      .map((url) => new URL(url).pathname.slice(1));
    expect(new Set(databases).size).toBe(databases.length);
    if (databases.length === 0) return;
    // The init scripts mounted into /docker-entrypoint-initdb.d run on the first start (an empty volume).
    const scripts = bindSources(config.services.postgres ?? {}).filter((source) => /\.(sql|sh)$/.test(source));
    const text = scripts.map((source) => readFileSync(source, 'utf8')).join('\n');
    for (const database of databases)
      expect(text, `CREATE DATABASE ${database}`).toMatch(new RegExp(`CREATE DATABASE "?${database}"?;`));
  });

  it('gives every MongoDB-backed service a database of its own', () => {
    const databases = Object.values(config.services)
      .map((service) => service.environment?.MONGODB_URI)
      .filter((uri): uri is string => typeof uri === 'string')
      .map((uri) => new URL(uri).pathname);
    expect(new Set(databases).size).toBe(databases.length);
  });
});

describe('monitoring compose file', () => {
  let config: NormalizedCompose;
  beforeAll(async () => {
    config = await composeConfig(['vessels/docker-compose.monitoring.yml']);
  });

  it('runs Prometheus with retention and lifecycle flags and Grafana on 3001 with its password from the environment', () => {
    const prometheus = config.services.prometheus;
    const command = [prometheus?.command ?? []].flat().join(' ');
    expect(command).toMatch(/--storage\.tsdb\.retention\.time=\S+/);
    expect(command).toMatch(/--storage\.tsdb\.retention\.size=\S+/);
    expect(command).toContain('--web.enable-lifecycle');
    const grafana = config.services.grafana;
    expect(portBindings(grafana ?? {}).map((p) => [p.published, p.target])).toEqual([[3001, 3000]]);
    const raw = parse(readFileSync(join(REPO_ROOT, 'vessels/docker-compose.monitoring.yml'), 'utf8'), { merge: true });
    expect(raw.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
  });

  it('keeps every monitoring component’s data in a named volume', () => {
    for (const [name, target] of [
      ['prometheus', '/prometheus'],
      ['alertmanager', '/alertmanager'],
      ['grafana', '/var/lib/grafana'],
    ] as const) {
      const volumes = (config.services[name]?.volumes ?? []).filter((v) => typeof v === 'string') as string[];
      expect(volumes, name).toContainEqual(expect.stringMatching(new RegExp(`^${name}-data:${target}(:rw)?$`)));
    }
  });
});

describe('documented combinations (vessels/README.md)', () => {
  const combinations = documentedCombinations();

  it('documents each built app stack alone and with monitoring, and each standalone file alone', () => {
    const keys = combinations.map((files) => files.join(' '));
    for (const { file, kind } of built.filter((f) => f.kind !== 'monitoring')) expect(keys, kind).toContain(file);
    for (const file of monitoredStackFiles())
      expect(keys, `${file} + monitoring`).toContain(`${file} vessels/docker-compose.monitoring.yml`);
    // The monitoring file's paths are relative to vessels/: it goes with the vessels/ stacks only.
    for (const files of combinations.filter((f) => f.includes('vessels/docker-compose.monitoring.yml')))
      expect(files[0], files.join(' + ')).toMatch(/^vessels\//);
  });

  describe.each(combinations.map((files) => [files.join(' + '), files] as const))('%s', (_label, files) => {
    let config: NormalizedCompose;
    beforeAll(async () => {
      config = await composeConfig(files);
    });

    it('merges into a valid configuration', () => {
      expect(Object.keys(config.services).length).toBeGreaterThan(0);
    });

    if (files.includes('vessels/docker-compose.monitoring.yml'))
      it('lets Prometheus reach every scrape target and Alertmanager over a shared network', () => {
        const prometheusYml = parse(readFileSync(join(REPO_ROOT, 'infrastructure/monitoring/prometheus.yml'), 'utf8'));
        const prometheusNetworks = new Set(Object.keys(config.services.prometheus?.networks ?? {}));
        type Job = { static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[] }[] };
        const targets: string[] = [
          ...prometheusYml.scrape_configs.flatMap((job: Job) => (job.static_configs ?? []).flatMap((c) => c.targets)),
          ...prometheusYml.alerting.alertmanagers.flatMap((a: { static_configs: { targets: string[] }[] }) =>
            a.static_configs.flatMap((c) => c.targets),
          ),
        ];
        // Found by DNS name: a target only where the stack runs the service.
        const discovered: string[] = prometheusYml.scrape_configs.flatMap((job: Job) =>
          (job.dns_sd_configs ?? []).flatMap((c) => c.names),
        );
        for (const name of discovered) {
          expect(getService(name), `${name}: DNS-discovered jobs are catalog services`).toBeDefined();
          if (config.services[name]) targets.push(name);
        }
        for (const target of targets) {
          const host = target.split(':')[0] as string;
          if (host === 'localhost') continue;
          // A fixed target the stack does not run would be down for good (and page as ServiceDown).
          const service = config.services[host];
          if (!service) {
            expect(getService(host), `${target}: no such service in ${files.join(' + ')}`).toBeDefined();
            throw new Error(`${target} is scraped but ${files.join(' + ')} does not run it`);
          }
          const shared = Object.keys(service.networks ?? {}).filter((n) => prometheusNetworks.has(n));
          expect(shared, `${target} shares a network with prometheus`).not.toEqual([]);
        }
      });
  });
});
