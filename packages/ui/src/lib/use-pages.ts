'use client';
// A list that grows without bound, read as keyset pages (`sessions.page`, `runs.page`, `memory.page`: their
// `{items, next_cursor}`, docs/entities.md) and loaded further as the user scrolls to its end. The query key starts
// with the procedure's own key, so the live-changes refetch of that router covers every page loaded.
import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PagesOptions<T> {
  /** The procedure's query key with the list's filters (`trpc.runs.page.queryKey(filters)`). */
  queryKey: QueryKey;
  /** Reads the page after `cursor` (undefined: the first page). */
  read: (cursor: string | undefined) => Promise<Page<T>>;
  enabled?: boolean;
  refetchInterval?: number;
}

export function usePages<T>({ queryKey, read, enabled = true, refetchInterval }: PagesOptions<T>) {
  const query = useInfiniteQuery({
    queryKey: [...queryKey, 'pages'],
    queryFn: ({ pageParam }) => read(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => last.next_cursor ?? undefined,
    enabled,
    refetchInterval,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const observer = useRef<IntersectionObserver | null>(null);
  /** Put on an element after the list: when it scrolls into view, the next page loads. */
  const endRef = useCallback(
    (element: Element | null) => {
      observer.current?.disconnect();
      if (!element || !hasNextPage) return;
      observer.current = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      });
      observer.current.observe(element);
    },
    [hasNextPage, isFetchingNextPage, fetchNextPage],
  );
  return { ...query, items: query.data?.pages.flatMap((page) => page.items) ?? [], endRef };
}
