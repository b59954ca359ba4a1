// Turns of the event loop for the calls' work. Every call's service work runs synchronously on the daemon's one
// thread (better-sqlite3), so a call that arrives while another's runs waits for all of it: its input's
// validation, its database work, and the shaping and writing of its answer, and for every other call read in the
// same turn. A call that takes turns does its work on a turn of its own, and the calls waiting for a turn get one
// each, in the order they asked, with the sockets read between two of them: a ping (or any call that takes no turn)
// then waits for at most one call's work, not for all the calls read in the same turn ahead of it
// (docs/lifecycle.md#one-call-at-a-time; bench/RESULTS.md, "one call's work per turn").
import { OnePerTurn } from '@restflow/core';

/** The calls' own queue: a call waits for the calls ahead of it, not for a change's deliveries to every subscriber. */
const calls = new OnePerTurn();

/** Resolves on a turn of the event loop of the caller's own, once the calls that asked before have had theirs. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => calls.push(resolve));
}
