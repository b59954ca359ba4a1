'use client';
// The end of a list read in pages (lib/use-pages.ts): the next page loads when this scrolls into view, or on a click.

interface Props {
  pages: {
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    fetchNextPage: () => Promise<unknown>;
    endRef: (element: Element | null) => void;
  };
  /** The button's words: 'Older runs'. */
  label: string;
}

export function ListEnd({ pages, label }: Props) {
  if (!pages.hasNextPage) return null;
  return (
    <div ref={pages.endRef} className="list-end">
      <button
        type="button"
        onClick={() => void pages.fetchNextPage()}
        disabled={pages.isFetchingNextPage}
        aria-busy={pages.isFetchingNextPage}
      >
        {label}
      </button>
    </div>
  );
}
