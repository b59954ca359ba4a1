'use client';
// The console's pages navigate through this module only, so each host supplies its own router: the web console
// Next.js's, the desktop window a hash router over a page loaded from local files.
import { type AnchorHTMLAttributes, type ComponentType, createContext, type ReactNode, useContext } from 'react';

export interface ConsoleRouter {
  push(href: string): void;
  /** Changes the URL without a history entry; `scroll: false` keeps the scroll position. */
  replace(href: string, options?: { scroll?: boolean }): void;
}

export interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  href: string;
  children?: ReactNode;
}

export interface Navigation {
  Link: ComponentType<LinkProps>;
  usePathname(): string;
  useSearchParams(): Pick<URLSearchParams, 'get'>;
  useRouter(): ConsoleRouter;
}

const NavigationContext = createContext<Navigation | null>(null);

export function NavigationProvider({ navigation, children }: { navigation: Navigation; children: ReactNode }) {
  return <NavigationContext.Provider value={navigation}>{children}</NavigationContext.Provider>;
}

function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('console pages need a <NavigationProvider> (web: Next.js, desktop: hash)');
  return navigation;
}

// A host's navigation never changes while the page lives, so calling its hooks through the context keeps the
// order of hooks stable.
export function Link(props: LinkProps) {
  const { Link: HostLink } = useNavigation();
  return <HostLink {...props} />;
}

export const usePathname = (): string => useNavigation().usePathname();
export const useSearchParams = (): Pick<URLSearchParams, 'get'> => useNavigation().useSearchParams();
export const useRouter = (): ConsoleRouter => useNavigation().useRouter();
