'use client';
// Navigation for a console page loaded from a file (the desktop window): the route lives in the URL hash
// (`#/tasks?id=…`), so there is no server to ask for other paths and a reload shows the same page.
import { type MouseEvent, useSyncExternalStore } from 'react';
import type { ConsoleRouter, LinkProps, Navigation } from './navigation';

function currentRoute(): string {
  const hash = typeof window === 'undefined' ? '' : window.location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener('popstate', onChange);
  };
}

const useRoute = () => useSyncExternalStore(subscribe, currentRoute, () => '/');

function go(href: string, replace: boolean): void {
  const url = `#${href}`;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  // pushState/replaceState fire no event of their own.
  window.dispatchEvent(new PopStateEvent('popstate'));
}

const router: ConsoleRouter = {
  push: (href) => go(href, false),
  replace: (href) => go(href, true),
};

function HashLink({ href, onClick, ...rest }: LinkProps) {
  const internal = href.startsWith('/');
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (!internal || event.defaultPrevented || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    go(href, false);
  };
  return <a href={internal ? `#${href}` : href} onClick={handle} {...rest} />;
}

export const hashNavigation: Navigation = {
  Link: HashLink,
  usePathname: () => useRoute().split('?')[0] || '/',
  useSearchParams: () => new URLSearchParams(useRoute().split('?')[1] ?? ''),
  useRouter: () => router,
};
