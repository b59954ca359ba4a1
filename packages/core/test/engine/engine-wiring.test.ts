import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { memoryPort, secretPort, securityPort } from '../../src/index.ts';

describe('engine ports over the real services', () => {
  it('security: evaluates with the policy and waits for an approval decided through the approvals queue', async () => {
    const services = createTestServices();
    const port = securityPort(services.security);
    expect(port.evaluate('ls -la', {})).toEqual({ action: 'allow' });
    services.security.addPattern('blocklist', { pattern: 'shred *' });
    expect(port.evaluate('shred secrets.txt', {})).toMatchObject({
      action: 'block',
      reason: expect.stringContaining('shred'),
    });
    const approval = await port.createApproval({
      command: 'make deploy',
      runId: 'run-1',
      agentId: 'agent-1',
      workdir: '/tmp',
    });
    expect(approval).toMatchObject({ command: 'make deploy', run_id: 'run-1', agent_id: 'agent-1', status: 'pending' });
    const approved = port.waitForDecision(approval.id, new AbortController().signal);
    services.security.approvals.approve(approval.id);
    expect(await approved).toEqual({ status: 'approved', reason: undefined });

    const second = await port.createApproval({ command: 'make deploy', runId: 'run-2' });
    const rejected = port.waitForDecision(second.id, new AbortController().signal);
    services.security.approvals.reject(second.id, 'not today');
    expect(await rejected).toEqual({ status: 'rejected', reason: 'not today' });
  });

  it('memory: stores agent-generated chunks and finds them again; secrets: values or undefined', async () => {
    const services = createTestServices({ env: { TELEGRAM_BOT_TOKEN: 'from-env' } });
    const agent = services.agents.create('rememberer');
    const port = memoryPort(services.memory);
    const stored = port.store({
      agentId: agent.id,
      content: 'The wifi password is on the fridge.',
      tags: ['home'],
      toolName: 'memory_store',
    });
    expect(services.memory.get(stored.id)).toMatchObject({
      source: { type: 'agent_generated', tool_name: 'memory_store' },
      tags: ['home'],
    });
    const hits = await port.search({ agentId: agent.id, query: 'wifi password', limit: 5 });
    expect(hits.map((h) => h.id)).toContain(stored.id);
    const secrets = secretPort(services.secrets);
    expect(secrets.get('TELEGRAM_BOT_TOKEN')).toBe('from-env');
    expect(secrets.get('TELEGRAM_CHAT_ID')).toBeUndefined();
  });
});
