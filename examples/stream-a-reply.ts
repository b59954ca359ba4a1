import { createRestflowClient } from '@restflow/api/client';

const rf = createRestflowClient(); // finds the daemon's pipe via RESTFLOW_DIR or ~/.restflow
const [agent] = await rf.agents.list.query();
const { run_id } = await rf.chat.send.mutate({ agent_id: agent!.id, content: 'Hello' });
rf.runs.onEvents.subscribe(
  { run_id },
  {
    onData: ({ data }) => {
      if (data.kind.type === 'token') process.stdout.write(data.kind.text);
    },
    onComplete: () => rf.close(),
  },
);
