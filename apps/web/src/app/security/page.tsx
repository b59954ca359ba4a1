'use client';
import { Suspense } from 'react';
import { SecurityView } from '../../components/security/security-view';

export default function SecurityPage() {
  return (
    <Suspense>
      <SecurityView />
    </Suspense>
  );
}
