'use client';
// The list pages (agents, skills, tasks) keep what is open in the URL (`?id=…` or `?new=1`), so a reload or a
// shared link shows the same thing; `open` changes it without scrolling or a history entry.
import { useRouter, useSearchParams } from '../navigation';

export function useListSelection(page: string) {
  const router = useRouter();
  const params = useSearchParams();
  return {
    router,
    params,
    selectedId: params.get('id'),
    creating: params.get('new') === '1',
    open: (query: string) => router.replace(`${page}${query}`, { scroll: false }),
  };
}
