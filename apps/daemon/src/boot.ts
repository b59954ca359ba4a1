// `restflow-daemon`'s entry: starts what can run beside the loading of the daemon's code (the sandbox probe's
// child process), then loads and runs main.ts. Kept to light imports: everything it imports loads first.
import { processSandboxProbe } from './lifecycle/sandbox-probe.ts';

void processSandboxProbe();
void import('./main.ts');
