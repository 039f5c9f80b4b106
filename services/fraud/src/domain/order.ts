/** Larger amounts are taken for input mistakes rather than orders. */
export const MAX_AMOUNT = 10_000_000;

/** An order as the scorer sees it; times in ms since the epoch. */
export interface Order {
  transactionId: string;
  customerId: string;
  amount: number;
  currency?: string;
  createdAt: number;
  accountCreatedAt?: number;
  deviceId?: string;
  ipAddress?: string;
  channel?: string;
  browser?: string;
  customerAge?: number;
  customerSex?: string;
  email?: string;
  billingCountry?: string;
  shippingCountry?: string;
  paymentMethod?: string;
}

/** Emails are compared without case or surrounding blanks. */
export function normaliseEmail(email: string | undefined): string | undefined {
  const value = email?.trim().toLowerCase();
  return value === undefined || value === '' ? undefined : value;
}
