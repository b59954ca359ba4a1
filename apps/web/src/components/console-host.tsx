'use client';
// The web console's host for the shared UI: Next.js navigation and the WebSocket transport.
import { NavigationProvider, Providers, Shell } from '@restflow/ui';
import type { ReactNode } from 'react';
import { nextNavigation } from '../lib/next-navigation';
import { webSocketTransport } from '../lib/ws-transport';

export function ConsoleHost({ children }: { children: ReactNode }) {
  return (
    <NavigationProvider navigation={nextNavigation}>
      <Providers transport={webSocketTransport}>
        <Shell>{children}</Shell>
      </Providers>
    </NavigationProvider>
  );
}
