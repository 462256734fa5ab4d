"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { LogoutButton } from "./logout-button";
import {
  LearningsIcon,
  OpportunitiesIcon,
  RatchetMark,
  ReflectionsIcon,
  SessionsIcon,
  SettingsIcon,
  SkillsIcon,
  TeamIcon,
  TelemetryIcon,
  ToolsIcon,
} from "./nav-icons";
import { cn } from "./ui/cn";

interface NavItem {
  href: string;
  label: string;
  icon: ReactNode;
}

const PRIMARY: NavItem[] = [
  { href: "/sessions", label: "Sessions", icon: <SessionsIcon /> },
  { href: "/telemetry", label: "Telemetry", icon: <TelemetryIcon /> },
  { href: "/tools", label: "Tools", icon: <ToolsIcon /> },
  { href: "/skills", label: "Skills", icon: <SkillsIcon /> },
  { href: "/opportunities", label: "Opportunities", icon: <OpportunitiesIcon /> },
  { href: "/reflections", label: "Reflections", icon: <ReflectionsIcon /> },
  { href: "/learnings", label: "Learnings", icon: <LearningsIcon /> },
];

const SECONDARY: NavItem[] = [
  { href: "/team", label: "Team", icon: <TeamIcon /> },
  { href: "/settings", label: "Settings", icon: <SettingsIcon /> },
];

function isActive(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}

function NavLink({ item, active }: { item: NavItem; active: boolean }) {
  return (
    <Link
      href={item.href}
      aria-current={active ? "page" : undefined}
      className={cn(
        "group relative flex h-8 items-center gap-2.5 rounded-md px-2.5 font-medium transition-colors",
        active ? "bg-hover text-fg" : "text-muted hover:bg-hover/60 hover:text-fg",
      )}
    >
      {active ? (
        <span
          aria-hidden="true"
          className="-left-3 absolute top-1.5 bottom-1.5 w-0.5 rounded-full bg-accent-text"
        />
      ) : null}
      <span className={cn(active ? "text-accent-text" : "text-faint group-hover:text-muted")}>
        {item.icon}
      </span>
      {item.label}
    </Link>
  );
}

function Brand() {
  return (
    <div className="flex items-center gap-2.5">
      <RatchetMark />
      <span className="font-semibold text-fg tracking-tight">Ratchet</span>
    </div>
  );
}

function Nav({ pathname }: { pathname: string }) {
  return (
    <nav aria-label="Main" className="flex flex-1 flex-col justify-between gap-4 overflow-y-auto px-3 pb-4">
      <ul className="flex flex-col gap-0.5">
        {PRIMARY.map((item) => (
          <li key={item.href}>
            <NavLink item={item} active={isActive(pathname, item.href)} />
          </li>
        ))}
      </ul>
      <ul className="flex flex-col gap-0.5">
        {SECONDARY.map((item) => (
          <li key={item.href}>
            <NavLink item={item} active={isActive(pathname, item.href)} />
          </li>
        ))}
        <li>
          <LogoutButton />
        </li>
      </ul>
    </nav>
  );
}

/**
 * The sidebar from `md` up; below, a bar with a menu button that opens the same links in a drawer
 * (a modal <dialog>: focus is kept inside, Escape or a click outside closes it, focus returns to the
 * button). The drawer's links exist only while it is open, so no page ever has two of each.
 */
export function AppSidebar() {
  const pathname = usePathname() ?? "";
  const [open, setOpen] = useState(false);
  const drawerRef = useRef<HTMLDialogElement>(null);
  const drawerId = useId();

  // a link followed from the drawer closes it
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation
  useEffect(() => setOpen(false), [pathname]);

  useEffect(() => {
    const drawer = drawerRef.current;
    if (!drawer) return;
    if (open && !drawer.open) {
      drawer.showModal();
      drawer.querySelector<HTMLElement>("nav a")?.focus();
    }
    if (!open && drawer.open) drawer.close();
  }, [open]);

  return (
    <>
      <header className="flex h-12 shrink-0 items-center gap-2 border-line border-b bg-panel px-3 md:hidden">
        <button
          type="button"
          aria-label="Open navigation"
          aria-expanded={open}
          aria-controls={drawerId}
          onClick={() => setOpen(true)}
          className="flex size-9 items-center justify-center rounded-md text-muted hover:bg-hover hover:text-fg"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 20 20"
            width="18"
            height="18"
            fill="none"
            stroke="currentColor"
          >
            <path d="M3.5 5.5h13M3.5 10h13M3.5 14.5h13" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        </button>
        <Brand />
      </header>
      <aside className="hidden w-52 shrink-0 flex-col border-line border-r bg-panel md:flex">
        <div className="flex h-14 items-center px-5">
          <Brand />
        </div>
        <Nav pathname={pathname} />
      </aside>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes it from the keyboard; this is the backdrop's click */}
      <dialog
        ref={drawerRef}
        id={drawerId}
        aria-label="Navigation"
        onClose={() => setOpen(false)}
        onClick={(event) => {
          if (event.target === event.currentTarget) setOpen(false);
        }}
        className="m-0 h-dvh max-h-none w-64 max-w-[85vw] border-line border-r bg-panel p-0 text-fg backdrop:bg-black/60 md:hidden"
      >
        {open ? (
          <div className="flex h-full flex-col">
            <div className="flex h-12 shrink-0 items-center justify-between px-5">
              <Brand />
              <button
                type="button"
                aria-label="Close navigation"
                onClick={() => setOpen(false)}
                className="-mr-2 flex size-8 items-center justify-center rounded-md text-faint hover:bg-hover hover:text-fg"
              >
                <svg
                  aria-hidden="true"
                  viewBox="0 0 16 16"
                  width="14"
                  height="14"
                  fill="none"
                  stroke="currentColor"
                >
                  <path d="m4 4 8 8M12 4l-8 8" strokeWidth="1.6" strokeLinecap="round" />
                </svg>
              </button>
            </div>
            <Nav pathname={pathname} />
          </div>
        ) : null}
      </dialog>
    </>
  );
}
