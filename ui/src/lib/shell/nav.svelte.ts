// Which screen is showing: UI-only state, never sent to the core.
export type Screen = 'stores' | 'hooks' | 'hub' | 'log' | 'dashboard' | 'users' | 'audit' | 'settings';

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
  { screen: 'settings', label: 'Settings', adminOnly: true },
];

class Nav {
  screen = $state<Screen>('hooks');

  go(screen: Screen): void {
    this.screen = screen;
  }
}

export const nav = new Nav();
