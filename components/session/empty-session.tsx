import { Kbd } from "../ui/kbd";

/**
 * What a new session shows instead of a blank terminal: what the agent can do here and how to
 * steer it. It goes away with the first message.
 */
export function EmptySessionHowTo({
  workspace,
  branch,
}: {
  workspace: string | null;
  branch: string | null;
}) {
  return (
    <div
      data-testid="empty-session-howto"
      className="pointer-events-none absolute inset-0 flex items-center justify-center p-6"
    >
      <section
        aria-labelledby="howto-heading"
        className="pointer-events-auto max-w-lg rounded-lg border border-line bg-panel/95 p-5 text-muted text-sm shadow-xl"
      >
        <h2 id="howto-heading" className="mb-2 font-semibold text-base text-fg">
          Tell the agent what to do
        </h2>
        <ul className="flex list-disc flex-col gap-1.5 pl-5">
          <li>
            Write a task below and press <Kbd>Enter</Kbd>: the agent reads files, runs commands and edits code
            in <code className="break-all font-mono text-fg">{workspace ?? "the workspace"}</code>
            {branch ? (
              <>
                {" "}
                on the branch <code className="font-mono text-fg">{branch}</code>
              </>
            ) : null}
            , sandboxed.
          </li>
          {branch ? (
            <li data-testid="worktree-git-note">
              This folder is a repository of its own on <code className="font-mono text-fg">{branch}</code>:
              the agent can <code className="font-mono">git add</code>, commit, branch and diff here. After
              each turn its commits on <code className="font-mono text-fg">{branch}</code> are brought back to
              the repository it was made from (fast-forward only); <em>Sync branch</em> above does it on
              demand.
            </li>
          ) : null}
          <li>Be specific: the files, the behaviour you want and how to check it (a test, a command).</li>
          <li>
            Every command and answer streams here. <Kbd>Esc</Kbd> stops a turn; you can send the next message
            while one runs.
          </li>
          <li>
            In the Messages panel you can edit and resend your last message, or fork the session from any
            message. End the session when done; it can be resumed.
          </li>
        </ul>
      </section>
    </div>
  );
}
