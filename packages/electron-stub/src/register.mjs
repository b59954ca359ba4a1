// `node --import @restflow/electron-stub/register`: `import 'electron'` loads the stub (tests of Electron main
// code in a real child process, where the Electron binary is not available).
import { register } from 'node:module';

register(new URL('./resolve-hook.mjs', import.meta.url));
