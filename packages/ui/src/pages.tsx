'use client';
// The console's pages, one per route, shared by every host: the web console mounts them as Next.js pages, the
// desktop window picks one by its hash route. Pages that read the URL's query wait in a Suspense boundary
// (Next.js renders them on the client only).
import { type ComponentType, Suspense } from 'react';
import { AgentsView } from './components/agents/agents-view';
import { AuthProfilesView } from './components/auth/auth-profiles-view';
import { ChatView } from './components/chat/chat-view';
import { McpServersView } from './components/mcp/mcp-servers-view';
import { MemoryView } from './components/memory/memory-view';
import { RunsView } from './components/runs/runs-view';
import { SecurityView } from './components/security/security-view';
import { SettingsView } from './components/settings/settings-view';
import { SkillsView } from './components/skills/skills-view';
import { TasksView } from './components/tasks/tasks-view';
import { UsageView } from './components/usage/usage-view';
import { WorkersView } from './components/workers/workers-view';
import { usePathname } from './navigation';

function withSuspense(View: ComponentType): ComponentType {
  return function SuspendedPage() {
    return (
      <Suspense>
        <View />
      </Suspense>
    );
  };
}

export const ChatPage = withSuspense(ChatView);
export const AgentsPage = withSuspense(AgentsView);
export const TasksPage = withSuspense(TasksView);
export const MemoryPage = MemoryView;
export const SkillsPage = withSuspense(SkillsView);
export const AuthProfilesPage = withSuspense(AuthProfilesView);
export const SecurityPage = withSuspense(SecurityView);
export const SettingsPage = withSuspense(SettingsView);
export const McpServersPage = withSuspense(McpServersView);
export const RunsPage = withSuspense(RunsView);
export const UsagePage = UsageView;
export const WorkersPage = WorkersView;

/** Route → page, the same paths the shell's navigation links to. */
export const consolePages: Record<string, ComponentType> = {
  '/': ChatPage,
  '/agents': AgentsPage,
  '/tasks': TasksPage,
  '/memory': MemoryPage,
  '/skills': SkillsPage,
  '/auth-profiles': AuthProfilesPage,
  '/security': SecurityPage,
  '/settings': SettingsPage,
  '/mcp-servers': McpServersPage,
  '/runs': RunsPage,
  '/usage': UsagePage,
  '/workers': WorkersPage,
};

/** The page of the current route, for hosts without a router of their own (unknown paths show the chat). */
export function RoutedPage() {
  const Page = consolePages[usePathname()] ?? ChatPage;
  return <Page />;
}
