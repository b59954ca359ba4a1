import { randomUUID } from 'node:crypto';

/** Injected so tests control time. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface IdGenerator {
  uuid(): string;
}
export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
