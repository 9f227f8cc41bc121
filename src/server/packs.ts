/**
 * Credit packs sold through Stripe Checkout: the one home of what each pack gives and costs.
 * Prices are in the currency's smallest unit (cents); CREDIT_PACK_PRICES and CREDIT_PACK_CURRENCY
 * may override them per deployment (env.ts). Checkout is created with inline `price_data`, so no
 * product or price needs setting up in Stripe's dashboard.
 */

export const PACK_IDS = ["starter", "creator", "studio"] as const;
export type PackId = (typeof PACK_IDS)[number];

export interface Pack {
  id: PackId;
  name: string;
  credits: number;
  /** In the currency's smallest unit. */
  price: number;
  currency: string;
}

const DEFAULTS: Record<PackId, { name: string; credits: number; price: number }> = {
  starter: { name: "Starter", credits: 100, price: 499 },
  creator: { name: "Creator", credits: 500, price: 1999 },
  studio: { name: "Studio", credits: 1500, price: 4999 },
};

export const DEFAULT_PACK_CURRENCY = "usd";

export function isPackId(value: unknown): value is PackId {
  return typeof value === "string" && (PACK_IDS as readonly string[]).includes(value);
}

/** The packs on sale, with this deployment's prices. */
export function packs(options: { prices?: Partial<Record<PackId, number>>; currency?: string } = {}): Pack[] {
  return PACK_IDS.map((id) => ({
    id,
    name: DEFAULTS[id].name,
    credits: DEFAULTS[id].credits,
    price: options.prices?.[id] ?? DEFAULTS[id].price,
    currency: options.currency ?? DEFAULT_PACK_CURRENCY,
  }));
}

/** "$4.99", "€19.99" — how a price reads. */
export function formatPrice(pack: Pick<Pack, "price" | "currency">, locale = "en-US"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: pack.currency.toUpperCase() }).format(pack.price / 100);
}
