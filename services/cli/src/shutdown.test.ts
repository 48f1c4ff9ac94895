import { describe, expect, it } from 'vitest';
import { createLogger } from '@slotplane/logger';
import { Shutdown } from './shutdown.ts';

const log = createLogger('test', { level: 'silent' });
const never = () => new Promise<void>(() => {});

describe('Shutdown', () => {
  it('stops stage by stage, callers before what they call, whatever order the parts were added in', async () => {
    const stopped: string[] = [];
    const shutdown = new Shutdown(log);
    const part = (name: string) => async () => void stopped.push(name);
    shutdown.add('database', 'postgres', part('postgres'));
    shutdown.add('queue', 'redis', part('redis'));
    shutdown.add('work', 'worker', part('worker'));
    shutdown.add('api', 'api', part('api'));
    await shutdown.run();
    expect(stopped).toEqual(['api', 'worker', 'redis', 'postgres']);
  });

  it('goes on past a part that hangs or fails, so the stages after it still stop', async () => {
    const stopped: string[] = [];
    const shutdown = new Shutdown(log, 50);
    shutdown.add('work', 'worker', never);
    shutdown.add('work', 'queue clients', async () => {
      throw new Error('ECONNREFUSED');
    });
    shutdown.add('queue', 'redis', async () => void stopped.push('redis'));
    shutdown.add('database', 'postgres', async () => void stopped.push('postgres'));
    await shutdown.run();
    expect(stopped).toEqual(['redis', 'postgres']);
  });
});
