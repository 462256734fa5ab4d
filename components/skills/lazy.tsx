"use client";

import dynamic from "next/dynamic";

function EditorSkeleton() {
  return (
    <div aria-hidden="true" className="space-y-2 px-4 py-3">
      {[40, 64, 52, 30, 0, 72, 48, 60, 36].map((w, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed decorative list
        <span key={i} className="block h-3 rounded bg-panel-2" style={{ width: `${w}%` }} />
      ))}
    </div>
  );
}

// CodeMirror is fetched only when a skill is open, so the list stays light.
export const SkillCodeEditor = dynamic(() => import("./codemirror").then((m) => m.SkillCodeEditor), {
  ssr: false,
  loading: EditorSkeleton,
});
export const VersionDiff = dynamic(() => import("./codemirror").then((m) => m.VersionDiff), {
  ssr: false,
  loading: EditorSkeleton,
});
export const ConflictMerge = dynamic(() => import("./codemirror").then((m) => m.ConflictMerge), {
  ssr: false,
  loading: EditorSkeleton,
});
export const ReadOnlySkill = dynamic(() => import("./codemirror").then((m) => m.ReadOnlySkill), {
  ssr: false,
  loading: EditorSkeleton,
});
