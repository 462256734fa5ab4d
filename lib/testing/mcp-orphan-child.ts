// Run by lib/mcp/lifetime.test.ts as a stand-in for the Ratchet server: starts a long-lived process
// in the sandbox (as a stdio MCP server is), prints its pid and waits to be killed.
//   MCP_ORPHAN_TAG=<tag> tsx lib/testing/mcp-orphan-child.ts <workspace>
// The tag is in the environment, not the arguments, so only the sandboxed process carries it.
import { spawnLongLived } from "@/lib/sandbox/long-lived";
import { startTestSandbox } from "./sandbox";

const [workspace = ""] = process.argv.slice(2);
const tag = process.env.MCP_ORPHAN_TAG ?? "";
await startTestSandbox();
const proc = await spawnLongLived({
  command: `exec node -e 'setInterval(() => {}, 1000)' ${tag}`,
  cwd: workspace,
  sandbox: { writable: [workspace], network: "none" },
});
process.stdout.write(`ready ${proc.pid}\n`);
setInterval(() => {}, 1000);
