"use client";

import { useEffect, useState } from "react";

/**
 * Offers browser notifications until the person answers the browser's question: a turn that ends, a
 * tool that awaits approval or a permission ask then reaches them while the page is in the background.
 */
export function NotifyOffer({ children = "Notify me" }: { children?: string }) {
  const [permission, setPermission] = useState<NotificationPermission | "unsupported">("unsupported");
  useEffect(() => {
    if (typeof Notification !== "undefined") setPermission(Notification.permission);
  }, []);
  if (permission !== "default") return null;
  return (
    <button
      type="button"
      data-testid="notify-offer"
      title="A notification when a turn ends, a tool awaits approval or a command needs permission, while this page is in the background"
      className="rounded px-1.5 py-0.5 text-accent-text text-xs underline-offset-2 hover:underline"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      {children}
    </button>
  );
}
