import { SERVICES } from '@azora/catalog';
import { describe, expect, it } from 'vitest';
import { devCommand } from './dev-script.ts';
import { devScriptOf } from './discover.ts';
import { REPO_ROOT } from './repo.ts';

describe('devCommand', () => {
  it('runs node itself, with the script’s assignments as environment', () => {
    expect(devCommand('DEMO_SEED=true NODE_ENV=development node --conditions=@azora/source src/main.ts', '/n')).toEqual(
      {
        env: { DEMO_SEED: 'true', NODE_ENV: 'development' },
        command: ['/n', '--conditions=@azora/source', 'src/main.ts'],
      },
    );
    expect(devCommand('  node   src/main.ts ', '/n')).toEqual({ env: {}, command: ['/n', 'src/main.ts'] });
  });

  it('refuses what only a shell or a package manager could run, saying which shape it needs', () => {
    for (const script of [
      'tsx watch src/main.ts',
      'node',
      'FOO=1',
      'node src/a.ts && node src/b.ts',
      'node "src/main file.ts"',
      'FOO=$BAR node src/main.ts',
      'node src/main.ts > out.log',
      'lower=1 node src/main.ts',
    ]) {
      expect(() => devCommand(script), script).toThrow(/is not "\[NAME=value …\] node <arguments>"/);
    }
  });

  it('can run the dev script of every service in the repo', () => {
    const scripts = SERVICES.map((service) => [service.name, devScriptOf(REPO_ROOT, service)] as const);
    expect(scripts.filter(([, script]) => script === undefined).map(([name]) => name)).toEqual([]);
    for (const [name, script] of scripts) expect(() => devCommand(script as string), name).not.toThrow();
  });
});
