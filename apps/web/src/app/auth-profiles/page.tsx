'use client';
import { Suspense } from 'react';
import { AuthProfilesView } from '../../components/auth/auth-profiles-view';

export default function AuthProfilesPage() {
  return (
    <Suspense>
      <AuthProfilesView />
    </Suspense>
  );
}
