export { MAX_FRAME_BYTES, type PipeServer, servePipe } from './pipe-server.ts';
