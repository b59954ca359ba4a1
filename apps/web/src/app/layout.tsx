import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '../components/providers';
import { Shell } from '../components/shell';
import './globals.css';

export const metadata: Metadata = {
  title: 'RestFlow',
  description: 'RestFlow console: agents, chat, tasks, memory and settings of the local daemon',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <Shell>{children}</Shell>
        </Providers>
      </body>
    </html>
  );
}
