// Builds the workers service from the composed services (createServices): the provider grant a worker gets at
// claim time comes from the same key chain and base URL settings the daemon's own runs use.
import { PROTOCOL_VERSION } from '@restflow/paths';
import type { AgentService } from '../agents/agent.service.ts';
import type { AuthProfileService } from '../auth/auth-profile.service.ts';
import type { CoreContext } from '../core-context.ts';
import type { AgentEngine } from '../engine/agent-engine.ts';
import { secretPort, securityPort, skillPort } from '../engine/engine-wiring.ts';
import type { RunManager } from '../engine/run-manager.ts';
import { resolveBaseUrl } from '../llm/client-factory.ts';
import type { ProviderSettingsService } from '../llm/provider-settings.ts';
import { resolveApiKey } from '../llm/resolve-api-key.ts';
import type { SecretService } from '../secrets/secret.service.ts';
import type { SecurityService } from '../security/security.service.ts';
import type { SkillService } from '../skills/skill.service.ts';
import type { ExecutionSettingsService } from './execution-settings.ts';
import { WorkerService } from './worker.service.ts';

export function createWorkerService(
  core: CoreContext,
  deps: {
    engine: AgentEngine;
    runs: RunManager;
    security: SecurityService;
    secrets: SecretService;
    skills: SkillService;
    auth: AuthProfileService;
    providers: ProviderSettingsService;
    agents?: Pick<AgentService, 'find'>;
    execution: Pick<ExecutionSettingsService, 'settings'>;
  },
): WorkerService {
  return new WorkerService(deps.execution.settings(), {
    core,
    engine: deps.engine,
    runs: deps.runs,
    protocolVersion: PROTOCOL_VERSION,
    storedAgent: (id) => deps.agents?.find(id)?.agent,
    policy: () => deps.security.getPolicy(),
    security: securityPort(deps.security),
    secrets: secretPort(deps.secrets),
    skills: skillPort(deps.skills),
    provider: async (prepared) => {
      const { provider } = prepared.model;
      const key = await resolveApiKey(
        { secrets: deps.secrets, auth: deps.auth, env: core.env },
        provider,
        prepared.agent.node.api_key_config,
      );
      return {
        provider,
        api_key: key.apiKey,
        base_url: resolveBaseUrl(provider, deps.providers.get(), core.env),
        key_source: key.source,
      };
    },
  });
}
