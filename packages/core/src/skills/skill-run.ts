// A skill applied by an agent: the agent (the given one, else the default assistant) runs with the skill added to
// its skills, so the skill's instructions are in its system prompt, and answers the input. The same run as any
// other one-off execution: streamed by runs.onEvents, cancelled by runs.cancel.
import type { AgentService } from '../agents/agent.service.ts';
import type { ChatService, StartedRun } from '../engine/chat.service.ts';
import { UnavailableError } from '../errors.ts';
import type { SkillService } from './skill.service.ts';

export interface SkillRunRequest {
  skill_id: string;
  /** What the skill is applied to; absent: the agent is asked to apply the skill. */
  input?: string;
  /** Default: the default assistant (else the first agent). */
  agent_id?: string;
}

export async function startSkillRun(
  services: { chat: ChatService; agents: AgentService; skills: SkillService },
  request: SkillRunRequest,
): Promise<StartedRun> {
  const skill = services.skills.get(request.skill_id);
  const stored = request.agent_id
    ? services.agents.get(request.agent_id)
    : (services.agents.findDefault() ?? services.agents.list()[0]);
  if (!stored) {
    throw new UnavailableError('There is no agent to run the skill; create one first', { reason: 'NO_AGENT' });
  }
  const skills = [...(stored.agent.skills ?? []).filter((id) => id !== skill.id), skill.id];
  const agent = { id: stored.id, name: stored.name, node: { ...stored.agent, skills } };
  const input = request.input?.trim() ? request.input : `Apply the skill "${skill.name}".`;
  const handle = await services.chat.startAgentRun({ agent, input, kind: 'exec' });
  return { run_id: handle.runId, session_id: null, message_id: null };
}
