import type { FactSource, ModelFacts } from "@/lib/settings/views";

const SOURCE_LABELS: Record<FactSource, string> = {
  person: "yours",
  endpoint: "from the endpoint",
  table: "Ratchet's table",
  // "unknown (unknown)" told nothing: say where a person can give the figure
  unknown: "set it under Prices",
};

/** A model's figures as a person reads them: unknown says unknown, never 0 or $0. */
export function describeFacts(facts: ModelFacts): { window: string; price: string } {
  const window =
    facts.contextWindow === null ? "unknown" : `${facts.contextWindow.toLocaleString("en-US")} tokens`;
  const p = facts.price;
  const price =
    p === null
      ? "unknown"
      : `$${p.inputPerMTok} in · $${p.outputPerMTok} out${
          p.cachedInputPerMTok !== p.inputPerMTok ? ` · $${p.cachedInputPerMTok} cached` : ""
        } per 1M`;
  return { window, price };
}

/** The configured models' context windows and prices as turns use them, and where each came from. */
export function ModelFactsList({ facts }: { facts: ModelFacts[] }) {
  if (facts.length === 0) return null;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="settings-model-facts">
        <caption className="pb-1 text-left text-faint text-xs uppercase tracking-wide">
          In force for turns
        </caption>
        <thead className="text-faint text-xs">
          <tr>
            <th className="py-1 pr-3 text-left font-normal">Model</th>
            <th className="py-1 pr-3 text-left font-normal">Context window</th>
            <th className="py-1 text-left font-normal">Price</th>
          </tr>
        </thead>
        <tbody>
          {facts.map((f) => {
            const shown = describeFacts(f);
            return (
              <tr key={f.model} data-testid="settings-model-fact" className="border-line border-t">
                <td className="py-1 pr-3 font-mono text-xs">{f.model}</td>
                <td className="py-1 pr-3 tabular-nums" data-testid="fact-window">
                  {shown.window}{" "}
                  <span className="text-faint text-xs">({SOURCE_LABELS[f.contextWindowSource]})</span>
                </td>
                <td className="py-1 tabular-nums" data-testid="fact-price">
                  {shown.price} <span className="text-faint text-xs">({SOURCE_LABELS[f.priceSource]})</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
