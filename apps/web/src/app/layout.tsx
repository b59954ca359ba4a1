import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ConsoleHost } from '../components/console-host';
import '@restflow/ui/styles.css';

export const metadata: Metadata = {
  title: 'RestFlow',
  description: 'RestFlow console: agents, chat, tasks, memory and settings of the local daemon',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ConsoleHost>{children}</ConsoleHost>
      </body>
    </html>
  );
}
