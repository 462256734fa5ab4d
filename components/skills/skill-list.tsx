"use client";

import Link from "next/link";
import type { MouseEvent, ReactNode } from "react";
import type { SkillList, SkillListItem } from "@/lib/skills/views";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { cn } from "../ui/cn";
import { SkeletonList } from "../ui/skeleton-list";

export function skillHref(name: string): string {
  return `/skills?name=${encodeURIComponent(name)}`;
}

export function Pill({
  tone,
  children,
  title,
  ...rest
}: {
  tone: "warn" | "error" | "muted" | "ok";
  children: ReactNode;
  title?: string;
  "data-testid"?: string;
}) {
  return (
    <span
      title={title}
      className={cn(
        "inline-flex h-[18px] shrink-0 items-center rounded-full px-1.5 font-medium text-[10px] leading-none",
        tone === "warn" && "bg-amber-400/15 text-amber-300",
        tone === "error" && "bg-red-400/15 text-red-300",
        tone === "muted" && "bg-panel-2 text-faint",
        tone === "ok" && "bg-emerald-400/10 text-emerald-300",
      )}
      {...rest}
    >
      {children}
    </span>
  );
}

function SkillRow({
  skill,
  selected,
  now,
  window,
  onNavigate,
}: {
  skill: SkillListItem;
  selected: boolean;
  now: number;
  window: number;
  onNavigate(event: MouseEvent, name: string): void;
}) {
  return (
    <li>
      <Link
        data-testid={`skill-row-${skill.name}`}
        href={skillHref(skill.name)}
        aria-current={selected ? "page" : undefined}
        scroll={false}
        onClick={(event) => onNavigate(event, skill.name)}
        className={cn(
          "relative flex flex-col gap-0.5 rounded-md px-3 py-2 transition-colors",
          selected ? "bg-hover" : "hover:bg-hover/60 focus-visible:bg-hover/60",
        )}
      >
        {selected ? (
          <span
            aria-hidden="true"
            className="absolute top-2 bottom-2 left-0 w-0.5 rounded-full bg-accent-text"
          />
        ) : null}
        <span className="flex min-w-0 items-center gap-2">
          <span className="min-w-0 flex-1 truncate font-medium font-mono text-fg text-sm">{skill.name}</span>
          {!skill.valid ? (
            <Pill tone="error" data-testid="skill-invalid-badge" title={skill.error?.message}>
              invalid
            </Pill>
          ) : null}
          {skill.valid && !skill.modelInvocable ? (
            <Pill
              tone="muted"
              data-testid="skill-people-only-badge"
              title="disable-model-invocation: true. Not offered to the model; it loads when you name it in a message."
            >
              people only
            </Pill>
          ) : null}
          {skill.unusedSessions ? (
            <Pill
              tone="warn"
              data-testid="skill-unused-badge"
              title={`Not loaded in any of the last ${window} agent sessions: improve its description or triggers, or delete it.`}
            >
              unused
            </Pill>
          ) : null}
          {skill.format === "flat" ? (
            <Pill
              tone="muted"
              title="A flat skills/<name>.md file (bmo style); saving moves it into a folder."
            >
              flat
            </Pill>
          ) : null}
        </span>
        <span className="truncate text-muted text-sm" title={skill.description || skill.error?.message}>
          {skill.valid ? (
            skill.description
          ) : (
            <span className="text-red-300/80">
              {skill.error?.line ? `Line ${skill.error.line}: ` : ""}
              {skill.error?.message}
            </span>
          )}
        </span>
        <span className="flex items-center gap-1 truncate font-mono text-[11px] text-faint leading-4">
          <span title="Loads in the last 30 days" data-testid="skill-loads">
            {skill.loads30d} {skill.loads30d === 1 ? "load" : "loads"}
          </span>
          {skill.suggested30d > 0 ? (
            <span title="Times the harness suggested it in the last 30 days, and how often the model then loaded it">
              · {skill.followed30d}/{skill.suggested30d} suggestions followed
            </span>
          ) : null}
          <span>·</span>
          <span>
            {skill.lastUsedAt ? (
              <time dateTime={skill.lastUsedAt} title={formatAbsoluteTime(skill.lastUsedAt)}>
                used {formatRelativeTime(skill.lastUsedAt, now)}
              </time>
            ) : (
              "never used"
            )}
          </span>
        </span>
      </Link>
    </li>
  );
}

export function SkillListNav({
  list,
  error,
  selected,
  now,
  onNavigate,
}: {
  list: SkillList | null;
  error: string | null;
  selected: string | null;
  now: number;
  onNavigate(event: MouseEvent, name: string): void;
}) {
  if (error && list === null) {
    return (
      <p role="alert" className="px-4 py-6 text-red-300">
        Could not load skills: {error}
      </p>
    );
  }
  if (list === null) return <SkeletonList />;
  const unused = list.skills.filter((s) => s.unusedSessions).length;
  return (
    <nav aria-label="Skills" className="flex flex-col gap-4 pb-6">
      {error ? (
        <p role="alert" className="mx-4 text-red-300 text-sm">
          Could not refresh: {error}
        </p>
      ) : null}
      <section aria-labelledby="skills-section" data-testid="skills-section">
        <div className="flex h-9 items-center gap-2 px-4">
          <h2 id="skills-section" className="font-medium text-faint text-xs uppercase tracking-wide">
            Skills
          </h2>
          <span className="inline-flex h-4 min-w-4 items-center justify-center rounded-full bg-panel-2 px-1.5 font-medium text-[10px] text-faint tabular-nums leading-none">
            {list.skills.length}
          </span>
          {unused > 0 ? (
            <span className="ml-auto text-[11px] text-amber-300/80">
              {unused} unused in the last {list.unusedWindow} sessions
            </span>
          ) : null}
        </div>
        {list.skills.length ? (
          <ul className="space-y-0.5 px-2">
            {list.skills.map((skill) => (
              <SkillRow
                key={skill.name}
                skill={skill}
                selected={skill.name === selected}
                now={now}
                window={list.unusedWindow}
                onNavigate={onNavigate}
              />
            ))}
          </ul>
        ) : (
          <div
            data-testid="skills-empty"
            className="mx-3 rounded-lg border border-line border-dashed px-4 py-5"
          >
            <p className="font-medium text-fg">No skills yet</p>
            <p className="mt-1.5 text-muted text-sm leading-5">
              A skill is a markdown file of instructions the agent loads when a task calls for it. Create one
              here, or drop an Agent Skills folder (<code className="font-mono text-fg">name/SKILL.md</code>)
              into the skills folder.
            </p>
          </div>
        )}
      </section>
      {list.deleted.length ? (
        <section aria-labelledby="deleted-section" data-testid="deleted-section">
          <div className="flex h-9 items-center gap-2 px-4">
            <h2 id="deleted-section" className="font-medium text-faint text-xs uppercase tracking-wide">
              Deleted · history kept
            </h2>
          </div>
          <ul className="space-y-0.5 px-2">
            {list.deleted.map((name) => (
              <li key={name}>
                <Link
                  href={skillHref(name)}
                  scroll={false}
                  data-testid={`deleted-row-${name}`}
                  onClick={(event) => onNavigate(event, name)}
                  aria-current={name === selected ? "page" : undefined}
                  className={cn(
                    "block truncate rounded-md px-3 py-1.5 font-mono text-faint text-sm line-through decoration-faint/50 transition-colors",
                    name === selected ? "bg-hover text-muted" : "hover:bg-hover/60 hover:text-muted",
                  )}
                >
                  {name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {list.ignored.length ? (
        <section aria-labelledby="ignored-section" className="px-4">
          <h2 id="ignored-section" className="mb-1 font-medium text-faint text-xs uppercase tracking-wide">
            Not read
          </h2>
          <ul className="space-y-1 text-faint text-xs">
            {list.ignored.map((item) => (
              <li key={item.entry}>
                <span className="font-mono text-muted">{item.entry}</span>: {item.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </nav>
  );
}
