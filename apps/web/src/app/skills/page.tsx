'use client';
import { Suspense } from 'react';
import { SkillsView } from '../../components/skills/skills-view';

export default function SkillsPage() {
  return (
    <Suspense>
      <SkillsView />
    </Suspense>
  );
}
