// Which screen is showing: UI-only state, never sent to the core.
export type Screen = 'stores' | 'hooks' | 'hub' | 'log' | 'dashboard' | 'users' | 'audit' | 'settings' | 'security';

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
  { screen: 'security', label: 'Security', adminOnly: false },
];

/**
 * A screen holding unsaved input registers a guard. Asked before leaving, it answers true when it
 * intercepted (it shows its own Abandon Changes prompt and calls `proceed` if the user agrees).
 */
export type LeaveGuard = (proceed: () => void) => boolean;

class Nav {
  screen = $state<Screen>('hooks');
  private guard: LeaveGuard | null = null;
  /** The hook the delivery log opens filtered to (from an alert), and a counter that reopens the log. */
  logHook = $state<string>('');
  logRequest = $state(0);

  go(screen: Screen): void {
    if (screen === this.screen) return;
    const leave = () => {
      this.guard = null;
      this.screen = screen;
    };
    if (this.guard?.(leave)) return;
    leave();
  }

  /** Returns the function that removes the guard (for the screen's teardown). */
  setGuard(guard: LeaveGuard): () => void {
    this.guard = guard;
    return () => {
      if (this.guard === guard) this.guard = null;
    };
  }

  openLog(hookId: string | null): void {
    this.logHook = hookId ?? '';
    this.logRequest += 1;
    this.screen = 'log';
  }
}

export const nav = new Nav();
