/** The Learnings nav icon: a bulb, drawn like the other sidebar icons (16px, 1.4 stroke). */
export function LearningsIcon() {
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
      <path d="M6 11.75h4M6.5 14h3M8 2a4.25 4.25 0 0 0-2.5 7.7c.35.26.5.6.5 1V11.75h4V10.7c0-.4.15-.74.5-1A4.25 4.25 0 0 0 8 2Z" />
    </svg>
  );
}
