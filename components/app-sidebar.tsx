"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
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

export function AppSidebar() {
  const pathname = usePathname() ?? "";
  return (
    <aside className="flex w-52 shrink-0 flex-col border-line border-r bg-panel">
      <div className="flex h-14 items-center gap-2.5 px-5">
        <RatchetMark />
        <span className="font-semibold text-fg tracking-tight">Ratchet</span>
      </div>
      <nav aria-label="Main" className="flex flex-1 flex-col justify-between px-3 pb-4">
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
    </aside>
  );
}
