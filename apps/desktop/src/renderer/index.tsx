// The desktop window's page: the shared console (@restflow/ui) with hash routes and the IPC transport.
import { hashNavigation, NavigationProvider, Providers, RoutedPage, Shell } from '@restflow/ui';
import '@restflow/ui/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ipcTransport } from './ipc-transport';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <NavigationProvider navigation={hashNavigation}>
      <Providers transport={ipcTransport}>
        <Shell>
          <RoutedPage />
        </Shell>
      </Providers>
    </NavigationProvider>
  </StrictMode>,
);
