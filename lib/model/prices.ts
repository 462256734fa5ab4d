import { z } from "zod";
import { readSetting, writeSettings } from "@/lib/db/queries/settings";

export const priceSchema = z.object({
  model: z.string().trim().min(1).max(200),
  inputPerMTok: z.number().min(0).max(10_000),
  outputPerMTok: z.number().min(0).max(10_000),
});
export type Price = z.infer<typeof priceSchema>;

/** USD per million tokens; editable in Settings. Local models cost nothing unless priced there. */
export const DEFAULT_PRICES: Price[] = [
  { model: "gpt-5", inputPerMTok: 1.25, outputPerMTok: 10 },
  { model: "gpt-5-mini", inputPerMTok: 0.25, outputPerMTok: 2 },
  { model: "gpt-5-nano", inputPerMTok: 0.05, outputPerMTok: 0.4 },
  { model: "gpt-4.1", inputPerMTok: 2, outputPerMTok: 8 },
  { model: "gpt-4.1-mini", inputPerMTok: 0.4, outputPerMTok: 1.6 },
  { model: "gpt-4o", inputPerMTok: 2.5, outputPerMTok: 10 },
  { model: "gpt-4o-mini", inputPerMTok: 0.15, outputPerMTok: 0.6 },
];

/** Saved prices are read by their shape, not the editing limits: a price stored earlier stays in force. */
const storedPrices = z.array(
  z.object({ model: z.string(), inputPerMTok: z.number(), outputPerMTok: z.number() }),
);

export async function loadPrices(): Promise<Price[]> {
  return (await readSetting("prices", storedPrices)) ?? DEFAULT_PRICES;
}

export async function savePrices(prices: Price[]): Promise<void> {
  await writeSettings({ prices });
}

/** Exact id first, then the id without a gateway prefix ("openai/gpt-5" → "gpt-5"). */
export function findPrice(prices: Price[], model: string): Price | undefined {
  const bare = model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
  return prices.find((p) => p.model === model) ?? prices.find((p) => p.model === bare);
}

export function costOf(price: Price | undefined, inputTokens: number, outputTokens: number): number {
  if (!price) return 0;
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}
