// The router's suites once more, each procedure reaching the services across a MessagePort as in the daemon
// (packages/testkit: createTestCaller), so that no procedure relies on a service answering synchronously.
process.env.RESTFLOW_TEST_SERVICES = 'across-port';
