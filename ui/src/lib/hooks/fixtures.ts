// Test data shared by the hooks tests.
import type { CatalogFamily, HookView, Store } from '../types';

export const CATALOG: CatalogFamily[] = [
  {
    family: 'hub',
    label: 'Integration Hub orders',
    events: [
      { name: 'order.open', description: 'A check was opened', scope: [] },
      { name: 'order.close', description: 'A check was closed', scope: [] },
    ],
  },
  {
    family: 'order_status',
    label: 'Order status & riders',
    events: [
      { name: 'order-accepted', description: 'An order has been created', scope: ['pos'] },
      { name: 'order-picked-up', description: 'Picked up', scope: ['channel'] },
    ],
  },
  {
    family: 'merchant',
    label: 'Merchant payments',
    events: [{ name: 'transaction.sale.success', description: 'A sale was approved', scope: [] }],
  },
];

export const STORES: Store[] = [
  { id: 'store-1', name: 'Downtown', merchKey: null, restaurantId: null, posOnline: null },
  { id: 'store-2', name: 'Airport', merchKey: 'mk', restaurantId: null, posOnline: true },
];

export function hookView(over: Partial<HookView> = {}): HookView {
  return {
    id: 'hook-1',
    label: 'Cart sync',
    url: 'https://cart.example.com/hooks?token=••••',
    enabled: true,
    events: ['transaction.sale.success'],
    allStores: true,
    stores: [],
    appType: null,
    auth: { kind: 'basic', username: 'shop', password: '••••word' },
    signature: { kind: 'x-signature', keySource: 'signature_key', key: '••••1234' },
    previousSecretUntilMs: null,
    retryPreset: 'usaepay',
    ordered: false,
    allowPrivateNetwork: false,
    timeoutMs: 15000,
    status: 'healthy',
    disabledReason: null,
    failingSinceMs: null,
    createdAtMs: 1,
    updatedAtMs: 2,
    ...over,
  };
}
