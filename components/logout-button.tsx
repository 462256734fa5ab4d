"use client";

import { useState } from "react";
import { authApi } from "./api-client";

/** Ends this browser's login on the server (the cookie is dead from then on), then goes to /login. */
export function LogoutButton() {
  const [pending, setPending] = useState(false);
  async function logOut() {
    setPending(true);
    await authApi.logout();
    window.location.href = "/login";
  }
  return (
    <button
      type="button"
      data-testid="logout"
      onClick={logOut}
      disabled={pending}
      className="flex h-8 w-full items-center gap-2.5 rounded-md px-2.5 font-medium text-muted transition-colors hover:bg-hover/60 hover:text-fg disabled:opacity-60"
    >
      {pending ? "Logging out…" : "Log out"}
    </button>
  );
}
