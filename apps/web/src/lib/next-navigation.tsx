'use client';
// The console's navigation on Next.js: its Link and router, so the static export keeps real paths (/agents, …).
import type { Navigation } from '@restflow/ui';
import NextLink from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';

export const nextNavigation: Navigation = {
  Link: NextLink,
  usePathname: () => usePathname() ?? '/',
  useSearchParams,
  useRouter,
};
