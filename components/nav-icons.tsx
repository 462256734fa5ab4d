import type { ReactNode } from "react";

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
      strokeLinejoin="round"
      className="shrink-0"
    >
      {children}
    </svg>
  );
}

export const SessionsIcon = () => (
  <Icon>
    <rect x="2" y="2.75" width="12" height="10.5" rx="1.75" />
    <path d="M4.75 6.25 6.75 8l-2 1.75M8.5 10h2.75" />
  </Icon>
);

export const TelemetryIcon = () => (
  <Icon>
    <path d="M3 13.25v-3.5M6.33 13.25V5.5M9.67 13.25V8M13 13.25v-10.5" />
  </Icon>
);

export const ToolsIcon = () => (
  <Icon>
    <rect x="2.5" y="2.5" width="4.5" height="4.5" rx="1" />
    <rect x="9" y="2.5" width="4.5" height="4.5" rx="1" />
    <rect x="2.5" y="9" width="4.5" height="4.5" rx="1" />
    <path d="M11.25 9v4.5M9 11.25h4.5" />
  </Icon>
);

export const SkillsIcon = () => (
  <Icon>
    <path d="M3 12.75V3.5A1.5 1.5 0 0 1 4.5 2H13v9.25H4.5A1.5 1.5 0 0 0 3 12.75Zm0 0A1.5 1.5 0 0 0 4.5 14.25H13" />
  </Icon>
);

export const OpportunitiesIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="5.75" />
    <circle cx="8" cy="8" r="2.75" />
    <circle cx="8" cy="8" r="0.25" />
  </Icon>
);

export const ReflectionsIcon = () => (
  <Icon>
    <path d="M2.75 8a5.25 5.25 0 1 0 1.54-3.71M2.75 2.5v2.25H5" />
    <path d="M8 5.25V8l1.75 1.25" />
  </Icon>
);

export const SettingsIcon = () => (
  <Icon>
    <path d="M2.5 4.75h6.25M12.25 4.75h1.25M2.5 11.25h1.25M7.25 11.25h6.25" />
    <circle cx="10.5" cy="4.75" r="1.75" />
    <circle cx="5.5" cy="11.25" r="1.75" />
  </Icon>
);

/** The product mark: two stacked chevrons, a ratchet that only turns one way. */
export function RatchetMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" width="20" height="20" className="shrink-0">
      <rect width="20" height="20" rx="5" className="fill-accent" />
      <path
        d="M6 11.5 10 7.5l4 4M6 15 10 11l4 4"
        fill="none"
        stroke="white"
        strokeWidth="1.7"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export const TeamIcon = () => (
  <Icon>
    <circle cx="6" cy="6" r="2.25" />
    <circle cx="11.5" cy="7" r="1.75" />
    <path d="M2 13.5c0-2.2 1.8-3.5 4-3.5s4 1.3 4 3.5M10 10.2c.5-.2 1-.2 1.5-.2 1.5 0 2.5 1 2.5 2.5" />
  </Icon>
);

export const LearningsIcon = () => (
  <Icon>
    <path d="M6 11.75h4M6.5 14h3M8 2a4.25 4.25 0 0 0-2.5 7.7c.35.26.5.6.5 1V11.75h4V10.7c0-.4.15-.74.5-1A4.25 4.25 0 0 0 8 2Z" />
  </Icon>
);
