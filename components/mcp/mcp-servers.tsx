"use client";

// before any schema is defined (see the module)
import "@/components/zod-jitless";
import { useCallback, useEffect, useState } from "react";
import { type HeaderRow, headerChange, storedRows } from "@/lib/mcp/header-rows";
import type { McpServerView, McpToolView } from "@/lib/mcp/views";
import { isAbortError, mcpApi, type NewMcpServer } from "../api-client";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import { HeaderRowsEditor } from "./header-rows";
import { McpServerHealthPanel } from "./server-health";

/** The servers as the API lists them, reloaded on demand. */
function useServers(): { servers: McpServerView[] | null; error: string | null; reload: () => void } {
  const [servers, setServers] = useState<McpServerView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    void tick;
    mcpApi.list(controller.signal).then(
      (result) => {
        if (result.ok) setServers(result.data);
        else setError(result.message);
      },
      (failure: unknown) => {
        if (!isAbortError(failure)) setError(String(failure));
      },
    );
    return () => controller.abort();
  }, [tick]);
  return { servers, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/** Words split like a shell would for plain arguments; quoting is not interpreted. */
function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** A stored HTTP server's headers: names shown, values masked, each kept, replaced or removed. */
function StoredHeaders({ server, onSaved }: { server: McpServerView; onSaved: () => void }) {
  const [rows, setRows] = useState<HeaderRow[] | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  async function save(current: HeaderRow[]) {
    const change = headerChange(current);
    if (!change.ok) return setMessage({ error: true, text: change.error });
    const result = await mcpApi.setHeaders(server.name, {
      headers: change.headers,
      keepHeaders: change.keepHeaders,
    });
    if (!result.ok) return setMessage({ error: true, text: result.message });
    setMessage({ error: false, text: `Saved the headers of ${server.name}.` });
    setRows(null);
    onSaved();
  }
  return (
    <div className="flex flex-col gap-2 pl-4">
      {rows ? (
        <>
          <HeaderRowsEditor rows={rows} onChange={setRows} label={`Headers of ${server.name}`} />
          <div className="flex gap-2">
            <Button size="sm" variant="primary" onClick={() => void save(rows)}>
              Save headers
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setRows(null)}>
              Cancel
            </Button>
          </div>
        </>
      ) : (
        <div>
          <Button size="sm" onClick={() => setRows(storedRows(server.headers ?? []))}>
            Edit headers of {server.name}
          </Button>
        </div>
      )}
      {message ? (
        <span role="status" className={message.error ? "text-red-300 text-sm" : "text-muted text-sm"}>
          {message.text}
        </span>
      ) : null}
    </div>
  );
}

/** Settings: add an MCP server. Its tools are listed for review on the Tools page. */
export function McpServerForm() {
  const { servers, error, reload } = useServers();
  const [name, setName] = useState("");
  const [transport, setTransport] = useState<"stdio" | "http">("stdio");
  const [command, setCommand] = useState("");
  const [args, setArgs] = useState("");
  const [env, setEnv] = useState("");
  const [url, setUrl] = useState("");
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [state, setState] = useState<
    { kind: "idle" | "saving" } | { kind: "done" | "error"; message: string }
  >({
    kind: "idle",
  });

  async function add() {
    const change = transport === "http" ? headerChange(headers) : null;
    if (change && !change.ok) return setState({ kind: "error", message: change.error });
    setState({ kind: "saving" });
    const body: NewMcpServer =
      transport === "stdio"
        ? { name, transport, command, args: words(args), env: words(env) }
        : { name, transport, url, headers: change?.ok ? change.headers : {} };
    const result = await mcpApi.add(body);
    if (!result.ok) return setState({ kind: "error", message: result.message });
    setHeaders([]);
    setState({
      kind: "done",
      message:
        result.data.status === "error"
          ? `Added ${result.data.name}, but it could not be listed: ${result.data.error ?? "unknown error"}`
          : `Added ${result.data.name}: ${result.data.tools.length} tools wait for review on the Tools page.`,
    });
    reload();
  }

  return (
    <section className="flex flex-col gap-4" aria-label="MCP servers">
      <h2 className="font-semibold text-lg">MCP servers</h2>
      <p className="text-muted text-sm">
        A stdio server runs in the sandbox of each session that uses it; its tools are offered only after they
        are approved on the Tools page.
      </p>
      {error ? <Callout tone="error">{error}</Callout> : null}
      {servers?.length ? (
        <ul className="flex flex-col gap-1 text-sm">
          {servers.map((s) => (
            <li key={s.name} className="flex flex-col gap-1" data-testid={`mcp-settings-${s.name}`}>
              <span>
                <span className="font-mono">{s.name}</span> · {s.transport} · {s.status}
                {s.transport === "http"
                  ? ` · headers: ${s.headers?.length ? s.headers.join(", ") : "none"}`
                  : ""}
              </span>
              {s.transport === "http" ? <StoredHeaders server={s} onSaved={reload} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="grid grid-cols-2 gap-3">
        <Field label="Server name" htmlFor="mcp-name">
          <Input id="mcp-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="memory" />
        </Field>
        <Field label="Transport" htmlFor="mcp-transport">
          <Select
            id="mcp-transport"
            value={transport}
            onChange={(e) => setTransport(e.target.value === "http" ? "http" : "stdio")}
          >
            <option value="stdio">stdio (runs in the sandbox)</option>
            <option value="http">Streamable HTTP</option>
          </Select>
        </Field>
        {transport === "stdio" ? (
          <>
            <Field label="Command" htmlFor="mcp-command">
              <Input
                id="mcp-command"
                value={command}
                onChange={(e) => setCommand(e.target.value)}
                placeholder="node"
              />
            </Field>
            <Field label="Arguments" htmlFor="mcp-args" hint="Separated by spaces.">
              <Input id="mcp-args" value={args} onChange={(e) => setArgs(e.target.value)} />
            </Field>
            <Field
              label="Environment variable names"
              htmlFor="mcp-env"
              hint="Names only; values come from the server's environment."
            >
              <Input id="mcp-env" value={env} onChange={(e) => setEnv(e.target.value)} />
            </Field>
          </>
        ) : (
          <>
            <Field label="URL" htmlFor="mcp-url">
              <Input
                id="mcp-url"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://…/mcp"
              />
            </Field>
            <div className="col-span-2">
              <HeaderRowsEditor rows={headers} onChange={setHeaders} label="Headers" />
              <p className="mt-1 text-faint text-sm">
                Values are stored like the model API key: never shown again, masked in tool output.
              </p>
            </div>
          </>
        )}
      </div>
      <div className="flex items-center gap-3">
        <Button variant="primary" onClick={() => void add()} disabled={state.kind === "saving" || !name}>
          {state.kind === "saving" ? "Adding…" : "Add MCP server"}
        </Button>
        {state.kind === "done" || state.kind === "error" ? (
          <span
            role="status"
            className={state.kind === "error" ? "text-red-300 text-sm" : "text-muted text-sm"}
          >
            {state.message}
          </span>
        ) : null}
      </div>
    </section>
  );
}

function ToolReview({ tool }: { tool: McpToolView }) {
  return (
    <li
      className="flex flex-col gap-1 rounded border border-line p-3"
      data-testid={`mcp-${tool.kind ?? "tool"}-${tool.name}`}
    >
      <div className="flex items-center gap-2">
        <span className="font-mono">{tool.name}</span>
        {tool.kind ? (
          <span className="rounded bg-panel-2 px-1.5 text-faint text-xs">
            {tool.kind === "prompt" ? "prompt" : "reads resources"}
          </span>
        ) : null}
        <span className="text-faint text-sm">{tool.status === "active" ? "approved" : "needs approval"}</span>
      </div>
      {tool.previous ? (
        <div className="text-sm">
          <div className="text-red-300 line-through">{tool.previous.description}</div>
          <div className="text-green-300">{tool.description}</div>
        </div>
      ) : (
        <p className="whitespace-pre-wrap text-muted text-sm">{tool.description}</p>
      )}
      {tool.flags.map((flag) => (
        <p key={flag.id} className="text-amber-300 text-sm">
          ⚠ {flag.label}
        </p>
      ))}
      <details className="text-sm">
        <summary className="cursor-pointer text-faint">Input schema</summary>
        <pre className="overflow-x-auto text-xs">{JSON.stringify(tool.inputSchema, null, 2)}</pre>
      </details>
    </li>
  );
}

/** Tools page: each server's tools as the model would read them, approved by the hash of that list. */
export function McpServersReview() {
  const { servers, error, reload } = useServers();
  const [message, setMessage] = useState<string | null>(null);

  async function approve(server: McpServerView) {
    if (!server.toolsSha256) return;
    const result = await mcpApi.approve(server.name, server.toolsSha256);
    setMessage(result.ok ? `Approved the tools of ${server.name}.` : result.message);
    reload();
  }

  if (error) return <Callout tone="error">{error}</Callout>;
  if (!servers?.length) return null;
  return (
    <section className="flex flex-col gap-4 px-8 pb-8" aria-label="MCP servers">
      <h2 className="font-semibold text-lg">MCP servers</h2>
      {message ? (
        <p role="status" className="text-muted text-sm">
          {message}
        </p>
      ) : null}
      {servers.map((server) => (
        <article key={server.name} className="flex flex-col gap-3" data-testid={`mcp-server-${server.name}`}>
          <header className="flex items-center gap-3">
            <span className="font-mono font-semibold">{server.name}</span>
            <span className="text-sm">{server.status.replace("_", " ")}</span>
            <span className="text-faint text-sm">
              {server.transport === "stdio" ? [server.command, ...(server.args ?? [])].join(" ") : server.url}
            </span>
            <span className="text-faint text-sm">
              {server.running ? `running in ${server.running} session(s)` : ""}
            </span>
            {server.status === "needs_approval" ? (
              <Button variant="primary" size="sm" onClick={() => void approve(server)}>
                Approve {server.tools.length} tools
              </Button>
            ) : null}
          </header>
          {server.error ? <Callout tone="error">{server.error}</Callout> : null}
          <McpServerHealthPanel name={server.name} />
          <ul className="flex flex-col gap-2">
            {server.tools.map((tool) => (
              <ToolReview key={`${tool.kind ?? "tool"}:${tool.name}`} tool={tool} />
            ))}
          </ul>
        </article>
      ))}
    </section>
  );
}
