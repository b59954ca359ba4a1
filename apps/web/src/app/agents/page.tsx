'use client';
import { Suspense } from 'react';
import { AgentsView } from '../../components/agents/agents-view';

export default function AgentsPage() {
  return (
    <Suspense>
      <AgentsView />
    </Suspense>
  );
}
