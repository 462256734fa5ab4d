import { sandboxStatus } from "@/lib/sandbox";

/** On every page while commands run unsandboxed or cannot run at all. */
export function SandboxBanner() {
  const status = sandboxStatus();
  if (status.mode === "on") return null;
  const off = status.mode === "off";
  return (
    <div
      role="alert"
      data-testid="sandbox-banner"
      className={
        off
          ? "border-amber-400/30 border-b bg-amber-400/[0.09] px-4 md:px-8 py-2 text-amber-100 text-sm"
          : "border-red-400/30 border-b bg-red-400/[0.09] px-4 md:px-8 py-2 text-red-200 text-sm"
      }
    >
      <strong className="font-medium">{off ? "Sandbox off." : "Commands are refused: no sandbox."}</strong>{" "}
      {status.reason}
    </div>
  );
}
