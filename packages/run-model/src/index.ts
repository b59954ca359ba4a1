// What a run is made of, for every side of the pipe: the event vocabulary and the one fold of it.
export * from './run-events.ts';
export * from './run-reducer.ts';
export * from './run-timeline.ts';
