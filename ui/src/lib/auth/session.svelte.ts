// Who is signed in and whether the webhook section is unlocked: the server's answer, kept in one place.
import { api, errorMessage, onLocked } from '../api';
import type { AuthState, Role } from '../types';

class Session {
  state = $state<AuthState | null>(null);
  loadError = $state<string | null>(null);

  get role(): Role | null {
    return this.state?.user?.role ?? null;
  }

  get isAdmin(): boolean {
    return this.role === 'admin';
  }

  set(next: AuthState): void {
    this.state = next;
    this.loadError = null;
  }

  async refresh(): Promise<void> {
    try {
      this.set(await api.authState());
    } catch (e) {
      this.loadError = errorMessage(e);
    }
  }

  /** The core said the session is locked: drop back to the code prompt without another round trip. */
  markLocked(): void {
    if (this.state) this.state = { ...this.state, unlocked: false, idleExpiresAtMs: null };
  }

  async lock(): Promise<void> {
    await api.lock();
    this.markLocked();
  }

  async signOut(): Promise<void> {
    await api.signOut();
    await this.refresh();
  }
}

export const session = new Session();
onLocked(() => session.markLocked());
