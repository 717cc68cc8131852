// Which screen is showing: UI-only state, never sent to the core.
export type Screen = 'stores' | 'hooks' | 'hub' | 'log' | 'dashboard' | 'users' | 'audit';

export interface NavItem {
  screen: Screen;
  label: string;
  adminOnly: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { screen: 'stores', label: 'Stores', adminOnly: false },
  { screen: 'hooks', label: 'Webhooks', adminOnly: false },
  { screen: 'hub', label: 'Integration Hub', adminOnly: false },
  { screen: 'log', label: 'Delivery log', adminOnly: false },
  { screen: 'dashboard', label: 'Dashboard', adminOnly: false },
  { screen: 'users', label: 'Users', adminOnly: true },
  { screen: 'audit', label: 'Audit log', adminOnly: true },
];

class Nav {
  screen = $state<Screen>('hooks');
  /** The hook the delivery log opens filtered to (from an alert), and a counter that reopens the log. */
  logHook = $state<string>('');
  logRequest = $state(0);

  go(screen: Screen): void {
    this.screen = screen;
  }

  openLog(hookId: string | null): void {
    this.logHook = hookId ?? '';
    this.logRequest += 1;
    this.screen = 'log';
  }
}

export const nav = new Nav();
