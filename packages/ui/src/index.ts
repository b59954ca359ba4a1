// @restflow/ui: the RestFlow console (pages, components, hooks, styles) shared by the web console and the desktop
// window. A host supplies the transport (`Providers transport=…`) and the navigation (`NavigationProvider`).
export { Providers, useConnectionStatus } from './components/providers';
export { Shell } from './components/shell';
export { hashNavigation } from './hash-navigation';
export { type ConnectionStatus, ConnectionTracker, probeSignIn, type SignInProbe } from './lib/connection';
export {
  type AppRouter,
  type ConsoleClient,
  type RouterInputs,
  type RouterOutputs,
  useTRPC,
  useTRPCClient,
} from './lib/trpc';
export {
  type ConsoleRouter,
  Link,
  type LinkProps,
  type Navigation,
  NavigationProvider,
  usePathname,
  useRouter,
  useSearchParams,
} from './navigation';
export {
  AgentsPage,
  AuthProfilesPage,
  ChatPage,
  consolePages,
  McpServersPage,
  MemoryPage,
  RoutedPage,
  RunsPage,
  SecurityPage,
  SettingsPage,
  SkillsPage,
  TasksPage,
  UsagePage,
  WorkersPage,
} from './pages';
export type { ConnectionCallbacks, ConsoleTransport } from './transport';
